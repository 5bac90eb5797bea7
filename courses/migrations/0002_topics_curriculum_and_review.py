"""Default topics, the curriculum index page, editors' and reviewers' page permissions, and the
review workflow: a module or lesson goes live only after a Content reviewer approves it."""

from django.db import migrations

TOPICS = [
    ("child-rights", "Child rights (CRC)", "The UN Convention on the Rights of the Child, in a child's words."),
    ("health-hygiene", "Health and hygiene", "Handwashing, clean water, looking after my body, growing up."),
    ("self-protection", "Self-protection", "Body safety, unsafe places and people, saying no and telling."),
    ("active-citizenship", "Active citizenship", "Rights and duties, community problems, social action."),
    ("life-skills", "Life skills", "Communication, decisions, managing stress, self-esteem, goals."),
    ("peer-education", "Peer education", "Training for rehabilitated youth who lead groups."),
]
EDITOR_PERMISSIONS = ["add_page", "change_page"]
REVIEWER_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def child_path(parent, numchild):
    """The treebeard path of a parent's next child (steplen 4, base 36)."""
    number, digits = numchild + 1, ""
    while number:
        number, rest = divmod(number, 36)
        digits = ALPHABET[rest] + digits
    return parent.path + digits.rjust(4, "0")


def create_curriculum(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("home.HomePage")
    Topic = apps.get_model("courses.Topic")
    CurriculumIndexPage = apps.get_model("courses.CurriculumIndexPage")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")

    for order, (slug, name, description) in enumerate(TOPICS, 1):
        Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "sort_order": order * 10}
        )

    home = HomePage.objects.order_by("path").first()
    if home is None:
        return
    index = CurriculumIndexPage.objects.order_by("path").first()
    if index is None:
        content_type, _ = ContentType.objects.get_or_create(app_label="courses", model="curriculumindexpage")
        index = CurriculumIndexPage.objects.create(
            title="Modules",
            draft_title="Modules",
            slug="modules",
            content_type=content_type,
            path=child_path(home, home.numchild),
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}modules/",
            locale_id=home.locale_id,
            intro="<p>Choose a topic, then a module. Each lesson is one group session.</p>",
        )
        Page.objects.filter(pk=home.pk).update(numchild=home.numchild + 1)

    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")

    def grant(group_name, codenames):
        group = Group.objects.get(name=group_name)
        for codename in codenames:
            perm, _ = Permission.objects.get_or_create(
                content_type=page_type, codename=codename, defaults={"name": codename.replace("_", " ")}
            )
            GroupPagePermission.objects.get_or_create(group=group, page_id=index.pk, permission=perm)

    grant("Content editors", EDITOR_PERMISSIONS)
    grant("Content reviewers", REVIEWER_PERMISSIONS)

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task, created = GroupApprovalTask.objects.get_or_create(
        name="Content reviewers approval", defaults={"content_type": task_type, "active": True}
    )
    if created:
        task.groups.set([Group.objects.get(name="Content reviewers")])
    workflow, created = Workflow.objects.get_or_create(name="Curriculum review", defaults={"active": True})
    if created:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page_id=index.pk, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("home", "0002_site_and_roles"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_curriculum, migrations.RunPython.noop)]
