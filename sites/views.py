from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.template.response import TemplateResponse

from base.languages import localized_each

from .forms import DirectorySearchForm
from .kinds import OrganisationKind
from .models import OrganisationPage

PAGE_SIZE = 50


def in_current_language(organisations):
    """The directory's results in the visitor's language where translated (else in
    theirs, with `card_lang`), each with its parent's name the same way: two queries."""
    parents = localized_each(
        [
            OrganisationPage(title=org.parent_title, translation_key=org.parent_key)
            for org in organisations
            if org.parent_key
        ],
        OrganisationPage,
    )
    parent_titles = {parent.translation_key: parent for parent in parents}
    results = localized_each(organisations, OrganisationPage)
    for original, result in zip(organisations, results, strict=True):
        parent = parent_titles.get(original.parent_key)
        result.parent_title = parent.title if parent else ""
        result.parent_lang = parent.card_lang if parent else ""
    return results


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
    parent = OrganisationPage.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - OrganisationPage.steplen)
    )
    organisations = organisations.only(
        "id", "title", "code", "kind", "depth", "path", "url_path", "locale", "translation_key"
    ).annotate(
        parent_title=Subquery(parent.values("title")[:1]),
        parent_key=Subquery(parent.values("translation_key")[:1]),
    )
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = in_current_language(list(page.object_list))
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
