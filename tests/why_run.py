"""`doctor why` run as a user runs it: a subprocess in the project's folder, the `up` output piped in, no engine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# what the developer's shell may export that would pick another project, files or profiles than the test's
_COMPOSE_ENV = ("COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES", "COMPOSE_FILE", "COMPOSE_ENV_FILES")

# the project both flag tests run `why` on: web depends on a postgres db
COMPOSE = """\
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: p
  web:
    image: busybox
    depends_on: [db]
"""


def run_why(root: Path, text: str, *args: str, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`doctor why ARGS` in `cwd` (else `root`) with `text` on stdin, HOME at `root`, DOCKER_HOST a closed port
    (no engine answers), the shell's compose variables unset and `env` on top."""
    environ = {k: v for k, v in os.environ.items() if k not in _COMPOSE_ENV}
    environ = {**environ, "DOCKER_HOST": "tcp://127.0.0.1:9", "HOME": str(root), **(env or {})}
    return subprocess.run([sys.executable, "-m", "doctor", "why", *args], cwd=cwd or root, capture_output=True,
                          text=True, timeout=120, input=text, env=environ)
