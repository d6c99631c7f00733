"""Server-Timing: only when the web_server_timing setting is on."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from joinedup.config import Settings
from joinedup.web.conf import build

pytestmark = pytest.mark.django_db


def test_off_by_default() -> None:
    assert build(Settings(), bind_host="127.0.0.1")["JOINEDUP_SERVER_TIMING"] is False
    assert "Server-Timing" not in Client().get("/how-we-use-data/")


def test_on_it_times_every_response() -> None:
    assert build(Settings(web_server_timing=True),
                 bind_host="127.0.0.1")["JOINEDUP_SERVER_TIMING"] is True
    with override_settings(JOINEDUP_SERVER_TIMING=True):
        client = Client()  # a new handler builds its middleware under the setting
        for response in (client.get("/how-we-use-data/"), client.get("/"),
                         client.get("/person/JP00000001/")):
            found = re.fullmatch(r"app;dur=([0-9]+\.[0-9]{2})", response["Server-Timing"])
            assert found is not None and 0 < float(found[1]) < 10_000
