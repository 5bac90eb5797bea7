"""The scope of every report: a period and the centres, chosen among those the user may read."""

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from learners.models import Centre
from lms import access
from lms.forms import IdChoiceField, IdMultipleChoiceField, ServiceForm, date_field
from lms.validators import validate_name
from reports.exports import UNITS
from reports.indicators import Scope
from reports.services import RATE_UNITS, project_period_save, target_bound, targets_set

MAX_MONTHS = 60
EARLIEST = datetime.date(2000, 1, 1)


def months_back(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` before the month of `day`."""
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last twelve months: from the first day of the month eleven months ago to today."""
    today = today or timezone.localdate()
    return months_back(today, 11), today


def presets(today: datetime.date | None = None) -> list[tuple[str, datetime.date, datetime.date]]:
    """Periods offered as one-click links: (label, start, end)."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    last_month_end = this_month - datetime.timedelta(days=1)
    quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return [
        (str(_("This month")), this_month, today),
        (str(_("Last month")), last_month_end.replace(day=1), last_month_end),
        (str(_("This quarter")), quarter_start, today),
        (str(_("Last 12 months")), *default_period(today)),
        (str(_("This year")), datetime.date(today.year, 1, 1), today),
        (str(_("Last year")), datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)),
    ]


class ScopeForm(forms.Form):
    """Period and centres for the dashboard, its lists and exports (read from the query string)."""

    start = date_field(_("From"), required=False)
    end = date_field(_("To"), required=False)
    centre = IdMultipleChoiceField(
        label=_("Centres"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked means all the centres you can see."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["centre"].queryset = access.centres_visible_to(user).order_by("name")

    def centre_boxes(self) -> str:
        """The centres' checkboxes, with the markup of the widget's own templates (a label around each box), written
        here in one pass: a thousand centres through the widget templates took 200 ms of the dashboard's time."""
        field = self["centre"]
        chosen = {str(value) for value in field.value() or []}
        checked = format_html(" checked")
        return format_html_join(
            "",
            '<label for="{0}_{1}"><input type="checkbox" name="{2}" value="{3}" id="{0}_{1}"{4}> {5}</label>',
            (
                (field.auto_id, index, field.html_name, centre.pk, checked if str(centre.pk) in chosen else "", centre)
                for index, centre in enumerate(self.fields["centre"].queryset)
            ),
        )

    def clean(self):
        data = super().clean()
        default_start, default_end = default_period()
        start = data.get("start") or default_start
        end = data.get("end") or default_end
        if "start" in self.errors or "end" in self.errors:
            return data
        if start < EARLIEST:
            self.add_error("start", _("Choose a date from 2000 onwards."))
        elif end < start:
            self.add_error("end", _("The end of the period must be on or after its start."))
        elif (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
            self.add_error("end", _("Choose a period of at most five years."))
        data["start"], data["end"] = start, end
        return data

    def scope(self) -> Scope:
        """The chosen scope (call after is_valid()); no centre ticked means every visible centre."""
        centres = self.cleaned_data.get("centre") or self.fields["centre"].queryset
        ids = tuple(sorted(centre.pk for centre in centres))
        return Scope(self.cleaned_data["start"], self.cleaned_data["end"], ids)


def scope_from_request(request) -> tuple[ScopeForm, Scope | None]:
    """The scope form bound to the query string, and the scope when it is valid (None otherwise)."""
    data = request.GET
    if not data:
        start, end = default_period()
        data = {"start": start.isoformat(), "end": end.isoformat()}
    form = ScopeForm(data, user=request.user)
    return form, form.scope() if form.is_valid() else None


class ProjectPeriodForm(ServiceForm):
    """A new project period: its name, donor, first and last day, and a centre or none (the whole programme)."""

    name = forms.CharField(label=_("Name"), max_length=120, validators=[validate_name])
    donor = forms.CharField(label=_("Donor"), max_length=120, validators=[validate_name])
    starts_on = date_field(_("First day"))
    ends_on = date_field(_("Last day"))
    centre = IdChoiceField(
        label=_("Centre"),
        queryset=Centre.objects.order_by("name"),
        required=False,
        empty_label=_("The whole programme"),
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day must be on or after the first day."))
        return data

    def save(self, *, acting_user):
        """Create the period (None when refused, the reasons on the form)."""
        data = self.cleaned_data if self.is_valid() else {}
        return self.run(project_period_save, acting_user=acting_user, **data)


class TargetsForm(ServiceForm):
    """One box per indicator, in dashboard order: a whole number for counts, a percent or points (one decimal)
    for rates and gains; an empty box means no target."""

    def __init__(self, *args, period, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        current = {target.indicator_key: target.value for target in period.targets.all()}
        for indicator in indicators:
            rate = indicator.unit in RATE_UNITS
            bound = target_bound(indicator.unit)
            field_class = forms.DecimalField if rate else forms.IntegerField
            extra = {"decimal_places": 1, "max_digits": 4} if rate else {}
            value = current.get(indicator.key)
            self.fields[indicator.key] = field_class(
                label=str(indicator.label),
                required=False,
                min_value=Decimal("0.1") if rate else 1,
                max_value=bound,
                initial=None if value is None else (value if rate else int(value)),
                help_text=str(UNITS.get(indicator.unit, indicator.unit)),
                widget=forms.NumberInput(
                    attrs={"inputmode": "decimal" if rate else "numeric", "step": "0.1" if rate else 1}
                ),
                **extra,
            )

    def save(self, *, acting_user):
        """Set every target at once (None when refused, the reasons on the form)."""
        values = self.cleaned_data if self.is_valid() else {}
        return self.run(targets_set, acting_user=acting_user, period=self.period, values=dict(values))
