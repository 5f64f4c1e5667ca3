from django.template.response import TemplateResponse


def page_not_found(request, exception=None):
    return TemplateResponse(request, "404.html", status=404).render()


def server_error(request):
    return TemplateResponse(request, "500.html", status=500).render()
