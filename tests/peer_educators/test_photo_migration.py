"""The migration that moves project photos out of Wagtail's image library, run forwards and backwards on a
photo stored the old way (a library image with the camera's GPS position, a rendition, a search entry)."""

import io
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.search.models import IndexEntry

from peer_educators import services
from peer_educators.models import ActivityPhoto
from tests import factories
from tests.peer_educators.test_photos import RANDOM_NAME, has_no_metadata, jpeg_with_metadata, stored_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("peer_educators", "0003_activity_photo_private_files")]
AFTER = [("peer_educators", "0005_activity_photo_drop_image")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def latest() -> list:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def old_style_photo(users):
    """An activity logged today whose photo is a library image in the hidden "Project photos" collection."""
    facilitator = users["facilitator"]
    centre = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[facilitator])
    learner = factories.consenting_learner(centre=centre, first_name="Zarak", acting_user=facilitator, age=17)
    project = services.project_propose(
        centre=centre, title="Clean tap", problem="Leaks", goal="Fixed", place="Bazaar", team=[learner],
        acting_user=facilitator,
    )  # fmt: skip
    services.project_approve(project=project, comment="Go ahead.", acting_user=users["admin"])
    log = services.activity_log_add(
        project=project, date=timezone.localdate(), description="Fixed it", reach={}, acting_user=facilitator
    ).record
    collection = Collection.get_first_root_node().add_child(name="Project photos")
    image = get_image_model().objects.create(
        title="Clean tap 2026", file=upload(jpeg_with_metadata()), collection=collection
    )
    rendition = image.get_rendition("max-320x320")
    return log, image, rendition


def test_the_migration_moves_library_photos_to_private_storage_and_back(users):
    try:
        log, image, rendition = old_style_photo(users)
        migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO peer_educators_activityphoto"
                " (log_id, image_id, file, thumbnail, thumbnail_width, thumbnail_height, no_child_identifiable)"
                " VALUES (%s, %s, '', '', 0, 0, %s)",
                [log.pk, image.pk, True],
            )
        public_files = [Path(image.file.path), Path(rendition.file.path)]
        assert all(path.exists() for path in public_files)
        assert IndexEntry.objects.filter(object_id=str(image.pk)).exists()

        migrate(AFTER)

        photo = ActivityPhoto.objects.get()
        assert photo.log_id == log.pk
        for field in (photo.file, photo.thumbnail):
            assert RANDOM_NAME.fullmatch(Path(field.name).name)
            assert has_no_metadata(stored_bytes(field))
        assert PillowImage.open(io.BytesIO(stored_bytes(photo.thumbnail))).size == (60, 40)
        assert (photo.thumbnail_width, photo.thumbnail_height) == (60, 40)
        assert not get_image_model().objects.exists()
        assert not any(path.exists() for path in public_files)
        assert not Collection.objects.filter(name="Project photos").exists()
        assert not any(Collection.find_problems())  # the collection tree is still sound
        assert not IndexEntry.objects.filter(object_id=str(image.pk)).exists()
        private_files = [Path(photo.file.path), Path(photo.thumbnail.path)]

        migrate(BEFORE)  # and back: the photo is a library image in the hidden collection again

        back = get_image_model().objects.get()
        assert back.collection.name == "Project photos" and back.collection.get_parent().is_root()
        assert not any(Collection.find_problems())
        assert (back.width, back.height) == (60, 40)
        assert has_no_metadata(stored_bytes(back.file))
        with connection.cursor() as cursor:
            cursor.execute("SELECT image_id FROM peer_educators_activityphoto")
            assert cursor.fetchall() == [(back.pk,)]
        assert not any(path.exists() for path in private_files)
    finally:
        migrate(latest())
