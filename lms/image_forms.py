"""The base of every form of Wagtail's image library (WAGTAILIMAGES_IMAGE_FORM_BASE): one upload, one add
from the multiple upload, one from the chooser, one replacing a file, all go through it."""

from django.core.files.uploadedfile import UploadedFile
from wagtail.images.forms import BaseImageForm

from lms import images


class CleanImageForm(BaseImageForm):
    """Wagtail's image form, whose new file is re-encoded without its metadata (EXIF, GPS, comments) and
    renamed at random. Wagtail's own field has already refused files over the size and pixel limits
    (WAGTAILIMAGES_MAX_IMAGE_PIXELS is LMS_MAX_IMAGE_PIXELS); the check is repeated before decoding."""

    def clean_file(self):
        """The uploaded file's clean copy; an unchanged file (editing the title only) is left as it is."""
        file = self.cleaned_data.get("file")
        if not isinstance(file, UploadedFile):
            return file
        return images.clean_copy(file).as_file()
