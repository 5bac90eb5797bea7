"""Learner registry and group membership pages (facilitators' site, not the admin)."""

from django.urls import path

from learners import views

urlpatterns = [
    path("learners/", views.learner_list, name="learner_list"),
    path("learners/new/", views.learner_register, name="learner_register"),
    path("learners/<str:code>/edit/", views.learner_edit, name="learner_edit"),
    path("learners/<str:code>/move/", views.learner_move, name="learner_move"),
    path("groups/<int:group_id>/members/add/", views.members_add, name="members_add"),
    path("groups/<int:group_id>/members/<int:membership_id>/end/", views.membership_end, name="membership_end"),
]
