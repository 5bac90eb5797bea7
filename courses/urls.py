"""Delivery pages: dashboard, groups, session planning and running, progress, learner records."""

from django.urls import path

from courses.views import groups, offline, sessions

urlpatterns = [
    path("dashboard/", groups.dashboard, name="dashboard"),
    path("groups/", groups.group_list, name="group_list"),
    path("groups/new/", groups.group_create, name="group_create"),
    path("groups/<int:group_id>/", groups.group_detail, name="group_detail"),
    path("groups/<int:group_id>/edit/", groups.group_edit, name="group_edit"),
    path("groups/<int:group_id>/plan/", groups.sessions_plan, name="sessions_plan"),
    path("groups/<int:group_id>/progress/", sessions.group_progress, name="group_progress"),
    path("learners/<str:code>/", groups.learner_record, name="learner_record"),
    path("sessions/<int:session_id>/", sessions.session_run, name="session_run"),
    path("sessions/<int:session_id>/scores/", sessions.session_scores, name="session_scores"),
    path("sessions/<int:session_id>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:session_id>/attendance-sheet/", sessions.attendance_sheet, name="attendance_sheet"),
    path("sessions/<int:session_id>/score-sheet/", sessions.score_sheet, name="score_sheet"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("offline/", offline.offline_sessions, name="offline_sessions"),
    path("offline/token/", offline.offline_token, name="offline_token"),
    path("offline/kept/", offline.offline_manifest, name="offline_manifest"),
    path("offline/submit/", offline.offline_submit, name="offline_submit"),
    path("offline/conflicts/", offline.conflict_list, name="offline_conflicts"),
    path("offline/conflicts/<int:submission_id>/", offline.conflict_resolve, name="offline_resolve"),
]
