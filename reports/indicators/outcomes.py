"""Indicators over what learners received and achieved: registration, protective services,
certification, job placements and school enrolment."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from learners.models import (
    CentreTransfer,
    JobPlacement,
    Learner,
    SchoolEnrolment,
    ServiceRecord,
    TrainingEnrolment,
)
from reports.indicators.base import (
    OUTCOMES,
    Figure,
    RecordList,
    Scope,
    band_of,
    in_centres,
    learner_counts,
    monthly,
    monthly_totals,
    sex_labels,
    situation_counts,
)

# ---- indicators over dated learner records (services, certification, jobs, school) -------------


@dataclass
class RecordIndicator:
    """Children with at least one dated record of a kind, in the period, at the chosen centres."""

    key: str
    label: str
    definition: str
    section: str
    model: type
    date_field: str
    detail: Callable[[object], str]  # a record's detail column
    detail_heading: str
    base: Callable[[], QuerySet]
    reads: frozenset[str]  # the kinds of records it reads (indicators.CHANGES)
    unit: str = "children"

    def records(self, scope: Scope) -> QuerySet:
        """The records that count, in the scope."""
        return self.base().filter(
            in_centres(scope),
            **{f"{self.date_field}__gte": scope.start, f"{self.date_field}__lte": scope.end},
        )

    def figure(self, scope: Scope) -> Figure:
        """The number of children, by sex and age band, and by month."""
        records = self.records(scope)
        total, by_sex, by_band = learner_counts(records.values("learner_id"), scope)
        months = monthly_totals(records, self.date_field, Count("learner_id", distinct=True))
        trend = monthly(scope, months)
        figure = Figure(
            self.key, str(self.label), str(self.definition), self.unit, self.section, total, by_sex, by_band, trend
        )
        figure.by_situation = situation_counts(records.values("learner_id"), scope, total)
        return figure

    def record_list(self, scope: Scope) -> RecordList:
        """Every record that counts, oldest first, with the learner's code, sex and age band."""
        records = (
            self.records(scope).select_related("learner", "centre").order_by(self.date_field, "learner__code", "pk")
        )

        sexes = sex_labels()

        def fetch(offset: int, limit: int | None) -> Iterator[tuple]:
            chunk = records[offset:] if limit is None else records[offset : offset + limit]
            for record in chunk.iterator(chunk_size=2000):
                learner = record.learner
                yield (
                    learner.code,
                    learner.first_name,
                    sexes[learner.sex],
                    band_of(learner.birth_year, learner.age_band, scope.end),
                    record.centre.name,
                    getattr(record, self.date_field),
                    self.detail(record),
                )

        columns = [_("Code"), _("First name"), _("Sex"), _("Age band"), _("Centre"), _("Date"), self.detail_heading]
        total = self.records(scope).count()
        return RecordList(str(self.label), str(self.definition), [str(c) for c in columns], total, fetch, 0)


def _service_detail(record: ServiceRecord) -> str:
    provider = record.provider or str(_("the centre"))
    return f"{record.get_kind_display()} ({provider})"


def _certificate_detail(record: TrainingEnrolment) -> str:
    number = f" {record.certificate_number}" if record.certificate_number else ""
    return f"{record.trade.name}: {record.certifying_board}{number}"


def _placement_detail(record: JobPlacement) -> str:
    return f"{record.get_kind_display()}: {record.trade.name if record.trade_id else record.sector}"


SERVICES = RecordIndicator(
    key="protective-services",
    label=_("Children provided protective services"),
    definition=_(
        "Children who received at least one service (literacy and education, psychosocial counselling, "
        "recreation, medical support, health and hygiene, or a referral) in the period, counted once "
        "however many services they received."
    ),
    section=OUTCOMES,
    model=ServiceRecord,
    date_field="date",
    detail=_service_detail,
    detail_heading=_("Service"),
    base=lambda: ServiceRecord.objects.all(),
    reads=frozenset({"services"}),
)
CERTIFIED = RecordIndicator(
    key="certified",
    label=_("Children certified in a trade"),
    definition=_(
        "Children whose vocational training was certified by a training board in the period "
        "(the date on the certificate)."
    ),
    section=OUTCOMES,
    model=TrainingEnrolment,
    date_field="certified_on",
    detail=_certificate_detail,
    detail_heading=_("Trade and board"),
    base=lambda: TrainingEnrolment.objects.filter(certified_on__isnull=False).select_related("trade"),
    reads=frozenset({"outcomes"}),
)
PLACED = RecordIndicator(
    key="placed-in-jobs",
    label=_("Children placed in jobs"),
    definition=_("Children who started employment, self-employment or an apprenticeship in the period."),
    section=OUTCOMES,
    model=JobPlacement,
    date_field="placed_on",
    detail=_placement_detail,
    detail_heading=_("Work"),
    base=lambda: JobPlacement.objects.select_related("trade"),
    reads=frozenset({"outcomes"}),
)
MAINSTREAMED = RecordIndicator(
    key="mainstreamed",
    label=_("Children mainstreamed into formal school"),
    definition=_("Children who were enrolled in a formal school in the period."),
    section=OUTCOMES,
    model=SchoolEnrolment,
    date_field="enrolled_on",
    detail=lambda record: str(_("Class %(grade)s")) % {"grade": record.grade},
    detail_heading=_("Class or grade"),
    base=lambda: SchoolEnrolment.objects.all(),
    reads=frozenset({"outcomes"}),
)


# ---- registration ----------------------------------------------------------------------------


def first_centres() -> dict[int, int]:
    """For each learner who ever moved, the centre they joined (their first move's origin). Moves are rare."""
    joined: dict[int, int] = {}
    for learner_id, centre_id in CentreTransfer.objects.order_by("moved_on", "pk").values_list(
        "learner_id", "from_centre_id"
    ):
        joined.setdefault(learner_id, centre_id)
    return joined


@dataclass
class Registered:
    """Children registered: learners who joined a chosen centre in the period."""

    reads = frozenset({"registration"})  # the records it reads (indicators.CHANGES)

    key: str = "registered"
    section: str = OUTCOMES
    unit: str = "children"
    label: str = _("Children registered")
    definition: str = _(
        "Learners who joined one of the chosen centres in the period (a learner who later moved counts for the "
        "centre where they joined)."
    )

    def learners(self, scope: Scope) -> QuerySet:
        """Learners registered in the scope."""
        learners = Learner.objects.filter(joined_on__gte=scope.start, joined_on__lte=scope.end)
        if not in_centres(scope):
            return learners  # every centre chosen: wherever a learner joined, it is one of them
        movers = first_centres()
        if not movers:
            return learners.filter(centre_id__in=scope.centre_ids)
        joined_here = [learner_id for learner_id, centre_id in movers.items() if centre_id in scope.centre_ids]
        stayed_here = Q(centre_id__in=scope.centre_ids) & ~Q(pk__in=list(movers))
        return learners.filter(stayed_here | Q(pk__in=joined_here))

    def figure(self, scope: Scope) -> Figure:
        """New learners, by sex, age band and month of joining."""
        learners = self.learners(scope)
        total, by_sex, by_band = learner_counts(learners.values("pk"), scope)
        months = monthly_totals(learners, "joined_on", Count("pk"))
        trend = monthly(scope, months)
        figure = Figure(
            self.key, str(self.label), str(self.definition), self.unit, str(self.section), total, by_sex, by_band, trend
        )
        figure.by_situation = situation_counts(learners.values("pk"), scope, total)
        return figure

    def record_list(self, scope: Scope) -> RecordList:
        """Every learner registered in the scope, by code: the registry export."""
        learners = self.learners(scope).order_by("code")
        columns = [_("Code"), _("First name"), _("Sex"), _("Age band"), _("Centre"), _("Joined on"), _("Status")]

        sexes, statuses = sex_labels(), {key: str(label) for key, label in Learner.Status.choices}
        # Plain tuples, not model instances: the Excel file of 100,000 learners is written in the background
        # within seconds (reports.tasks), and building a Learner and its Centre per row took a third of that.
        fields = ("code", "first_name", "sex", "birth_year", "age_band", "centre__name", "joined_on", "status")

        def fetch(offset: int, limit: int | None) -> Iterator[tuple]:
            chunk = learners[offset:] if limit is None else learners[offset : offset + limit]
            for code, first_name, sex, birth_year, age_band, centre, joined_on, status in chunk.values_list(
                *fields
            ).iterator(chunk_size=2000):
                yield (
                    code,
                    first_name,
                    sexes[sex],
                    band_of(birth_year, age_band, scope.end),
                    centre,
                    joined_on,
                    statuses[status],
                )

        return RecordList(str(self.label), str(self.definition), [str(c) for c in columns], learners.count(), fetch, 0)
