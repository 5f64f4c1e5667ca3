"""The public API.

/api/v2/pages/ (and images/documents are deliberately not exposed: they would list every
organisation's media) is Wagtail's API with an extra `?site=<org code>` filter; the rest
(/api/v2/directives/, /api/v2/articles/, /api/v2/changes/, /api/v2/lessons/,
/api/v2/live/ …) is django-ninja, whose OpenAPI 3 schema is /api/schema/ and docs
/api/docs/. Errors are JSON {"error": {"code": ..., "message": ...}} with a 4xx status,
from both.
"""

from django.conf import settings
from rest_framework.exceptions import ValidationError as DRFValidationError
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Site

from base.api import MAX_OFFSET, ApiError, JsonErrorsApi, bounded_int
from content.api import router as content_router
from kitchen.api import router as kitchen_router
from learning.api import router as learning_router
from livestream.api import router as live_router
from orglife.api import router as orglife_router
from oversight.api import router as oversight_router
from oversight.map_api import router as oversight_map_router
from search.api import router as search_router
from sites.models import OrganisationPage

from .openapi import add_outside_operations

LOCALE_PARAMS = {"locale", "translation_of"}


class PortalPagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint; `?site=` takes an organisation code as well as a hostname."""

    def get_base_queryset(self):
        code = self.request.GET.get("site", "")
        if code and "." not in code:  # an organisation code rather than a hostname
            org = OrganisationPage.objects.live().filter(code=code.strip().lower()).first()
            site = Site.objects.filter(root_page_id=org.pk).first() if org else None
            if site is None:
                raise BadRequestError(f"没有代码为 {code} 的组织")
            query = self.request._request.GET.copy()
            query["site"] = site.hostname
            self.request._request.GET = query
        queryset = super().get_base_queryset()
        if self.action == "listing_view" and not self.request.GET.keys() & LOCALE_PARAMS:
            # Lists stay zh-hans unless ?locale= (or ?translation_of=) asks for another.
            queryset = queryset.filter(locale__language_code=settings.LANGUAGE_CODE)
        return queryset

    def listing_view(self, request):
        # Wagtail reads them with int(): 10**20 would reach the database as an OFFSET.
        if "offset" in request.GET:
            bounded_int(request.GET["offset"], "offset", 0, MAX_OFFSET)
        if "limit" in request.GET:
            bounded_int(request.GET["limit"], "limit", 0, settings.WAGTAILAPI_LIMIT_MAX)
        return super().listing_view(request)

    def handle_exception(self, exc):
        own_code = exc.code if isinstance(exc, ApiError) else None
        if own_code:
            exc = BadRequestError(str(exc))
        response = super().handle_exception(exc)
        if response.status_code >= 400 and isinstance(response.data, dict):
            message = (
                response.data.get("message") or response.data.get("detail") or str(response.data)
            )
            code = "not_found" if response.status_code == 404 else "bad_request"
            if isinstance(exc, DRFValidationError):
                code = "invalid"
            code = own_code or code
            response.data = {"error": {"code": code, "message": str(message)}}
        return response


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PortalPagesAPIViewSet)


class PortalApi(JsonErrorsApi):
    def get_openapi_schema(self, **kwargs):
        return add_outside_operations(super().get_openapi_schema(**kwargs))


api = PortalApi(
    title="党建门户 API",
    version="2",
    description='上级精神级联、文章与内容变更流。错误格式：{"error": {"code", "message"}}。',
    urls_namespace="portal-api",
    openapi_url="/schema/",
    docs_url="/docs/",
)
api.add_router("/v2/", content_router)
api.add_router("/v2/", kitchen_router)
api.add_router("/v2/", learning_router)
api.add_router("/v2/", live_router)
api.add_router("/v2/", search_router)
api.add_router("/v2/", orglife_router)
api.add_router("/v2/", oversight_map_router)
api.add_router("/v2/", oversight_router)
