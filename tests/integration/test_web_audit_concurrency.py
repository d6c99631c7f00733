"""Several processes appending at once (as gunicorn workers do) never fork the chain, on
SQLite (IMMEDIATE transactions) and on PostgreSQL (SELECT ... FOR UPDATE of the head)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

JOINEDUP = Path(sys.executable).with_name("joinedup")
WRITER = """
import sys
from joinedup.web import bootstrap
bootstrap.setup()
from joinedup.web.audit.record import append
for i in range(int(sys.argv[2])):
    append("search", username=sys.argv[1], detail={"i": i})
"""


def test_concurrent_writers_make_one_unbroken_chain(tmp_path: Path,
                                                   app_database_url: str) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JOINEDUP_") and k != "DJANGO_SETTINGS_MODULE"}
    env |= {"JOINEDUP_HOME": str(tmp_path), "JOINEDUP_CONFIG": str(tmp_path / "none.toml"),
            "JOINEDUP_WEB_DATABASE_URL": app_database_url,
            "DJANGO_SETTINGS_MODULE": "joinedup.web.settings"}
    subprocess.run([str(JOINEDUP), "web", "migrate"], env=env, check=True, capture_output=True,
                   timeout=120)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, f"worker{n}", "40"], env=env,
                                stderr=subprocess.PIPE) for n in range(4)]
    for writer in writers:
        _, err = writer.communicate(timeout=180)
        assert writer.returncode == 0, err.decode()
    verified = subprocess.run([str(JOINEDUP), "audit", "verify"], env=env, capture_output=True,
                              text=True, timeout=120, check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Audit chain intact: 160 events" in verified.stdout
