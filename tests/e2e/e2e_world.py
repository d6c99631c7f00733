"""`joinedup serve` on a data home holding the hand-made world of the web tests
(tests/integration/web_world.py): people on the policy's age boundaries, a review queue, and a
matching model, so the matching and auditor pages have something to show."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from e2e_support import Server

from joinedup.config import Settings

INTEGRATION = Path(__file__).resolve().parents[1] / "integration"
JOINEDUP = Path(sys.executable).with_name("joinedup")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"joinedup serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "accounts/sign-in/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    pytest.fail(f"joinedup serve did not answer within 90 s:\n{log.read_text()}")


@contextmanager
def world_server(home: Path) -> Iterator[Server]:
    """Build the world in ``home``, make demo accounts, serve; stop the server afterwards."""
    sys.path.insert(0, str(INTEGRATION))
    try:
        from web_world import build_world
    finally:
        sys.path.remove(str(INTEGRATION))
    build_world(Settings(home=home), dt.date.today())
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JOINEDUP_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"JOINEDUP_HOME": str(home), "JOINEDUP_CONFIG": str(home / "no-joinedup.toml")})
    made = subprocess.run([str(JOINEDUP), "web", "create-demo-users", "--json"], env=env,
                          capture_output=True, text=True, timeout=180, check=False)
    if made.returncode != 0:
        pytest.fail(f"create-demo-users failed:\n{made.stdout}\n{made.stderr}")
    accounts = {a["role"]: a for a in json.loads(made.stdout)}
    port = _free_port()
    log = home / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(JOINEDUP), "serve", "--port", str(port), "--workers", "1", "--threads", "4"],
            env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, proc, log)
        yield Server(url, home, accounts, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
