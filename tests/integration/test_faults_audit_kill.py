"""The audit log survives writers killed with SIGKILL mid-write, on SQLite and PostgreSQL.

Two processes append events as fast as they can (as two gunicorn workers would); one is
killed at a random moment, often inside a transaction, and both are started again, several
times. Afterwards the chain verifies end to end, every event a writer reported as written is
there, and the next event links onto the last.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

JOINEDUP = Path(sys.executable).with_name("joinedup")
WRITER = """
import sys
from joinedup.web import bootstrap
bootstrap.setup()
from joinedup.web.audit.record import append
n = 0
while True:
    event = append("search", username=sys.argv[1], detail={"i": n})
    print(event.seq, flush=True)   # written and committed
    n += 1
"""
KILLS = 5
pytestmark = pytest.mark.slow


def _env(home: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JOINEDUP_") and k != "DJANGO_SETTINGS_MODULE"}
    return env | {"JOINEDUP_HOME": str(home), "JOINEDUP_CONFIG": str(home / "none.toml"),
                  "JOINEDUP_WEB_DATABASE_URL": database_url,
                  "DJANGO_SETTINGS_MODULE": "joinedup.web.settings"}


def _read_committed(child: subprocess.Popen[bytes], until: float, *,
                    first_only: bool = False) -> set[int]:
    """The seqs the writer reported as committed, read until ``until`` (monotonic), or
    until its first report with ``first_only``."""
    assert child.stdout is not None
    fd = child.stdout.fileno()
    seen = b""
    while not (first_only and b"\n" in seen):
        left = until - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        seen += chunk
    return {int(line) for line in seen.split(b"\n")[:-1] if line.strip()}


def test_audit_chain_survives_writers_killed_mid_write(tmp_path: Path,
                                                       app_database_url: str) -> None:
    env = _env(tmp_path, app_database_url)
    migrated = subprocess.run([str(JOINEDUP), "web", "migrate"], env=env, capture_output=True,
                              text=True, timeout=180, check=False)
    assert migrated.returncode == 0, migrated.stderr
    rng = random.Random(1604)
    committed: set[int] = set()
    for _ in range(KILLS):
        writers = [subprocess.Popen([sys.executable, "-c", WRITER, f"w{n}"], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                   for n in range(2)]
        victim, other = writers
        # Once it is writing, let it run a random while, then kill it mid-stream.
        committed |= _read_committed(victim, time.monotonic() + 60, first_only=True)
        committed |= _read_committed(victim, time.monotonic() + rng.uniform(0.05, 0.6))
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        committed |= _read_committed(victim, time.monotonic() + 0.5)  # what was flushed
        other.send_signal(signal.SIGTERM)  # stops it between or inside writes too
        committed |= _read_committed(other, time.monotonic() + 5)
        other.wait(timeout=30)
    assert len(committed) > KILLS * 5, "the writers hardly wrote: nothing was tested"
    verified = subprocess.run([str(JOINEDUP), "audit", "verify"], env=env,
                              capture_output=True, text=True, timeout=120, check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    reported = verified.stdout.split("Audit chain intact: ")[1].split()[0]
    count = int(reported.replace(",", ""))
    # Every event a writer reported is there; any others are ones killed before reporting.
    assert committed <= set(range(1, count + 1)), sorted(committed - set(range(1, count + 1)))
    after = subprocess.run([sys.executable, "-c", WRITER.replace("while True", "while n < 1"),
                            "after"], env=env, capture_output=True, text=True, timeout=120,
                           check=False)
    assert after.returncode == 0 and int(after.stdout) == count + 1, after.stderr
