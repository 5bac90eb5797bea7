"""An index on Wagtail's audit log, by action and id: the figures' cache asks for the newest entry of each action
(`reports.indicators.newest_entries`), one step down this index each, however long the log has grown (every read
of a learner's record is audited too). Wagtail's own index on the action alone would read every entry of it."""

from django.db import migrations

INDEX = "reports_log_newest_by_action"


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_self_protection_summaries"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON wagtailcore_modellogentry (action, id)",
            f"DROP INDEX {INDEX}",
        ),
    ]
