"""Programme managers change the peer-educator eligibility rule in the admin, without code."""

import pytest
from django.urls import reverse
from wagtail.models import Site

from peer_educators.models import EligibilitySettings
from peer_educators.selectors import eligibility_rule

pytestmark = pytest.mark.django_db


def edit_url():
    site = Site.objects.get(is_default_site=True)
    return reverse("wagtailsettings:edit", args=["peer_educators", "eligibilitysettings", site.pk])


def test_programme_manager_changes_the_minimum_age_in_the_admin(client, users):
    client.force_login(users["manager"])
    form = client.get(edit_url())
    assert form.status_code == 200
    response = client.post(edit_url(), {"min_age": "16", "min_attendance_rate": "80", "min_post_test": "60"})
    assert response.status_code == 302
    rule = eligibility_rule()
    assert (rule.min_age, rule.min_attendance_rate, rule.min_post_test) == (16, 80, 60)


@pytest.mark.parametrize("role", ["editor", "reviewer", "facilitator"])
def test_other_roles_cannot_change_the_rule(client, users, role):
    client.force_login(users[role])
    client.post(edit_url(), {"min_age": "5", "min_attendance_rate": "0", "min_post_test": "0"})
    assert EligibilitySettings.objects.filter(min_age=5).count() == 0


def test_the_rule_starts_with_sensible_defaults():
    rule = eligibility_rule()
    assert (rule.min_age, rule.min_attendance_rate, rule.min_post_test) == (14, 75, 70)
