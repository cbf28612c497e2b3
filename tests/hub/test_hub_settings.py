"""The hub's settings and streams (start-up and migrations: tests/services/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from concordia.hub.settings import HubSettings


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCORDIA_HUB_NODES_DIR", "/srv/hub/nodes")
    monkeypatch.setenv("CONCORDIA_HUB_STREAM_MODE", "direct")
    monkeypatch.setenv("CONCORDIA_HUB_CHARTER_RESEND_SECONDS", "5")
    settings = HubSettings(env="test")
    assert settings.nodes_dir == Path("/srv/hub/nodes")
    assert (settings.stream_mode, settings.charter_resend_seconds) == ("direct", 5.0)
    assert settings.node == "hub"
    monkeypatch.setenv("CONCORDIA_HUB_STREAM_MODE", "leaf")
    with pytest.raises(ValueError, match="stream_mode"):
        HubSettings(env="test")


def test_sourced_streams_read_the_node_through_its_domain() -> None:
    from concordia.hub.nodes import hub_country_stream

    sourced = hub_country_stream("se", "sourced")
    assert (sourced.name, sourced.subjects) == ("NODE_SE", ())
    (source,) = sourced.limits["sources"]
    assert (source.name, source.external.api) == ("SHARED_SE", "$JS.se.API")
    direct = hub_country_stream("se", "direct")
    assert direct.subjects == ("shared.se.>",)
    assert direct.limits == {"max_msgs_per_subject": 1, "allow_msg_ttl": True}
