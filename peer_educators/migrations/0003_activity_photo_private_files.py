"""Activity photos get their own files in private storage (a photo and a thumbnail); the link to Wagtail's
image library may be empty until 0004 moves the photos and 0005 drops it."""

from django.db import migrations, models

import lms.storage


def private_file(verbose_name):
    return models.FileField(
        default="",
        max_length=200,
        storage=lms.storage.private_storage,
        upload_to="activity-photos/",
        verbose_name=verbose_name,
    )


class Migration(migrations.Migration):
    dependencies = [("peer_educators", "0002_manager_edits_eligibility")]

    operations = [
        migrations.AddField("activityphoto", "file", private_file("photo"), preserve_default=False),
        migrations.AddField("activityphoto", "thumbnail", private_file("thumbnail"), preserve_default=False),
        migrations.AddField("activityphoto", "thumbnail_width", models.PositiveSmallIntegerField(default=0)),
        migrations.AddField("activityphoto", "thumbnail_height", models.PositiveSmallIntegerField(default=0)),
        migrations.AlterField(
            "activityphoto",
            "image",
            models.ForeignKey(null=True, on_delete=models.deletion.PROTECT, related_name="+", to="wagtailimages.image"),
        ),
    ]
