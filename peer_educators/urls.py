"""Peer-educator pathway, peer educators' own area, supervision and social action projects."""

from django.urls import path

from peer_educators.views import pathway, peer, projects

urlpatterns = [
    # the peer educator's own phone-first area
    path("peer/", peer.peer_home, name="peer_home"),
    path("peer/feedback/", peer.peer_feedback, name="peer_feedback"),
    path("accounts/first-password/", peer.first_password, name="first_password"),
    # facilitators: the pathway and supervision
    path("peer-educators/", pathway.peer_list, name="peer_list"),
    path("peer-educators/eligibility/", pathway.eligibility, name="peer_eligibility"),
    path("peer-educators/promote/<str:code>/", pathway.promote, name="peer_promote"),
    path("peer-educators/<int:peer_id>/", pathway.peer_detail, name="peer_detail"),
    path("peer-educators/<int:peer_id>/status/", pathway.peer_status, name="peer_status"),
    path("peer-educators/<int:peer_id>/observe/", pathway.observe, name="peer_observe"),
    path("groups/<int:group_id>/peer-leader/", pathway.group_peer_leader, name="group_peer_leader"),
    # social action projects
    path("projects/", projects.project_list, name="project_list"),
    path("projects/new/", projects.project_propose, name="project_propose"),
    path("projects/<int:project_id>/", projects.project_detail, name="project_detail"),
    path("projects/<int:project_id>/photos/<int:photo_id>/<slug:size>/", projects.project_photo, name="project_photo"),
    path("projects/<int:project_id>/approve/", projects.project_approve, name="project_approve"),
    path("projects/<int:project_id>/log/", projects.activity_log_add, name="project_log"),
    path("projects/<int:project_id>/plan/", projects.planned_activity_add, name="project_plan"),
    path("projects/<int:project_id>/complete/", projects.project_complete, name="project_complete"),
    path("projects/<int:project_id>/abandon/", projects.project_abandon, name="project_abandon"),
]
