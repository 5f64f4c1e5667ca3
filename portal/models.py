from sites.models import OrganisationPage


class PortalHomePage(OrganisationPage):
    """The city: root of the organisation tree and home of the portal site."""

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "orgs.OrganisationPage",
        "orgs.ColumnPage",
        "content.DirectiveIndexPage",
        "learning.CourseIndexPage",
    ]
    max_count = 1
    template = "portal/portal_home_page.html"

    class Meta:
        verbose_name = "门户首页（市）"
        verbose_name_plural = "门户首页（市）"
