"""Learner registry pages. Being written: see the issue's checklist."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


learner_list = learner_register = learner_edit = learner_move = members_add = membership_end = _todo
