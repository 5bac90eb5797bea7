"""Project periods and their targets: programme managers create periods and set every indicator's target on
one form; facilitators read the periods of their centres and of the whole programme. Anything else is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lms import access
from reports import indicators, targets
from reports.forms import ProjectPeriodForm, TargetsForm


@login_required
def target_periods(request):
    """The project periods the user may read; programme managers add one with the form below the list."""
    if not access.uses_records(request.user):
        raise Http404
    planner = access.plans_targets(request.user)
    form = None
    if planner:
        form = ProjectPeriodForm(request.POST or None)
        if request.method == "POST":
            result = form.save(acting_user=request.user)
            if result is not None:
                messages.success(request, _("Project period created: now set its targets."))
                return redirect("target_period", pk=result.record.pk)
    elif request.method == "POST":
        raise Http404
    periods = access.project_periods_visible_to(request.user).select_related("centre")
    return render(request, "reports/target_periods.html", {"periods": periods, "form": form, "planner": planner})


@login_required
def target_period(request, pk: int):
    """One project period's targets, one box per indicator for programme managers (one submit), a table for
    facilitators; a link to the dashboard over the period shows what was achieved."""
    period = get_object_or_404(access.project_periods_visible_to(request.user).select_related("centre"), pk=pk)
    planner = access.project_periods_managed_by(request.user).filter(pk=period.pk).exists()
    if request.method == "POST" and not planner:
        raise Http404
    every = indicators.indicators()
    form = TargetsForm(request.POST or None, period=period, indicators=every) if planner else None
    if form is not None and request.method == "POST":
        result = form.save(acting_user=request.user)
        if result is not None:
            if result.changed_anything:
                messages.success(request, _("Targets saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("target_period", pk=period.pk)
    units = {indicator.key: indicator.unit for indicator in every}
    rows = [
        (indicator, targets.target_number(target.value, units[target.indicator_key]))
        for target in period.targets.all()
        for indicator in every
        if indicator.key == target.indicator_key
    ]
    centres = [period.centre_id] if period.centre_id else []
    context = {
        "period": period,
        "form": form,
        "rows": rows,
        "dashboard_query": targets.compare_query(period, centres),
    }
    return render(request, "reports/target_period.html", context)
