"""`{% help_contacts as contacts %}`: where the reader of the page gets help, for lesson help blocks and the footer."""

from django import template
from django.contrib.auth.models import AnonymousUser

from learners.selectors import help_contacts_for

register = template.Library()


@register.simple_tag(takes_context=True)
def help_contacts(context) -> list:
    """The help contacts for the request's user (the programme's own without a request or for visitors), read once
    per request however many help blocks the page has."""
    request = context.get("request")
    if request is None:
        return help_contacts_for(AnonymousUser())
    cached = getattr(request, "_lms_help_contacts", None)
    if cached is None:
        cached = help_contacts_for(getattr(request, "user", AnonymousUser()))
        request._lms_help_contacts = cached
    return cached
