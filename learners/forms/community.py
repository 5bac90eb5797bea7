"""Forms for community structures (PCCs, child associations, their meetings, sensitisation events).

They validate input and call learners.services; counts refuse negative numbers with a plain message,
and the services refuse them again.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from learners import services
from learners.models import CONSENT_ON_FILE, Centre, CommunityGroup, CommunityMeeting, Learner, SensitisationEvent
from learners.services.community import GROUP_FIELDS
from lms import access
from lms.forms import IdChoiceField, IdMultipleChoiceField, ServiceForm, count_field, date_field, with_blank
from lms.results import Result
from lms.validators import MAX_COMMITTEE_MEMBERS, MAX_PEOPLE

TOPICS_ROWS = {"rows": 3}


def _only_one(centres) -> int | None:
    """The pk of the only centre in a queryset, or None when there are several (or none)."""
    only = list(centres[:2])
    return only[0].pk if len(only) == 1 else None


class LearnerLabelChoiceField(IdMultipleChoiceField):
    """Learners shown by code and first name, the only things the registry knows about them."""

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.first_name}"


class CommunityGroupForm(ServiceForm):
    """Record or change a PCC or child association: kind, name, formation date, members by sex, learner members."""

    centre = IdChoiceField(label=_("Centre"), queryset=Centre.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=with_blank(CommunityGroup.Kind.choices, _("Choose")))
    name = forms.CharField(label=_("Name"), max_length=120)
    formed_on = date_field(_("Formed on"), required=False, initial=None)
    members_male = count_field(_("Male members"), maximum=MAX_COMMITTEE_MEMBERS)
    members_female = count_field(_("Female members"), maximum=MAX_COMMITTEE_MEMBERS)
    learner_members = LearnerLabelChoiceField(
        label=_("Learner members"),
        queryset=Learner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Child associations only: tick the learners of the centre who are members."),
    )
    is_active = forms.BooleanField(label=_("Still active"), required=False, initial=True)

    def __init__(self, *args, user, group: CommunityGroup | None = None, **kwargs):
        self.group = group
        if group is not None:
            kwargs.setdefault(
                "initial",
                {
                    **{name: getattr(group, name) for name in GROUP_FIELDS},
                    "learner_members": list(group.learner_members.values_list("pk", flat=True)),
                },
            )
        super().__init__(*args, **kwargs)
        if group is not None:
            # The centre of a group does not change; its current learner members stay on the list.
            del self.fields["centre"]
            learners = Learner.objects.filter(centre=group.centre_id).filter(
                Q(CONSENT_ON_FILE, status=Learner.Status.ACTIVE) | Q(pk__in=group.learner_members.values("pk"))
            )
        else:
            del self.fields["is_active"]
            centres = access.centres_managed_by(user).filter(is_active=True)
            self.fields["centre"].queryset = centres
            self.fields["centre"].initial = _only_one(centres)
            # Learners of every centre offered; the service refuses one of another centre than the group's.
            learners = Learner.objects.consenting().filter(centre__in=centres, status=Learner.Status.ACTIVE)
        self.fields["learner_members"].queryset = learners.order_by("code")

    def submit(self, *, acting_user) -> CommunityGroup | None:
        """Create the group, or save the changes to it; None (with errors on the form) when refused."""
        data = dict(self.cleaned_data)
        for name in ("members_male", "members_female"):
            data[name] = data[name] or 0
        if self.group is not None:
            return self.run(services.community_group_update, group=self.group, acting_user=acting_user, **data)
        return self.run(services.community_group_create, acting_user=acting_user, **data)


class CommunityMeetingForm(ServiceForm):
    """Record a PCC or child association meeting: the day, the topics and how many came."""

    date = date_field(_("Date"))
    topics = forms.CharField(
        label=_("Topics"),
        max_length=1000,
        widget=forms.Textarea(attrs=TOPICS_ROWS),
        help_text=_("One per line, for example: child rights."),
    )
    attendance = count_field(_("People who came"), maximum=MAX_PEOPLE, required=True)

    def __init__(self, *args, group: CommunityGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group

    def submit(self, *, acting_user) -> Result[CommunityMeeting] | None:
        """Record the meeting and say what was done (a meeting already recorded that day is not changed); None
        (with the reason on the form) when refused."""
        return self.run(
            services.community_meeting_record, group=self.group, acting_user=acting_user, **self.cleaned_data
        )


class SensitisationEventForm(ServiceForm):
    """Record an awareness session for parents, elders, police, teachers, religious leaders or others."""

    centre = IdChoiceField(label=_("Centre"), queryset=Centre.objects.none())
    date = date_field(_("Date"))
    audience = forms.ChoiceField(
        label=_("Audience"), choices=with_blank(SensitisationEvent.Audience.choices, _("Choose"))
    )
    participants_male = count_field(_("Male participants"), maximum=MAX_PEOPLE)
    participants_female = count_field(_("Female participants"), maximum=MAX_PEOPLE)
    topics = forms.CharField(
        label=_("Topics"),
        max_length=1000,
        widget=forms.Textarea(attrs=TOPICS_ROWS),
        help_text=_("One per line, for example: child rights."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        centres = access.centres_managed_by(user).filter(is_active=True)
        self.fields["centre"].queryset = centres
        self.fields["centre"].initial = _only_one(centres)

    def submit(self, *, acting_user) -> Result[SensitisationEvent] | None:
        """Record the event and say what was done (one already recorded that day for that audience is kept);
        None (with the reason on the form) when refused."""
        data = dict(self.cleaned_data)
        for name in ("participants_male", "participants_female"):
            data[name] = data[name] or 0
        return self.run(services.sensitisation_event_record, acting_user=acting_user, **data)
