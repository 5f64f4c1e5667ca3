"""`{% insite_url page %}`: the URL of `page` as the current organisation's site shows it
(its own pages, its subtree's, and those cascaded to it from above, see sites.insite)."""

from django import template
from wagtail.templatetags.wagtailcore_tags import pageurl

from ..insite import insite_urls
from ..models import OrganisationPage

register = template.Library()


def shown_at(context):
    """The organisation whose site the template renders: a cascaded page's host, the
    context's organisation, the page itself or the organisation a column belongs to."""
    page = context.get("page")
    for candidate in (context.get("shown_at"), context.get("organisation"), page):
        if isinstance(candidate, OrganisationPage):
            return candidate
    if page is not None and hasattr(page, "organisation"):
        return page.organisation()
    return None


@register.simple_tag(takes_context=True)
def insite_url(context, page):
    org = shown_at(context)
    request = context.get("request")
    if org is None:
        return pageurl(context, page)
    return insite_urls(org, request).url(page)
