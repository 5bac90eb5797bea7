"""Programme managers may open the admin to change the peer-educator eligibility rule, and nothing else."""

from django.db import migrations


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    managers = Group.objects.filter(name="Programme managers").first()
    if managers is None:
        return
    for app_label, model, codename in (
        ("wagtailadmin", "admin", "access_admin"),
        ("peer_educators", "eligibilitysettings", "change_eligibilitysettings"),
    ):
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        perm, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ")}
        )
        managers.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [("peer_educators", "0001_initial"), ("home", "0002_site_and_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
