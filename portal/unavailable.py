"""Redis or object storage unreachable: one clear log line and a 503, never a stack trace.

The middleware catches the error from a view; portal.errors.server_error catches it when
it comes from elsewhere (another middleware, a template). Visitors get templates/503.html,
API clients `{"error": {"code": "unavailable", ...}}`; both carry Retry-After.
"""

import logging

import botocore.exceptions
import redis.exceptions
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from base.env import safe_location

logger = logging.getLogger("portal.unavailable")
RETRY_AFTER = 30
REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
STORAGE_ERRORS = (botocore.exceptions.ConnectionError, botocore.exceptions.ReadTimeoutError)


def _storage_server_error(error):
    if not isinstance(error, botocore.exceptions.ClientError):
        return False
    return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500


def service_for(error):
    """'Redis', '对象存储' or None, looking through the chain of causes."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, REDIS_ERRORS):
            return "Redis"
        if isinstance(error, STORAGE_ERRORS) or _storage_server_error(error):
            return "对象存储"
        error = error.__cause__ or error.__context__
    return None


def _where(service):
    if service == "Redis":
        return f"REDIS_URL={safe_location(settings.REDIS_URL)}" if settings.REDIS_URL else ""
    endpoint = settings.AWS_S3_ENDPOINT_URL or "AWS S3"
    return f"AWS_STORAGE_BUCKET_NAME={settings.AWS_STORAGE_BUCKET_NAME} @ {endpoint}"


def unavailable_response(request, service, error):
    logger.error(
        "%s 不可达（%s），%s %s 返回 503：%s: %s",
        service,
        _where(service),
        request.method,
        request.path,
        type(error).__name__,
        error,
    )
    message = _("服务暂时不可用，请稍后再试。")
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": {"code": "unavailable", "message": message}},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        body = loader.get_template("503.html").render({"message": message})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class ServiceUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        service = service_for(exception)
        if service is None:
            return None
        return unavailable_response(request, service, exception)
