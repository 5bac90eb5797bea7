"""Forms for the peer-educator pathway and supervision: they validate input and call peer_educators.services."""

from django import forms
from django.contrib.auth.models import User
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from courses.models import Session
from learners.models import Group, Learner
from lms import roles
from lms.forms import IdChoiceField, ServiceForm, date_field
from lms.results import Result
from peer_educators import services
from peer_educators.models import Observation, PeerEducator

SESSIONS_OFFERED = 50
RATING_CHOICES = [
    (1, _("1 · needs help")),
    (2, _("2 · getting there")),
    (3, _("3 · good")),
    (4, _("4 · very good")),
]
RATING_LABELS = {
    "preparation": _("Preparation"),
    "participation": _("Participation of the children"),
    "child_safe": _("Child-safe behaviour"),
    "key_messages": _("Key messages delivered"),
}


class StaffChoiceField(IdChoiceField):
    """A choice of staff shown by their full name (or username when they have none)."""

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class PromoteForm(ServiceForm):
    """Endorse an eligible learner and promote them: the service creates their account and gives the role."""

    statement = forms.CharField(
        label=_("Endorsement"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few sentences: why this young person is ready to lead a group."),
    )
    mentor = StaffChoiceField(
        label=_("Mentor"),
        queryset=User.objects.none(),
        empty_label=_("Choose"),
        help_text=_("A facilitator of the learner's centre who will observe and support them."),
    )

    def __init__(self, *args, learner: Learner, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        mentors = (
            User.objects.filter(
                is_active=True, groups__name=roles.FACILITATORS, centre_assignments__centre=learner.centre_id
            )
            .distinct()
            .order_by("first_name", "username")
        )
        self.fields["mentor"].queryset = mentors
        self.fields["mentor"].initial = user.pk

    def submit(self, *, acting_user: User) -> tuple[PeerEducator, str | None] | None:
        """Promote through peer_educator_promote; None (with the reason on the form) when refused."""
        return self.run(
            services.peer_educator_promote,
            learner=self.learner,
            statement=self.cleaned_data["statement"],
            mentor=self.cleaned_data["mentor"],
            acting_user=acting_user,
        )


class StatusForm(ServiceForm):
    """Move a peer educator along the pathway, with a note (required to pause or step down)."""

    CHOICES = [choice for choice in PeerEducator.Status.choices if choice[0] != PeerEducator.Status.NOMINATED]
    NEEDS_NOTE = (PeerEducator.Status.PAUSED, PeerEducator.Status.STEPPED_DOWN)

    status = forms.ChoiceField(label=_("Status"), choices=CHOICES, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("Required to pause or step down: say why, in a few words."),
    )

    def __init__(self, *args, peer: PeerEducator, **kwargs):
        kwargs.setdefault("initial", {"status": peer.status})
        super().__init__(*args, **kwargs)
        self.peer = peer

    def clean(self):
        """Pausing or stepping down needs a note."""
        cleaned = super().clean()
        if cleaned.get("status") in self.NEEDS_NOTE and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say why, in a few words."))
        return cleaned

    def submit(self, *, acting_user: User) -> Result[PeerEducator] | None:
        """Change the status through peer_educator_set_status and say what was done; None (with errors on the
        form) when refused."""
        return self.run(
            services.peer_educator_set_status,
            peer=self.peer,
            status=self.cleaned_data["status"],
            note=self.cleaned_data["note"],
            acting_user=acting_user,
        )


class SessionChoiceField(IdChoiceField):
    """A held session shown as its date, group and lesson."""

    def label_from_instance(self, obj):
        return f"{date_format(obj.date)} · {obj.group.name} · {obj.lesson.title}"


def rating_field(label) -> forms.TypedChoiceField:
    """A rating from 1 (needs help) to 4 (very good), as radio buttons with words."""
    return forms.TypedChoiceField(label=label, choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect)


class ObservationForm(ServiceForm):
    """A mentor's observation of a peer-led session: date, the session, four ratings and feedback."""

    observed_on = date_field(_("Date"))
    session = SessionChoiceField(
        label=_("Session observed"),
        queryset=Session.objects.none(),
        required=False,
        empty_label=_("Not one of the recorded sessions"),
    )
    preparation = rating_field(RATING_LABELS["preparation"])
    participation = rating_field(RATING_LABELS["participation"])
    child_safe = rating_field(RATING_LABELS["child_safe"])
    key_messages = rating_field(RATING_LABELS["key_messages"])
    feedback = forms.CharField(
        label=_("Feedback"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The peer educator reads this: what went well, and one thing to try next time."),
    )

    def __init__(self, *args, peer: PeerEducator, **kwargs):
        super().__init__(*args, **kwargs)
        self.peer = peer
        if peer.user_id is None:
            sessions = Session.objects.none()
        else:
            recent = (
                Session.objects.filter(group__peer_leader=peer.user_id, status=Session.Status.HELD)
                .order_by("-date", "-id")
                .values_list("pk", flat=True)[:SESSIONS_OFFERED]
            )
            sessions = (
                Session.objects.filter(pk__in=list(recent)).select_related("group", "lesson").order_by("-date", "-id")
            )
        self.fields["session"].queryset = sessions

    def rating_fields(self):
        """The four rating fields, in order, for the template."""
        return [self[name] for name in services.RATINGS]

    def submit(self, *, acting_user: User) -> Observation | None:
        """Record the observation; a repeated identical submission returns the first one instead of a copy."""
        data = self.cleaned_data
        ratings = {name: data[name] for name in services.RATINGS}
        same = Observation.objects.filter(
            peer_educator=self.peer,
            observer=acting_user,
            observed_on=data["observed_on"],
            session=data["session"],
            feedback=data["feedback"].strip(),
            **ratings,
        ).first()
        if same is not None:
            return same
        return self.run(
            services.observation_record,
            peer=self.peer,
            observed_on=data["observed_on"],
            ratings=ratings,
            feedback=data["feedback"],
            session=data["session"],
            acting_user=acting_user,
        )


class PeerChoiceField(IdChoiceField):
    """A peer educator shown by learner code and first name."""

    def label_from_instance(self, obj):
        return f"{obj.learner.code} {obj.learner.first_name}"


class PeerLeaderForm(ServiceForm):
    """Choose the active peer educator of the group's centre who leads the group's sessions (or none)."""

    peer = PeerChoiceField(
        label=_("Peer leader"),
        queryset=PeerEducator.objects.none(),
        required=False,
        empty_label=_("No peer leader"),
    )

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        peers = (
            PeerEducator.objects.filter(
                learner__centre=group.centre_id, status=PeerEducator.Status.ACTIVE, user__isnull=False
            )
            .select_related("learner")
            .order_by("learner__code")
        )
        self.fields["peer"].queryset = peers
        if group.peer_leader_id:
            self.fields["peer"].initial = next((p.pk for p in peers if p.user_id == group.peer_leader_id), None)

    def submit(self, *, acting_user: User) -> Group | None:
        """Assign (or remove) the peer leader through peer_group_assign; None (with errors) when refused."""
        return self.run(
            services.peer_group_assign, group=self.group, peer=self.cleaned_data["peer"], acting_user=acting_user
        )
