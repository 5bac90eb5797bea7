"""Every write to the directory of service providers: a provider added to a centre's directory (or, with no centre,
to the programme's) and a provider changed. A provider is never deleted: past referrals keep it, so it is marked
as no longer referred to.

Both services are keyword-only, run in one transaction, refuse a user who does not keep that directory
(`lms.access.centres_whose_directory_is_kept_by`), validate with full_clean() and write an audit entry.
"""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from learners.models import Centre, ServiceProvider
from learners.services.outcomes import _save_once
from lms import access, audit
from lms.results import Done, Result

PROVIDER_FIELDS = ["kind", "name", "area", "phone", "show_in_help", "is_active"]


def _require_directory(user: User, centre: Centre | None) -> None:
    """Refuse a user who does not keep this centre's directory, or the programme's when there is no centre."""
    if centre is None:
        if not access.reads_all_centres(user):
            raise access.OutOfScope({"centre": _("Only programme managers keep the programme's own providers.")})
        return
    access.require_in(
        user,
        access.centres_whose_directory_is_kept_by,
        centre,
        field="centre",
        message=_("You cannot change the directory of %(centre)s.") % {"centre": centre.name},
    )


def _check_unique(provider: ServiceProvider) -> None:
    same = ServiceProvider.objects.filter(centre=provider.centre_id, kind=provider.kind, name=provider.name)
    if same.exclude(pk=provider.pk).exists():
        raise ValidationError({"name": _("%(name)s is already in this directory.") % {"name": provider.name}})


@transaction.atomic
def service_provider_create(
    *,
    centre: Centre | None,
    kind: str,
    name: str,
    phone: str,
    area: str = "",
    show_in_help: bool = False,
    acting_user: User,
) -> Result[ServiceProvider]:
    """Add a provider to a centre's directory (or the programme's). The same provider (kind and name) posted again
    with the same details changes nothing; with other details it is refused (change the one listed)."""
    _require_directory(acting_user, centre)
    provider = ServiceProvider(
        centre=centre,
        kind=kind,
        name=(name or "").strip(),
        area=(area or "").strip(),
        phone=(phone or "").strip(),
        show_in_help=show_in_help,
    )
    same = ServiceProvider.objects.filter(centre=centre, kind=kind, name=provider.name)
    if found := same.first():
        if audit.snapshot(found, PROVIDER_FIELDS) == audit.snapshot(provider, PROVIDER_FIELDS):
            return Result(found, Done.UNCHANGED)
        _check_unique(provider)
    provider.full_clean()
    provider, created = _save_once(provider, same)
    if not created:
        return Result(provider, Done.UNCHANGED)
    data = {"centre": provider.centre_id, **audit.snapshot(provider, PROVIDER_FIELDS)}
    audit.record(provider, "lms.provider.create", user=acting_user, data=data)
    return Result(provider, Done.CREATED)


@transaction.atomic
def service_provider_update(*, provider: ServiceProvider, acting_user: User, **fields) -> Result[ServiceProvider]:
    """Change a provider's kind, name, area, phone number, whether it shows where to get help, or whether the
    centre still refers to it (its directory stays)."""
    unknown = set(fields) - set(PROVIDER_FIELDS)
    if unknown:
        raise TypeError(f"service_provider_update cannot change {sorted(unknown)}")
    provider = ServiceProvider.objects.select_for_update(of=("self",)).select_related("centre").get(pk=provider.pk)
    _require_directory(acting_user, provider.centre)
    before = audit.snapshot(provider, PROVIDER_FIELDS)
    for name, value in fields.items():
        setattr(provider, name, value.strip() if isinstance(value, str) else value)
    changed = audit.changes(before, audit.snapshot(provider, PROVIDER_FIELDS))
    if not changed:
        return Result(provider, Done.UNCHANGED)
    _check_unique(provider)
    provider.full_clean()
    provider.save(update_fields=list(changed))
    audit.record(
        provider, "lms.provider.update", user=acting_user, data={"centre": provider.centre_id, "changes": changed}
    )
    return Result(provider, Done.CHANGED)
