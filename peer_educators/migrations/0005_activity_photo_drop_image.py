"""Activity photos no longer point to Wagtail's image library (their files moved to private storage in 0004)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("peer_educators", "0004_move_activity_photos_out_of_image_library")]

    operations = [migrations.RemoveField("activityphoto", "image")]
