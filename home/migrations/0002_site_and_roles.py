"""Replace Wagtail's welcome page with the HomePage, and create the role groups."""

from django.db import migrations

ROLE_NAMES = ["Content editors", "Content reviewers", "Facilitators", "Peer educators", "Programme managers"]
ADMIN_ROLES = ["Content editors", "Content reviewers"]


def create_home_and_roles(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("home.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")

    if not HomePage.objects.exists():
        Page.objects.filter(depth=2, slug="home").delete()
        homepage_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="home")
        locale = Locale.objects.order_by("pk").first()
        home = HomePage.objects.create(
            title="Life skills for every child",
            draft_title="Life skills for every child",
            slug="home",
            content_type=homepage_type,
            path="00010002",
            depth=2,
            numchild=0,
            url_path="/home/",
            locale=locale,
            intro=(
                "<p>Lessons on child rights, health and hygiene, self-protection and active "
                "citizenship, for the children and young people at our centres.</p>"
            ),
        )
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "root_page": home, "site_name": "Life Skills"}
        )
        root = Page.objects.get(depth=1)
        root.numchild = Page.objects.filter(depth=2).count()
        root.save(update_fields=["numchild"])

    def permission(app_label, model, codename):
        # Model permissions are normally made after migrate; make them now so this runs on a fresh database.
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        perm, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ")}
        )
        return perm

    # Wagtail's sample groups and their workflow would sit beside our roles and confuse; our roles replace them.
    Group.objects.filter(name__in=["Editors", "Moderators"], user__isnull=True).delete()
    Workflow = apps.get_model("wagtailcore.Workflow")
    Task = apps.get_model("wagtailcore.Task")
    Workflow.objects.filter(name="Moderators approval").delete()
    Task.objects.filter(name="Moderators approval").delete()

    access_admin = permission("wagtailadmin", "admin", "access_admin")
    # Content roles work in a "Curriculum" collection, not the root: photos of social action projects
    # live in a collection of their own that content editors cannot see.
    root = Collection.objects.get(depth=1)
    curriculum = Collection.objects.filter(depth=2, name="Curriculum").first()
    if curriculum is None:
        last = Collection.objects.filter(depth=2).order_by("-path").first()
        number = int(last.path[-4:], 36) + 1 if last else 1
        digits = ""
        while number:
            number, rest = divmod(number, 36)
            digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[rest] + digits
        curriculum = Collection.objects.create(name="Curriculum", path=root.path + digits.rjust(4, "0"), depth=2)
        root.numchild += 1
        root.save(update_fields=["numchild"])
    for name in ROLE_NAMES:
        group, _ = Group.objects.get_or_create(name=name)
        if name in ADMIN_ROLES:
            group.permissions.add(access_admin)
            for app_label, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
                for action in ("add", "change", "choose"):
                    perm = permission(app_label, model, f"{action}_{model}")
                    GroupCollectionPermission.objects.get_or_create(group=group, collection=curriculum, permission=perm)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_home_and_roles, migrations.RunPython.noop)]
