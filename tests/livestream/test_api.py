"""The live viewer heartbeat under hostile input: a JSON 4xx, never a 5xx."""

import pytest


@pytest.mark.parametrize("event_id", ["99999999999999999999", "2147483648", "0"])
def test_an_event_id_past_any_column_is_a_json_404(client, event, settings, event_id):
    settings.DEBUG = False
    response = client.post(f"/api/live/{event_id}/heartbeat/", {"viewer": "viewer-0001"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
