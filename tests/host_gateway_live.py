"""host-gateway's live tests run doctor as a user does, on an engine that does not answer host.docker.internal.

Shared by tests/test_host_gateway_run_dials.py, test_host_gateway_joined_namespace.py and
test_host_gateway_config_dials.py: the environment without the developer's COMPOSE_/DOCTOR_ settings, the
skip where the engine resolves the name itself (Docker Desktop, OrbStack, Rancher Desktop: there the point of
the test, a failing `up`, cannot be seen), and doctor run as a subprocess in the project's folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def clean_env() -> dict[str, str]:
    """The test's environment without what would pick another project, files or behaviour."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCTOR_"))}


def skip_where_the_engine_answers_the_name(docker: str) -> None:
    system = subprocess.run([docker, "info", "--format", "{{.OperatingSystem}}"], capture_output=True, text=True,
                            timeout=30).stdout.lower()
    if any(name in system for name in ("docker desktop", "orbstack", "rancher desktop")):
        pytest.skip("this engine answers host.docker.internal itself")


def run_doctor(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "doctor", *args], cwd=project, capture_output=True, text=True,
                          timeout=180, env=clean_env())
