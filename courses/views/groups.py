"""Dashboard, groups and planning pages. Being written."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


dashboard = group_list = group_create = group_detail = group_edit = sessions_plan = learner_record = _todo
