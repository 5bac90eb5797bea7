"""The three trades the programme teaches; administrators can add more under Centres > Trades."""

from django.db import migrations

TRADES = ["Tailoring", "Mobile phone repair", "Electronics repair"]


def add_trades(apps, schema_editor):
    Trade = apps.get_model("learners", "Trade")
    for name in TRADES:
        Trade.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("learners", "0003_evidence_and_community")]

    operations = [migrations.RunPython(add_trades, migrations.RunPython.noop)]
