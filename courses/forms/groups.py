"""Forms for groups and session planning. They validate input and call services; they never save records."""

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses import services as course_services
from courses.models import LessonPage, ModulePage, Session, curriculum_lessons, curriculum_modules
from learners.models import Centre, Group
from lms import access, roles
from lms.forms import IdChoiceField, IdMultipleChoiceField, ServiceForm, date_field


class FacilitatorChoiceField(IdChoiceField):
    """A choice of staff shown by their full name (or username when they have none)."""

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class GroupForm(ServiceForm):
    """Create or edit a group: its centre (when new), name, facilitator, the modules it follows."""

    centre = IdChoiceField(label=_("Centre"), queryset=Centre.objects.none())
    name = forms.CharField(label=_("Name"), max_length=80)
    facilitator = FacilitatorChoiceField(
        label=_("Facilitator"),
        queryset=User.objects.none(),
        help_text=_("A facilitator assigned to the group's centre."),
    )
    modules = IdMultipleChoiceField(
        label=_("Modules the group follows"),
        queryset=ModulePage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(
        label=_("Teaching language"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("Sessions open each lesson in this language when it has been translated, else in the original."),
    )
    is_active = forms.BooleanField(label=_("The group still meets"), required=False)

    def __init__(self, *args, user: User, group: Group | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        if group is None:
            centres = access.centres_managed_by(user)
            self.fields["centre"].queryset = centres
            del self.fields["is_active"]
        else:
            centres = Centre.objects.filter(pk=group.centre_id)
            del self.fields["centre"]
        self.fields["facilitator"].queryset = (
            User.objects.filter(is_active=True, groups__name=roles.FACILITATORS, centre_assignments__centre__in=centres)
            .distinct()
            .order_by("first_name", "username")
        )
        self.fields["modules"].queryset = curriculum_modules()
        self.fields["language"].initial = group.language if group else settings.LANGUAGE_CODE

    def submit(self, *, acting_user: User) -> Group | None:
        """Create or update the group and set its modules through group_save (one transaction); None, with the
        reason next to its field and nothing saved, when the service refuses (a facilitator of another centre, a
        name the centre already has)."""
        return self.run(self._save, acting_user=acting_user)

    def _save(self, *, acting_user: User) -> Group:
        data = self.cleaned_data
        return course_services.group_save(
            group=self.group,
            centre=data.get("centre"),
            name=data["name"],
            facilitator=data["facilitator"],
            modules=list(data["modules"]),
            is_active=data.get("is_active", True),
            language=data.get("language") or None,
            acting_user=acting_user,
        )


class LessonPlanForm(ServiceForm):
    """Plan one session: a lesson of the group's modules on a date."""

    lesson = IdChoiceField(label=_("Lesson"), queryset=curriculum_lessons())
    date = date_field(_("Date"))

    def __init__(self, *args, group: Group, modules: list[tuple[ModulePage, list[LessonPage]]], **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        # The list offers the group's lessons, grouped by module; the service checks whatever is posted.
        self.fields["lesson"].choices = [("", _("Choose a lesson"))] + [
            (module.title, [(lesson.pk, lesson.title) for lesson in lessons]) for module, lessons in modules if lessons
        ]
        self.fields["date"].initial = timezone.localdate()

    def submit(self, *, acting_user: User) -> int | None:
        """Plan the session; returns 1 when it is new, 0 when it was already planned, None when refused."""
        data = self.cleaned_data
        existed = Session.objects.filter(group=self.group, lesson=data["lesson"], date=data["date"]).exists()
        planned = self.run(
            course_services.session_plan,
            group=self.group,
            lesson=data["lesson"],
            date=data["date"],
            acting_user=acting_user,
        )
        if planned is None:
            return None
        return 0 if existed else 1


class ModulePlanForm(ServiceForm):
    """Plan a whole module: one session per lesson, every few days from a first date."""

    module = IdChoiceField(label=_("Module"), queryset=ModulePage.objects.none())
    first_date = date_field(_("First session on"))
    every_days = forms.IntegerField(
        label=_("Every how many days"),
        initial=7,
        min_value=1,
        max_value=31,
        help_text=_("7 for a weekly session."),
        widget=forms.NumberInput,
        error_messages={
            "min_value": _("Choose between 1 and 31 days between sessions."),
            "max_value": _("Choose between 1 and 31 days between sessions."),
        },
    )

    error_fields = {"date": "first_date"}

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["module"].queryset = ModulePage.objects.filter(group_modules__group=group).order_by(
            "group_modules__position", "path"
        )
        self.fields["first_date"].initial = timezone.localdate() + datetime.timedelta(days=1)

    def submit(self, *, acting_user: User) -> int | None:
        """Plan the module's sessions; returns how many were planned, or None (with the reason) when refused."""
        data = self.cleaned_data
        sessions = self.run(
            course_services.sessions_plan_module,
            group=self.group,
            module=data["module"],
            first_date=data["first_date"],
            every_days=data["every_days"],
            acting_user=acting_user,
        )
        return None if sessions is None else len(sessions)
