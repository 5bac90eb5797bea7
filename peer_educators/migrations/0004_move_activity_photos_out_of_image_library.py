"""Project photos leave Wagtail's image library, whose files anyone could download from /media/ with their
upload name and the camera's metadata: each photo is re-encoded without metadata into private storage, as
a photo and a thumbnail under random names; its library image, renditions and search entry are deleted,
and so is the hidden "Project photos" collection once empty.

Reversible: going back puts each photo in the library again (a new image in that collection).
"""

import io
import string

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import migrations, transaction
from PIL import Image as PillowImage

from lms import images
from lms.storage import private_storage

# The sizes of project photos when they left the library (peer_educators.services.projects.PHOTO_SIDES).
SIDES = (1600, 320)
COLLECTION = "Project photos"
# django-treebeard's materialised path, as Wagtail's collections use it.
STEP, ALPHABET = 4, string.digits + string.ascii_uppercase


def _delete_on_commit(storage, names):
    """Delete files once the migration's transaction is committed (a failed migration keeps them)."""
    names = [name for name in names if name]
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def move_out(apps, schema_editor):
    ActivityPhoto = apps.get_model("peer_educators", "ActivityPhoto")
    Image = apps.get_model("wagtailimages", "Image")
    Rendition = apps.get_model("wagtailimages", "Rendition")
    private, public = private_storage(), Image._meta.get_field("file").storage
    image_ids = []
    for photo in ActivityPhoto.objects.select_related("image").exclude(image=None):
        image_ids.append(photo.image_id)
        try:
            with public.open(photo.image.file.name, "rb") as source:
                large, small = images.jpeg_sizes(source, SIDES)
        except (OSError, ValidationError):
            photo.delete()  # its file is lost or is not an image: there is nothing to move
            continue
        photo.file = private.save(f"activity-photos/{images.random_name('jpg')}", ContentFile(large.content))
        photo.thumbnail = private.save(f"activity-photos/{images.random_name('jpg')}", ContentFile(small.content))
        photo.thumbnail_width, photo.thumbnail_height = small.width, small.height
        photo.image = None
        photo.save()
    if not image_ids:
        return
    renditions = Rendition.objects.filter(image_id__in=image_ids)
    _delete_on_commit(public, [rendition.file.name for rendition in renditions])
    renditions.delete()
    library = Image.objects.filter(pk__in=image_ids)
    _delete_on_commit(public, [image.file.name for image in library])
    library.delete()
    _forget_in_search(image_ids)
    _delete_empty_collection(apps)


def _forget_in_search(image_ids):
    """Remove the deleted images (titled with the project's name) from the search index."""
    from wagtail.images import get_image_model
    from wagtail.search import index

    for pk in image_ids:
        index.remove_object(get_image_model()(pk=pk))


def _delete_empty_collection(apps):
    Collection = apps.get_model("wagtailcore", "Collection")
    collection = Collection.objects.filter(depth=2, name=COLLECTION, numchild=0).first()
    if collection is None:
        return
    members = [apps.get_model("wagtailimages", "Image"), apps.get_model("wagtaildocs", "Document")]
    if any(model.objects.filter(collection=collection).exists() for model in members):
        return
    parent = Collection.objects.get(path=collection.path[:STEP])
    collection.delete()
    parent.numchild -= 1
    parent.save(update_fields=["numchild"])


def _photo_collection(apps):
    """The hidden "Project photos" collection, made again under the root when missing."""
    Collection = apps.get_model("wagtailcore", "Collection")
    existing = Collection.objects.filter(depth=2, name=COLLECTION).first()
    if existing is not None:
        return existing
    root = Collection.objects.filter(depth=1).order_by("path").first()
    last = Collection.objects.filter(depth=2, path__startswith=root.path).order_by("-path").first()
    number = int(last.path[-STEP:], 36) + 1 if last else 1
    step = ""
    for _ in range(STEP):
        number, digit = divmod(number, 36)
        step = ALPHABET[digit] + step
    root.numchild += 1
    root.save(update_fields=["numchild"])
    return Collection.objects.create(name=COLLECTION, path=root.path + step, depth=2, numchild=0)


def move_back(apps, schema_editor):
    ActivityPhoto = apps.get_model("peer_educators", "ActivityPhoto")
    Image = apps.get_model("wagtailimages", "Image")
    private, public = private_storage(), Image._meta.get_field("file").storage
    photos = ActivityPhoto.objects.select_related("log__project").filter(image=None)
    if not photos.exists():
        return
    collection = _photo_collection(apps)
    for photo in photos:
        with private.open(photo.file.name, "rb") as source:
            content = source.read()
        with PillowImage.open(io.BytesIO(content)) as pixels:
            width, height = pixels.size
        name = public.save(f"original_images/{images.random_name('jpg')}", ContentFile(content))
        photo.image = Image.objects.create(
            title=f"{photo.log.project.title} {photo.log.date.isoformat()}",
            file=name,
            width=width,
            height=height,
            file_size=len(content),
            collection=collection,
            uploaded_by_user_id=photo.log.recorded_by_id,
        )
        _delete_on_commit(private, [photo.file.name, photo.thumbnail.name])
        photo.file = photo.thumbnail = ""
        photo.save()


class Migration(migrations.Migration):
    dependencies = [
        ("peer_educators", "0003_activity_photo_private_files"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(move_out, move_back)]
