"""`{% load pictures %}`: responsive pictures (base/pictures.py) in every template.

    {% picture page.cover "cover" eager=True %}   an image for a role (ROLES)
    {% picture item|picture_of "thumb" %}        a page's cover, poster or app cover

(Wagtail's own `{% picture %}` lives in wagtailimages_tags; templates here load only this
one.)
"""

from django import template

from base import pictures

register = template.Library()


@register.simple_tag
def picture(image, role, alt=None, eager=False, css_class=""):
    if role not in pictures.ROLES:
        raise template.TemplateSyntaxError(f"unknown picture role {role!r}")
    return pictures.render_picture(image, role, alt=alt, eager=eager, css_class=css_class)


@register.filter
def picture_of(page):
    return pictures.picture_of(page)


@register.simple_tag
def picture_url(image, role):
    """URL of the largest rendition of `image` for `role` (e.g. a <video> poster), or ""."""
    if image is None:
        return ""
    found = pictures.renditions(image, pictures.ROLES[role].specs)
    return max(found.values(), key=lambda r: r.width).url if found else ""
