"""Photos of social action projects stay out of the content editors' image library."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import Collection

from peer_educators.services import project_photo_collection

pytestmark = pytest.mark.django_db


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return SimpleUploadedFile("walk.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_content_roles_do_not_see_project_photos_in_the_image_library(client, users, role):
    get_image_model().objects.create(title="Project walk photo", file=png(), collection=project_photo_collection())
    curriculum = Collection.objects.get(name="Curriculum")
    get_image_model().objects.create(title="Handwashing poster", file=png(), collection=curriculum)
    client.force_login(users[role])
    response = client.get("/admin/images/")
    assert response.status_code == 200
    assert "Handwashing poster" in response.text
    assert "Project walk photo" not in response.text


def test_administrators_see_project_photos(client, users):
    get_image_model().objects.create(title="Project walk photo", file=png(), collection=project_photo_collection())
    client.force_login(users["admin"])
    assert "Project walk photo" in client.get("/admin/images/").text
