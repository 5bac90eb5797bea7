"""Learner registry and group membership pages (facilitators' site, not the admin)."""

from django.urls import path

from learners.views import community, coordination, outcomes, providers, referrals
from learners.views import registry as views

urlpatterns = [
    path("learners/", views.learner_list, name="learner_list"),
    path("learners/new/", views.learner_register, name="learner_register"),
    path("learners/<str:code>/edit/", views.learner_edit, name="learner_edit"),
    path("learners/<str:code>/move/", views.learner_move, name="learner_move"),
    path("learners/<str:code>/situation/", views.learner_situation, name="learner_situation"),
    path("learners/<str:code>/services/add/", outcomes.service_add, name="service_add"),
    path("learners/<str:code>/training/add/", outcomes.training_add, name="training_add"),
    path("learners/<str:code>/placements/add/", outcomes.placement_add, name="placement_add"),
    path("learners/<str:code>/school/add/", outcomes.school_enrolment_add, name="school_enrolment_add"),
    path("learners/<str:code>/transfer/", outcomes.learner_transfer, name="learner_transfer"),
    path("services/for-several/", outcomes.services_for_group, name="services_for_group"),
    path("learners/<str:code>/referrals/add/", referrals.referral_add, name="referral_add"),
    path("referrals/due/", referrals.referrals_due_list, name="referrals_due"),
    path("referrals/<int:referral_id>/", referrals.referral_detail, name="referral_detail"),
    path("training/<int:training_id>/", outcomes.training_update, name="training_update"),
    path("outcomes/<str:kind>/<int:record_id>/remove/", outcomes.outcome_remove, name="outcome_remove"),
    path("groups/<int:group_id>/members/add/", views.members_add, name="members_add"),
    path("groups/<int:group_id>/members/<int:membership_id>/end/", views.membership_end, name="membership_end"),
    path("community/", community.community_list, name="community_list"),
    path("community/new/", community.community_group_create, name="community_group_create"),
    path("community/<int:group_id>/", community.community_group_detail, name="community_group_detail"),
    path("community/<int:group_id>/edit/", community.community_group_edit, name="community_group_edit"),
    path("community/<int:group_id>/meetings/add/", community.community_meeting_add, name="community_meeting_add"),
    path("community/events/new/", community.sensitisation_event_add, name="sensitisation_event_add"),
    path("coordination/", coordination.coordination_list, name="coordination_list"),
    path("coordination/meetings/new/", coordination.coordination_meeting_add, name="coordination_meeting_add"),
    path("coordination/trainings/new/", coordination.training_event_add, name="training_event_add"),
    path(
        "coordination/meetings/<int:meeting_id>/edit/",
        coordination.coordination_meeting_edit,
        name="coordination_meeting_edit",
    ),
    path(
        "coordination/meetings/<int:meeting_id>/remove/",
        coordination.coordination_meeting_remove,
        name="coordination_meeting_remove",
    ),
    path(
        "coordination/trainings/<int:training_id>/edit/", coordination.training_event_edit, name="training_event_edit"
    ),
    path(
        "coordination/trainings/<int:training_id>/remove/",
        coordination.training_event_remove,
        name="training_event_remove",
    ),
    path("follow-ups/<int:follow_up_id>/edit/", coordination.follow_up_edit, name="follow_up_edit"),
    path("providers/", providers.provider_list, name="provider_list"),
    path("providers/new/", providers.provider_add, name="provider_add"),
    path("providers/<int:provider_id>/edit/", providers.provider_edit, name="provider_edit"),
    path("follow-ups/<str:kind>/<int:record_id>/<int:point>/", coordination.follow_up_add, name="follow_up_add"),
]
