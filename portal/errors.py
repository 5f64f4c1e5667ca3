import sys

from django.template.response import TemplateResponse

from .unavailable import service_for, unavailable_response


def page_not_found(request, exception=None):
    return TemplateResponse(request, "404.html", status=404).render()


def server_error(request):
    error = sys.exc_info()[1]
    service = service_for(error)
    if service is not None:  # Redis or object storage down (outside a view)
        return unavailable_response(request, service, error)
    return TemplateResponse(request, "500.html", status=500).render()
