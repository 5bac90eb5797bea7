"""Reads the report pages and downloads share besides the indicators themselves."""

from reports.indicators import Scope


def centre_names(centres, scope: Scope) -> list[str]:
    """The names of the scope's centres among the given ones (those the user may see), by name."""
    return list(centres.filter(pk__in=scope.centre_ids).order_by("name").values_list("name", flat=True))
