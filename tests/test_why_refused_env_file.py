"""Piped `doctor why` on compose's `env file PATH not found`: the findings about that file, not every one naming it.

healthchecks (tests/replay/healthchecks-3d018c0: docker/docker-compose.yml's web has `env_file: .env`, and
docker/.env.example beside it) before `cp .env.example .env`. compose v2.40.3 refuses the project; `doctor why` gave
four causes: compose-config's `env file .env not found`, env-drift's "there is no .env" (with its fix, copy
.env.example to .env), and env-drift's 'DB_NAME' and 'DB_PASSWORD' are not set ("... .env.example sets it, and there
is no .env"), which follow from the missing file and only mention it. The findings whose subject is the file come
first now: the two about it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from why_run import run_why

REPLAY = Path(__file__).resolve().parent / "replay" / "healthchecks-3d018c0"

# `docker compose -p doctor-audit-why3-h2 up -d 2>&1` with no docker/.env (compose v2.40.3, Debian docker.io engine)
UP = """\
time="2026-12-06T00:42:33Z" level=warning msg="The \\"DB_NAME\\" variable is not set. Defaulting to a blank string."
time="2026-12-06T00:42:33Z" level=warning msg="The \\"DB_PASSWORD\\" variable is not set. Defaulting to a blank string."
env file /tmp/audit-why3/hc/.env not found: stat /tmp/audit-why3/hc/.env: no such file or directory
"""


def test_the_findings_about_the_missing_env_file_are_the_causes(tmp_path: Path) -> None:
    root = tmp_path / "hc"
    shutil.copytree(REPLAY, root)
    done = run_why(root / "docker", UP)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    causes = [line.split(None, 1)[1] for line in done.stdout.splitlines() if line.startswith("    cause ")]
    assert causes == ["compose-config  docker-compose.yml:20", "env-drift  .env.example:1"], done.stdout
    assert "    fix      copy .env.example to .env" in done.stdout, done.stdout
    assert "'DB_NAME' is not set" not in done.stdout, done.stdout
