from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.template.response import TemplateResponse

from .forms import DirectorySearchForm
from .kinds import OrganisationKind
from .models import OrganisationPage

PAGE_SIZE = 50


def directory(request):
    """站点导航: every organisation site, searchable by name or code."""
    form = DirectorySearchForm(request.GET or None)
    organisations = OrganisationPage.originals().live().order_by("path")
    query = ""
    kind = request.GET.get("kind", "")
    if form.is_valid():
        query = form.cleaned_data["q"].strip()[:64]
    if query:
        organisations = organisations.filter(
            Q(title__icontains=query) | Q(code__icontains=query.lower())
        )
    if kind in OrganisationKind.values:
        organisations = organisations.filter(kind=kind)
    parent_title = OrganisationPage.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - OrganisationPage.steplen)
    ).values("title")[:1]
    organisations = organisations.only(
        "id", "title", "code", "kind", "depth", "path", "url_path", "locale"
    ).annotate(parent_title=Subquery(parent_title))
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {name: value for name, value in (("q", query), ("kind", kind)) if value}
    return TemplateResponse(
        request,
        "sites/directory.html",
        {
            "form": form,
            "query": query,
            "kind": kind,
            "kinds": OrganisationKind.choices,
            "kind_label": dict(OrganisationKind.choices).get(kind, ""),
            "results": page,
            "pagination_querystring": urlencode(filters) + "&" if filters else "",
        },
    )
