"""The public API.

/api/v2/pages/ (and images/documents are deliberately not exposed: they would list every
organisation's media) is Wagtail's API with an extra `?site=<org code>` filter; the rest
(/api/v2/directives/, /api/v2/articles/, /api/v2/changes/, /api/v2/lessons/,
/api/v2/live/ …) is django-ninja, whose OpenAPI 3 schema is /api/schema/ and docs
/api/docs/. Errors are JSON {"error": {"code": ..., "message": ...}} with a 4xx status,
from both.
"""

from django.conf import settings
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from rest_framework.exceptions import ValidationError as DRFValidationError
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Site

from content.api import router as content_router
from kitchen.api import router as kitchen_router
from learning.api import router as learning_router
from livestream.api import router as live_router
from search.api import router as search_router
from sites.models import OrganisationPage

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

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if response.status_code >= 400 and isinstance(response.data, dict):
            message = (
                response.data.get("message") or response.data.get("detail") or str(response.data)
            )
            code = "not_found" if response.status_code == 404 else "bad_request"
            if isinstance(exc, DRFValidationError):
                code = "invalid"
            response.data = {"error": {"code": code, "message": str(message)}}
        return response


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PortalPagesAPIViewSet)

api = NinjaAPI(
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


def error(request, status, code, message):
    return api.create_response(
        request, {"error": {"code": code, "message": message}}, status=status
    )


@api.exception_handler(HttpError)
def http_error(request, exc):
    return error(request, exc.status_code, getattr(exc, "code", "error"), str(exc))


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    details = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', [])[1:])}: {e.get('msg')}" for e in exc.errors
    )
    return error(request, 400, "invalid", f"参数无效：{details}")


@api.exception_handler(Http404)
def not_found(request, exc):
    return error(request, 404, "not_found", "未找到")
