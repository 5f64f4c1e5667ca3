"""A live event page in English and traditional Chinese: its state, times, viewers and
the words live.js shows (handed over in data-* attributes) are in the page's language."""

import re

import opencc
import pytest

from livestream.models import LiveEventPage
from sites.models import OrganisationPage
from tests.learning.factories import translated_copy

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
S2T = opencc.OpenCC("s2t.json")
SITE = {"HTTP_HOST": "da-s1-b1.localhost"}


def untranslated(language, text):
    if language == "en":
        return HAN.findall(text)
    return [a for a, b in zip(text, S2T.convert(text), strict=True) if a != b]


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("status", [LiveEventPage.SCHEDULED, LiveEventPage.LIVE])
def test_a_live_event_page(client, org_tree, event, language, status, page_chrome):
    for page in org_tree.values():
        OrganisationPage.objects.filter(pk=page.pk).update(title=f"Org {page.pk}")
    LiveEventPage.objects.filter(pk=event.pk).update(status=status, viewer_count=1)
    copy = translated_copy(
        LiveEventPage.objects.get(pk=event.pk),
        language,
        title="Live lecture",
        speaker="Prof. Wang",
        description="<p>A lecture.</p>",
    )
    response = client.get(copy.url, **SITE)
    assert response.status_code == 200 and f"localhost/{language}/learning/" in copy.url
    text = page_chrome(response.content.decode())
    assert untranslated(language, text) == [], text
    if language == "en":
        assert ("Upcoming" if status == LiveEventPage.SCHEDULED else "Live now") in text
        assert "Speaker: Prof. Wang" in text
        assert "{n} person watching" in text and "{n} people watching" in text
