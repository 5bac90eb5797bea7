"""The Urdu locale and its page tree: the translations of the home page and the curriculum index (so /ur/
works on an existing site too), the editors' and reviewers' permissions on the Urdu curriculum, the
"Curriculum review" workflow on it (a translation is reviewed before it goes live, as a source page is),
and the permission to use the "Translate" action."""

from django.db import migrations

LANGUAGE = "ur"
HOME_TITLE = "ہر بچے کے لیے زندگی کی مہارتیں"
HOME_INTRO = (
    "<p>ہمارے مراکز کے بچوں اور نوجوانوں کے لیے بچوں کے حقوق، صحت و صفائی، اپنی حفاظت اور فعال شہریت کے اسباق۔</p>"
)
INDEX_TITLE = "ماڈیول"
INDEX_INTRO = "<p>ایک موضوع چنیں، پھر ایک ماڈیول۔ ہر سبق ایک گروپ سیشن ہے۔</p>"
EDITOR_PERMISSIONS = ["add_page", "change_page"]
REVIEWER_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
TRANSLATORS = ["Content editors", "Content reviewers"]
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def next_child_path(Page, parent):
    """The treebeard path of a parent's next child (steplen 4, base 36), after its last child."""
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    number, digits = (int(last.path[-4:], 36) if last else 0) + 1, ""
    while number:
        number, rest = divmod(number, 36)
        digits = ALPHABET[rest] + digits
    return parent.path + digits.rjust(4, "0")


def translate_page(apps, model, source, *, parent, locale, slug, fields):
    """Create the live translation of `source` under `parent` (historical models cannot copy_for_translation)."""
    Page = apps.get_model("wagtailcore.Page")
    existing = model.objects.filter(translation_key=source.translation_key, locale=locale).first()
    if existing is not None:
        return existing
    page = model.objects.create(
        content_type_id=source.content_type_id,
        path=next_child_path(Page, parent),
        depth=parent.depth + 1,
        numchild=0,
        url_path=f"{parent.url_path}{slug}/",
        slug=slug,
        locale=locale,
        translation_key=source.translation_key,
        live=True,
        draft_title=fields["title"],
        **fields,
    )
    Page.objects.filter(pk=parent.pk).update(
        numchild=Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).count()
    )
    return page


def create_urdu_tree(apps, schema_editor):
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("home.HomePage")
    CurriculumIndexPage = apps.get_model("courses.CurriculumIndexPage")

    locale, _ = Locale.objects.get_or_create(language_code=LANGUAGE)
    site = Site.objects.filter(is_default_site=True).first()
    home = HomePage.objects.filter(pk=site.root_page_id).first() if site else None
    if home is None:
        home = HomePage.objects.exclude(locale=locale).order_by("path").first()
    if home is None:
        return
    root = Page.objects.get(depth=1)
    urdu_home = translate_page(
        apps,
        HomePage,
        home,
        parent=root,
        locale=locale,
        slug=f"{home.slug}-{LANGUAGE}",
        fields={"title": HOME_TITLE, "intro": HOME_INTRO},
    )
    index = CurriculumIndexPage.objects.filter(locale_id=home.locale_id).order_by("path").first()
    if index is None:
        return
    urdu_index = translate_page(
        apps,
        CurriculumIndexPage,
        index,
        parent=urdu_home,
        locale=locale,
        slug=index.slug,
        fields={"title": INDEX_TITLE, "intro": INDEX_INTRO},
    )
    share_rules(apps, source=index, translation=urdu_index)


def share_rules(apps, *, source, translation):
    """The translation's tree gets the source's page permissions and review workflow."""
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    for rule in GroupPagePermission.objects.filter(page_id=source.pk):
        GroupPagePermission.objects.get_or_create(
            group_id=rule.group_id, page_id=translation.pk, permission_id=rule.permission_id
        )
    workflow = WorkflowPage.objects.filter(page_id=source.pk).first()
    if workflow is not None:
        WorkflowPage.objects.update_or_create(page_id=translation.pk, defaults={"workflow_id": workflow.workflow_id})


def grant_translate(apps, schema_editor):
    """Editors and reviewers may use the "Translate" action (simple_translation's one permission)."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="simple_translation", model="simpletranslation")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="submit_translation", defaults={"name": "Can submit translations"}
    )
    for group in Group.objects.filter(name__in=TRANSLATORS):
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_progress_by_lesson_index"),
        ("home", "0002_site_and_roles"),
        ("simple_translation", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(create_urdu_tree, migrations.RunPython.noop),
        migrations.RunPython(grant_translate, migrations.RunPython.noop),
    ]
