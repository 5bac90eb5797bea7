"""The directory of service providers on the site: a centre's providers (and the programme's own) listed, added and
changed by the people who keep it: the centre's facilitators, programme managers and administrators (who also
keep the programme's). Everyone else gets 404; a centre or provider outside the user's directories answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from learners.forms import ServiceProviderForm
from learners.models import ServiceProvider
from lms import access
from lms.results import Done
from lms.validators import parse_id

PROGRAMME = "programme"  # ?centre=programme: the programme's own providers (no centre)


def _place(request):
    """The directory asked for by ?centre=: (centre or None for the programme's, its query string), or a page
    of choices when the user keeps several and named none. 404 for a directory the user does not keep."""
    centres = access.centres_whose_directory_is_kept_by(request.user).filter(is_active=True).order_by("name")
    keeps_programme = access.reads_all_centres(request.user)
    asked = request.GET.get("centre")
    if asked == PROGRAMME:
        if not keeps_programme:
            raise Http404
        return None, f"?centre={PROGRAMME}"
    if asked is not None:
        centre = get_object_or_404(centres, pk=parse_id(asked) or 0)
        return centre, f"?centre={centre.pk}"
    only = list(centres[:2])
    if len(only) == 1 and not keeps_programme:
        return only[0], f"?centre={only[0].pk}"
    if not only and not keeps_programme:
        raise Http404
    return render(request, "learners/provider_list.html", {"centres": centres, "keeps_programme": keeps_programme})


def _directory_url(centre) -> str:
    """The directory of a centre, or the programme's for None."""
    return reverse("provider_list") + f"?centre={centre.pk if centre else PROGRAMME}"


@login_required
def provider_list(request):
    """A centre's directory (every provider, in use or not) with the programme's providers in use, each with a
    link to change it when the user may."""
    place = _place(request)
    if not isinstance(place, tuple):
        return place  # the choice of directory
    centre, query = place
    own = ServiceProvider.objects.filter(centre=centre)
    programme = ServiceProvider.objects.filter(centre__isnull=True, is_active=True) if centre is not None else None
    context = {
        "centre": centre,
        "query": query,
        "providers": own,
        "programme_providers": programme,
        "edits_programme": access.reads_all_centres(request.user),
    }
    return render(request, "learners/provider_list.html", context)


@login_required
def provider_add(request):
    """Add a provider to a directory the user keeps (?centre=<id> or ?centre=programme)."""
    place = _place(request)
    if not isinstance(place, tuple):
        return place
    centre, query = place
    form = ServiceProviderForm(request.POST or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        result = form.submit(acting_user=request.user)
        if result is not None:
            if result.done is Done.CREATED:
                messages.success(request, _("Added %(name)s to the directory.") % {"name": result.record.name})
            else:
                messages.info(request, _("%(name)s was already in the directory.") % {"name": result.record.name})
            return redirect(_directory_url(centre))
    return render(request, "learners/provider_form.html", {"form": form, "centre": centre, "query": query})


@login_required
def provider_edit(request, provider_id: int):
    """Change a provider of a directory the user keeps."""
    provider = get_object_or_404(access.providers_kept_by(request.user).select_related("centre"), pk=provider_id)
    form = ServiceProviderForm(request.POST or None, provider=provider)
    if request.method == "POST" and form.is_valid():
        result = form.submit(acting_user=request.user)
        if result is not None:
            if result.done is Done.CHANGED:
                messages.success(request, _("Saved the changes to %(name)s.") % {"name": result.record.name})
            else:
                messages.info(request, _("Nothing changed."))
            return redirect(_directory_url(provider.centre))
    context = {"form": form, "provider": provider, "centre": provider.centre, "query": ""}
    return render(request, "learners/provider_form.html", context)
