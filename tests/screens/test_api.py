"""The heartbeat under hostile input: impossible or overflowing times, NaN, JSON nested
50,000 deep and oversized bodies are a JSON 4xx that stores nothing, never a 5xx."""

import json

import pytest

from screens.models import Device, PlayTally

HEARTBEAT = "/api/screens/v1/heartbeat/"


def post(client, token, raw):
    return client.post(
        HEARTBEAT, raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def play(started_at):
    return json.dumps({"plays": [{"item": "page:1", "started_at": started_at, "duration": 5}]})


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param


@pytest.mark.parametrize(
    "raw, message",
    [
        (play("2026-13-01T00:00:00Z"), "plays[0].started_at"),
        (play("2026-02-30T00:00:00Z"), "plays[0].started_at"),
        (play("9999-12-31T23:59:59-14:00"), "plays[0].started_at"),
        (play("0001-01-01T00:00:00+14:00"), "plays[0].started_at"),
        ('{"status": {"temperature": NaN}}', "NaN"),
        ('{"status": {"temperature": Infinity}}', "Infinity"),
        ('{"status": {"temperature": -Infinity}}', "Infinity"),
        (
            '{"plays": [{"item": "page:1", "started_at": "2026-11-23T08:00:00Z", '
            '"duration": NaN}]}',
            "NaN",
        ),
        ("[" * 50_000 + "]" * 50_000, "嵌套"),
        ('{"status": {"note": "a\\u0000b"}}', "NUL"),
        ('{"status": {"note": "\\ud86f"}}', "NUL"),
        ('{"player_version": "1\\u0000"}', "player_version"),
        ('{"status": ' + '{"a": ' * 900 + "1" + "}" * 900 + "}", "嵌套"),
    ],
    ids=[
        "month-13",
        "february-30",
        "year-10000-here",
        "year-0-here",
        "status-nan",
        "status-infinity",
        "status-minus-infinity",
        "duration-nan",
        "nested-50000",
        "status-nul",
        "status-lone-surrogate",
        "version-nul",
        "nested-900",
    ],
)
def test_hostile_heartbeats_are_a_json_400_and_store_nothing(client, platform, debug, raw, message):
    response = post(client, platform["token"], raw)
    assert response.status_code == 400, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "bad_heartbeat" and message in error["message"]
    assert not PlayTally.objects.exists() and Device.objects.get().last_seen_at is None


def test_a_heartbeat_over_the_upload_limit_is_a_json_413(client, platform, debug, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = post(client, platform["token"], json.dumps({"player_version": "x" * 2048}))
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    assert Device.objects.get().last_seen_at is None
