"""Placeholder until its view lands (issue 21)."""

from django.http import HttpResponse
from django.urls import path

LIST_URL = "oversight_messages"


def _view(request):
    return HttpResponse("…")


def urls():
    return [path("oversight/messages/", _view, name=LIST_URL)]


def add_panels(request, panels):
    return None
