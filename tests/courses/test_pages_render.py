"""Every page type renders for an anonymous visitor, with what a learner needs to see."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_links_to_the_curriculum(client, curriculum):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/modules/"' in response.text


def test_curriculum_index_lists_modules_by_topic(client, curriculum):
    response = client.get("/modules/")
    assert response.status_code == 200
    html = response.text
    assert "Self-protection" in html
    assert "Staying safe" in html
    assert "Trained facilitators only" in html  # the module is flagged sensitive


def test_module_page_lists_lessons_in_order_with_duration_and_objectives(client, curriculum):
    response = client.get(curriculum["module"].url)
    assert response.status_code == 200
    html = response.text
    assert html.index("No, go, tell") < html.index("My safety hand")
    assert "45 minutes" in html
    assert "Learners will practise saying no" in html
    assert "105 minutes in all" in html
    assert "I can name a trusted adult" in html


def test_lesson_page_shows_objectives_materials_and_body(client, curriculum):
    response = client.get(curriculum["lessons"][0].url)
    assert response.status_code == 200
    html = response.text
    assert "Learners will name a trusted adult" in html
    assert "Chart paper" in html
    assert "Safety circle" in html
    assert "My body belongs to me" in html
    assert "Lesson 1" in html
    assert "Next:" in html and "My safety hand" in html


def test_unpublished_lesson_is_not_found(client, curriculum):
    lesson = curriculum["lessons"][1]
    lesson.unpublish()
    assert client.get("/modules/staying-safe/my-safety-hand/").status_code == 404
    assert "My safety hand" not in client.get(curriculum["module"].url).text


def test_search_finds_lessons_by_their_words(client, curriculum):
    from django.core.management import call_command

    call_command("update_index", verbosity=0)
    response = client.get("/search/", {"q": "safety"})
    assert response.status_code == 200
    assert "My safety hand" in response.text


def test_pages_set_language_and_direction_from_their_address(client, curriculum):
    english = client.get("/modules/", headers={"accept-language": "ur"}).text
    assert '<html lang="en" dir="ltr">' in english  # the English page is English whatever the browser asks
    switched = client.post("/i18n/setlang/", {"language": "ur", "next": "/modules/"})
    assert switched.url == "/ur/modules/"  # choosing Urdu leads to the Urdu version's own address
    urdu = client.get("/ur/modules/").text
    assert '<html lang="ur" dir="rtl">' in urdu


def test_facilitators_pages_keep_the_visitors_language(client, curriculum):
    client.post("/i18n/setlang/", {"language": "ur", "next": "/"})
    assert '<html lang="ur" dir="rtl">' in client.get("/accounts/login/").text
