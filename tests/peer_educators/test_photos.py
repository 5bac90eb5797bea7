"""Photos and files: project photos are re-encoded without their metadata under random names, kept out of
MEDIA_ROOT and served only to those who may see the project; images with too many pixels are refused, for
project photos and Wagtail's image library alike, and the library keeps no metadata either."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, ImageFile, PngImagePlugin
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import Collection

from lms import images, roles
from lms.storage import check_private_root
from peer_educators import services
from peer_educators.models import ActivityLog, ActivityPhoto, PeerEducator
from tests import factories
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UPLOAD_NAME = "zarak_home_quetta.jpg"
SECRET_COMMENT = b"Zarak, near the cinema"
CAMERA = "SecretPhoneMaker"
# What Pillow reports of how a file is encoded, which says nothing about the picture or its author.
ENCODING_INFO = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "progressive", "progression"}
RANDOM_NAME = re.compile(r"[0-9a-f]{32}\.(jpg|png|webp)")


# --- Files to upload ---


def jpeg_with_metadata(size=(60, 40), orientation=1) -> bytes:
    """A JPEG carrying what a phone camera writes: maker, orientation, a GPS position and a comment."""
    exif = PillowImage.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (30.0, 11.0, 2.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (66.0, 59.0, 47.0)
    buffer = io.BytesIO()
    image = PillowImage.new("RGB", size, (200, 40, 40))
    image.paste((20, 40, 200), (0, 0, size[0] // 2, size[1]))  # left half blue, to see the turn
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=SECRET_COMMENT)
    return buffer.getvalue()


def png_with_text() -> bytes:
    """A PNG with a text chunk (a comment) and transparency."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET_COMMENT.decode())
    buffer = io.BytesIO()
    PillowImage.new("RGBA", (30, 20), (0, 128, 0, 128)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A PNG of 10,000 x 10,000 pixels that compresses to about 12 KB: decoded, it would take 100 MB or more."""
    buffer = io.BytesIO()
    PillowImage.new("1", (10_000, 10_000)).save(buffer, "PNG", optimize=True)
    assert len(buffer.getvalue()) < 20_000
    return buffer.getvalue()


def upload(content: bytes, name: str = UPLOAD_NAME, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def has_no_metadata(content: bytes) -> bool:
    """No EXIF (so no GPS), no comment, no text chunk, no ICC profile, nothing of the camera."""
    with PillowImage.open(io.BytesIO(content)) as image:
        info = set(image.info) - ENCODING_INFO
        quiet = not image.getexif() and not info and not getattr(image, "text", {})
    return quiet and SECRET_COMMENT not in content and CAMERA.encode() not in content and b"Exif" not in content


def stored_bytes(field) -> bytes:
    with field.storage.open(field.name, "rb") as file:
        return file.read()


# --- The world: one centre's project with its team, and everyone else ---


@pytest.fixture
def world(users):
    """Centre QTA: the facilitator, Zarak (an active peer educator on the project), Yasir (an active peer
    educator who is not), and an approved project. Centre HZR: another facilitator and an approved project."""
    facilitator, admin = users["facilitator"], users["admin"]
    other = UserFactory(username="other-facilitator", role=roles.FACILITATORS)
    centre = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[facilitator])
    other_centre = factories.centre_with_staff(name="Hazara CFS", code="HZR", staff=[other])
    peers = {}
    for name in ("Zarak", "Yasir"):
        learner = factories.consenting_learner(centre=centre, first_name=name, acting_user=facilitator, age=17)
        user = UserFactory(username=f"{name.lower()}-peer", role=roles.PEER_EDUCATORS)
        PeerEducator.objects.create(learner=learner, user=user, mentor=facilitator, status=PeerEducator.Status.ACTIVE)
        peers[name] = (learner, user)
    project = services.project_propose(
        centre=centre,
        title="Clean water point",
        problem="The tap leaks.",
        goal="A working tap.",
        place="Bus stop",
        team=[peers["Zarak"][0]],
        acting_user=facilitator,
    )
    services.project_approve(project=project, comment="Go ahead.", acting_user=admin)
    daud = factories.consenting_learner(centre=other_centre, first_name="Daud", acting_user=other)
    other_project = services.project_propose(
        centre=other_centre,
        title="Street lights",
        problem="Dark lane.",
        goal="Lights.",
        place="Hazara lane",
        team=[daud],
        acting_user=other,
    )
    services.project_approve(project=other_project, comment="Go ahead.", acting_user=admin)
    return {
        **users,
        "other": other,
        "team_peer": peers["Zarak"][1],
        "other_peer": peers["Yasir"][1],
        "project": project,
        "other_project": other_project,
    }


def log_photo(project, by, photo, **overrides) -> ActivityLog:
    return services.activity_log_add(
        project=project,
        date=timezone.localdate(),
        description=overrides.pop("description", "Painted the bins"),
        reach={"children_male": 3},
        photo=photo,
        no_child_identifiable=True,
        acting_user=by,
        **overrides,
    ).record


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def photo_url(photo: ActivityPhoto, size: str = "photo", project=None) -> str:
    project_id = project.pk if project is not None else photo.log.project_id
    return reverse("project_photo", args=[project_id, photo.pk, size])


def log_form(photo, **overrides) -> dict:
    data = {"date": timezone.localdate().isoformat(), "description": "Talked with the shopkeepers"}
    data |= dict.fromkeys(ActivityLog.REACH_FIELDS, "0")
    return data | {"photo": photo, "no_child_identifiable": "on"} | overrides


# --- Project photos: re-encoded, renamed, private ---


def test_an_uploaded_photo_keeps_no_gps_exif_or_comment_and_gets_a_random_name(world):
    client = signed_in(world["team_peer"])
    response = client.post(reverse("project_log", args=[world["project"].pk]), log_form(upload(jpeg_with_metadata())))
    assert response.status_code == 302

    photo = ActivityPhoto.objects.get()
    for field in (photo.file, photo.thumbnail):
        name = Path(field.name).name
        assert RANDOM_NAME.fullmatch(name) and name.endswith(".jpg")
        assert "zarak" not in field.name.lower() and "quetta" not in field.name.lower()
        content = stored_bytes(field)
        assert has_no_metadata(content)
        assert PillowImage.open(io.BytesIO(content)).format == "JPEG"
    assert photo.file.name != photo.thumbnail.name


def test_the_original_upload_would_have_leaked_the_position(world):
    """The control for the test above: the uploaded file did carry the GPS position and the comment."""
    original = jpeg_with_metadata()
    with PillowImage.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert not has_no_metadata(original)


def test_a_photo_is_turned_as_the_camera_meant_before_its_orientation_is_dropped(world):
    # Orientation 6: the camera was held sideways; viewers turn the picture 90° clockwise.
    photo = log_photo(world["project"], world["facilitator"], upload(jpeg_with_metadata(orientation=6))).photos.get()
    with PillowImage.open(io.BytesIO(stored_bytes(photo.file))) as image:
        assert image.size == (40, 60)
        top_left = image.convert("RGB").getpixel((2, 2))
        assert top_left[2] > top_left[0]  # the blue half is now on top


def test_a_large_photo_is_scaled_down_and_gets_a_thumbnail(world):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (2400, 1800), "white").save(buffer, "JPEG")
    photo = log_photo(world["project"], world["facilitator"], upload(buffer.getvalue())).photos.get()
    assert PillowImage.open(io.BytesIO(stored_bytes(photo.file))).size == (1600, 1200)
    assert PillowImage.open(io.BytesIO(stored_bytes(photo.thumbnail))).size == (320, 240)
    assert (photo.thumbnail_width, photo.thumbnail_height) == (320, 240)


def test_project_photos_live_outside_the_media_folder_and_have_no_public_address(world, client):
    photo = log_photo(world["project"], world["facilitator"], upload(jpeg_with_metadata())).photos.get()
    path = Path(photo.file.path).resolve()
    assert path.is_relative_to(Path(settings.LMS_PRIVATE_MEDIA_ROOT).resolve())
    for public in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert not path.is_relative_to(Path(public).resolve())
    with pytest.raises(ValueError, match="no public URL"):
        photo.file.url  # noqa: B018
    assert get_image_model().objects.count() == 0  # nothing went into Wagtail's image library
    client.force_login(world["admin"])
    for name in (photo.file.name, photo.thumbnail.name):
        assert client.get(settings.MEDIA_URL + name).status_code == 404


def test_the_project_page_shows_the_thumbnail_through_the_checking_view(world):
    photo = log_photo(world["project"], world["facilitator"], upload(jpeg_with_metadata())).photos.get()
    html = signed_in(world["facilitator"]).get(reverse("project_detail", args=[world["project"].pk])).text
    assert f'src="{photo_url(photo, "thumbnail")}"' in html
    assert f'href="{photo_url(photo)}"' in html
    assert "/media/" not in html


# --- Who may see a photo ---


@pytest.mark.parametrize("role", ["team_peer", "facilitator", "manager", "admin"])
@pytest.mark.parametrize("size", ["photo", "thumbnail"])
def test_those_who_may_see_the_project_get_its_photo_never_to_be_cached(world, role, size):
    photo = log_photo(world["project"], world["facilitator"], upload(jpeg_with_metadata())).photos.get()
    response = signed_in(world[role]).get(photo_url(photo, size))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == stored_bytes(photo.file_of(size))


@pytest.mark.parametrize("role", ["other", "other_peer", "nobody", "editor", "peer"])
def test_others_get_not_found_for_a_project_photo(world, role):
    photo = log_photo(world["project"], world["facilitator"], upload(jpeg_with_metadata())).photos.get()
    for size in ActivityPhoto.SIZES:
        assert signed_in(world[role]).get(photo_url(photo, size)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_and_gets_no_photo(world, client):
    photo = log_photo(world["project"], world["facilitator"], upload(jpeg_with_metadata())).photos.get()
    response = client.get(photo_url(photo))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not response.content


def test_a_photo_is_found_only_under_its_own_project_and_in_a_known_size(world):
    mine = log_photo(world["project"], world["facilitator"], upload(jpeg_with_metadata())).photos.get()
    theirs = log_photo(world["other_project"], world["other"], upload(jpeg_with_metadata())).photos.get()
    client = signed_in(world["facilitator"])
    assert client.get(photo_url(theirs, project=world["project"])).status_code == 404
    assert client.get(reverse("project_photo", args=[world["project"].pk, mine.pk, "original"])).status_code == 404
    assert client.get(photo_url(mine)).status_code == 200


def test_a_deleted_photo_takes_its_files_with_it(world, django_capture_on_commit_callbacks):
    photo = log_photo(world["project"], world["facilitator"], upload(jpeg_with_metadata())).photos.get()
    storage, names = photo.file.storage, [photo.file.name, photo.thumbnail.name]
    with django_capture_on_commit_callbacks(execute=True):
        photo.log.delete()
    assert not any(storage.exists(name) for name in names)


# --- Refusals, with nothing saved ---


def private_files() -> set[Path]:
    """Every file in private storage (shared by the tests of a run, so compared before and after)."""
    return set(Path(settings.LMS_PRIVATE_MEDIA_ROOT).rglob("*"))


@pytest.fixture
def nothing_saved():
    """A check that no activity, photo record or private file was saved since the test began."""
    before = private_files()
    return lambda: not ActivityLog.objects.exists() and not ActivityPhoto.objects.exists() and private_files() == before


def test_a_photo_with_too_many_pixels_is_refused_with_a_clear_message(world, bomb, nothing_saved):
    client = signed_in(world["team_peer"])
    response = client.post(
        reverse("project_log", args=[world["project"].pk]),
        log_form(upload(bomb, "walk.png", "image/png")),
    )
    assert response.status_code == 200
    assert "This image has too many pixels (10000 × 10000): at most 40 million are accepted." in response.text
    assert nothing_saved()


def test_the_pixel_limit_is_checked_before_anything_is_decoded(bomb, monkeypatch):
    def no_decoding(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(ValidationError, match="too many pixels"):
        images.open_checked(io.BytesIO(bomb))


def test_a_file_that_is_not_an_image_is_refused_with_a_clear_message(world, nothing_saved):
    client = signed_in(world["team_peer"])
    fake = upload(b"GIF89a but really a list of names", "names.gif", "image/gif")
    response = client.post(reverse("project_log", args=[world["project"].pk]), log_form(fake))
    assert "This file is not an image." in response.text
    assert nothing_saved()


def test_a_file_too_large_is_refused_with_a_clear_message(world, settings, nothing_saved):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1024 * 1024
    client = signed_in(world["team_peer"])
    big = upload(b"\xff\xd8" + b"0" * (1024 * 1024 + 1))
    response = client.post(reverse("project_log", args=[world["project"].pk]), log_form(big))
    assert "The photo is too large (at most 1 MB)." in response.text
    assert nothing_saved()


# --- Wagtail's image library: the same pixel limit, and no metadata either ---


def test_the_image_library_uses_the_same_pixel_limit():
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == settings.LMS_MAX_IMAGE_PIXELS == 40_000_000


def add_image(client, content: bytes, name: str, content_type: str):
    collection = Collection.objects.get(name="Curriculum")
    return client.post(
        reverse("wagtailimages:add"),
        {"title": "Handwashing poster", "collection": collection.pk, "file": upload(content, name, content_type)},
    )


def test_the_image_library_refuses_an_image_with_too_many_pixels(users, bomb):
    client = signed_in(users["editor"])
    response = add_image(client, bomb, "poster.png", "image/png")
    assert response.status_code == 200
    assert "This file has too many pixels" in response.text
    assert get_image_model().objects.count() == 0


def test_the_image_librarys_multiple_upload_refuses_an_image_with_too_many_pixels(users, bomb):
    client = signed_in(users["editor"])
    collection = Collection.objects.get(name="Curriculum")
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"collection": collection.pk, "files[]": upload(bomb, "poster.png", "image/png")},
    )
    assert response.json()["success"] is False
    assert get_image_model().objects.count() == 0


def test_an_image_added_to_the_library_keeps_no_metadata_and_gets_a_random_name(users):
    client = signed_in(users["editor"])
    response = add_image(client, jpeg_with_metadata(), UPLOAD_NAME, "image/jpeg")
    assert response.status_code == 302, response.content[:500]
    image = get_image_model().objects.get()
    assert image.title == "Handwashing poster"
    assert RANDOM_NAME.fullmatch(Path(image.file.name).name) and image.file.name.endswith(".jpg")
    assert "zarak" not in image.file.name.lower()
    content = stored_bytes(image.file)
    assert has_no_metadata(content)
    assert (image.width, image.height, image.file_size) == (60, 40, len(content))


def test_a_png_added_through_the_multiple_upload_keeps_its_transparency_but_not_its_text(users):
    client = signed_in(users["editor"])
    collection = Collection.objects.get(name="Curriculum")
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"collection": collection.pk, "files[]": upload(png_with_text(), "zarak.png", "image/png")},
    )
    assert response.json()["success"] is True
    image = get_image_model().objects.get()
    assert RANDOM_NAME.fullmatch(Path(image.file.name).name) and image.file.name.endswith(".png")
    content = stored_bytes(image.file)
    assert has_no_metadata(content)
    with PillowImage.open(io.BytesIO(content)) as stored:
        assert stored.mode == "RGBA" and stored.getpixel((0, 0))[3] == 128


def test_the_checks_refuse_private_files_inside_the_media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LMS_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    assert [error.id for error in check_private_root()] == ["lms.E001"]
    settings.LMS_PRIVATE_MEDIA_ROOT = tmp_path.parent / "elsewhere"
    assert check_private_root() == []
