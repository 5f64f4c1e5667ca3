"""Photos taken with a phone's camera in an admin form (快速发布, 快速记录), stored as
images of an organisation's collection with their 图片说明.

Each upload goes through Wagtail's own image form (the admin's upload validation: the
file must be an image by its content — Willow reads it — of an allowed format, size and
pixel count, and the user must be allowed to add to the collection). The 图片说明 becomes
the image's title and its description, which is Wagtail's alt text."""

from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form

from .models import OrganisationAccess

CAPTION_MAX = 200


def captions(values):
    """The 图片说明 as typed: one line each, at most CAPTION_MAX characters."""
    return [" ".join((value or "").split())[:CAPTION_MAX] for value in values]


def collection_of(org):
    """The organisation's media collection."""
    return OrganisationAccess.objects.select_related("collection").get(organisation=org).collection


def photo_form(upload, caption, collection, user):
    """The bound image form for `upload`; `is_valid()` checks it, `store` saves it."""
    Image = get_image_model()
    form_class = get_image_form(Image, fields=["title", "file", "description"])
    title = caption or upload.name
    return form_class(
        data={"title": title[:255], "description": caption, "collection": collection.pk},
        files={"file": upload},
        user=user,
        instance=Image(uploaded_by_user=user),
    )


def form_errors(form):
    return [str(e) for errors in form.errors.values() for e in errors]


def store(form, user):
    """Save a valid photo form as the user's image."""
    image = form.save(commit=False)
    image.uploaded_by_user = user
    image.save()
    return image


def store_photo(upload, caption, collection, user):
    """An uploaded file → (an image of `collection`, []) or (None, the reasons)."""
    form = photo_form(upload, caption, collection, user)
    if not form.is_valid():
        return None, form_errors(form)
    return store(form, user), []


def kept_images(ids, collection, user):
    """Images this user uploaded to `collection` through an earlier attempt, by id."""
    clean = [int(i) for i in ids if str(i).isdigit()]
    found = get_image_model().objects.filter(
        pk__in=clean, collection=collection, uploaded_by_user=user
    )
    by_id = {image.pk: image for image in found}
    return [by_id[i] for i in clean if i in by_id]


def set_caption(image, caption):
    """Make `caption` the image's title and alt text (if it is not already)."""
    if caption and (image.title != caption[:255] or image.description != caption):
        image.title, image.description = caption[:255], caption
        image.save(update_fields=["title", "description"])
