"""Publish once, show everywhere: the directives an organisation's site shows.

A directive is stored once, under the organisation that issued it (the city library for
central, provincial and city directives) and records that organisation. The directives
visible at organisation X are those issued by X or any of its ancestors: one query,
`issuing_organisation IN (ancestors of X)`, whose ancestor list is itself a subquery on
the tree paths. Nothing is copied, so a new central directive is on 5,273 sites at once.
"""

from sites.models import OrganisationPage
from sites.tree import ancestor_paths

from .models import DirectivePage


def ancestor_organisations(org, inclusive=True):
    """Subquery of the organisations on the path from the city down to `org`."""
    paths = ancestor_paths(org.path, inclusive=inclusive)
    return OrganisationPage.objects.filter(path__in=paths).values("pk")


def directives_for(org, level=None):
    """Live, public directives shown at `org`, newest first.

    With a level: that level, issued by `org` or an ancestor (中央精神 etc.).
    Without: the combined 上级精神 list, everything issued by an ancestor.
    """
    if org is None:
        return DirectivePage.objects.none()
    qs = DirectivePage.objects.live().public()
    if level:
        qs = qs.filter(level=level, issuing_organisation__in=ancestor_organisations(org))
    else:
        qs = qs.filter(issuing_organisation__in=ancestor_organisations(org, inclusive=False))
    return qs.order_by("-issued_at", "-pk")


def visible_directives(org, level=None):
    """Everything shown at `org`: its own directives and its ancestors', one level or all."""
    qs = (
        DirectivePage.objects.live()
        .public()
        .filter(issuing_organisation__in=ancestor_organisations(org))
    )
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("-issued_at", "-pk")


def is_visible_to(directive, org):
    return org.path.startswith(directive.issuing_organisation.path)
