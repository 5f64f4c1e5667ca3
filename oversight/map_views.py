"""Placeholder until its view lands (issue 21)."""

from django.http import HttpResponse
from django.urls import path

MAP_URL = "oversight_map"


def _view(request):
    return HttpResponse("…")


def urls():
    return [path("oversight/map/", _view, name=MAP_URL)]
