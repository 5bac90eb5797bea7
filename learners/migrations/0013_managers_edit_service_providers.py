"""Programme managers add, change and remove service providers (the referral directory) in the admin."""

from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    managers = Group.objects.filter(name="Programme managers").first()
    if managers is None:
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="learners", model="serviceprovider")
    for action in ACTIONS:
        # Model permissions are normally made after migrate; make them now so this runs on a fresh database.
        codename = f"{action}_serviceprovider"
        perm, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ")}
        )
        managers.permissions.add(perm)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    managers = Group.objects.filter(name="Programme managers").first()
    if managers is not None:
        managers.permissions.remove(
            *Permission.objects.filter(content_type__app_label="learners", content_type__model="serviceprovider")
        )


class Migration(migrations.Migration):
    dependencies = [("learners", "0012_referrals_and_service_providers"), ("home", "0002_site_and_roles")]

    operations = [migrations.RunPython(grant, revoke)]
