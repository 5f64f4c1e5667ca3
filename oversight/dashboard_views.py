"""Placeholder until its view lands (issue 21)."""

from django.http import HttpResponse
from django.urls import path

INDEX_URL = "oversight_dashboard"


def _view(request):
    return HttpResponse("…")


def urls():
    return [path("oversight/dashboard/", _view, name=INDEX_URL)]
