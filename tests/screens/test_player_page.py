"""The screen player page and its service worker, as the server sends them."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_player_page_is_static_html_under_the_strict_csp(client):
    response = client.get("/screens/player/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert reverse("screen_player") == "/screens/player/"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "media-src 'self' blob:" in csp and "img-src 'self' data: blob:" in csp
    html = response.content.decode()
    # Only external scripts and stylesheets: nothing inline for the CSP to block.
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)
    assert scripts == [""] and 'src="/static/screens/player.js"' in html
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+\s*=", html)  # no inline event handlers
    assert 'href="/static/screens/player.css"' in html
    # What player.js and the tests read.
    for hook in ['data-testid="stage"', 'data-testid="caption"', 'data-testid="emergency"']:
        assert hook in html
    assert 'data-feed="/api/screens/v1/feed/"' in html
    assert 'data-heartbeat="/api/screens/v1/heartbeat/"' in html
    assert 'data-sw="/screens/player/sw.js"' in html
    assert "请输入设备令牌" in html


def test_service_worker_is_javascript_allowed_to_widen_its_scope(client):
    response = client.get("/screens/player/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert 'addEventListener("fetch"' in body and "/media/" in body


def test_static_player_files_exist():
    from django.contrib.staticfiles import finders

    for name in ["screens/player.js", "screens/player.css", "screens/sw.js"]:
        assert finders.find(name), name
