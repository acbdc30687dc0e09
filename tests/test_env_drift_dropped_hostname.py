"""env-drift: an unset variable compose drops with its key is a warning, not an error.

internetarchive/openlibrary's compose.yaml:71 writes `hostname: "$HOSTNAME"`; most shells do not
export HOSTNAME, so compose substitutes '' there. `up` still works (checked on compose v2.40.3:
the empty hostname is dropped and the container's hostname is its ID), yet preflight said "the
container gets no hostname" as an error and exited 1. An empty `container_name` does stop
compose ("does not match pattern"), and stays an error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.env_drift import EnvDrift

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions


@pytest.mark.parametrize(("key", "severity", "said"), [
    ("hostname", Severity.WARNING, "in hostname: compose drops it, and the container's hostname is its ID"),
    ("container_name", Severity.ERROR, "in container_name: the container gets no name or a clashing one"),
])
def test_an_unset_hostname_is_dropped_not_broken(tmp_path: Path, key: str, severity: Severity, said: str) -> None:
    (tmp_path / "compose.yaml").write_text(f'services:\n  s:\n    image: busybox\n    {key}: "$HOSTNAME"\n')
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    project = Project(ProjectOptions(path=tmp_path, env=env))
    [found] = EnvDrift().run(project, Host(env=env, timeout=1.0))
    assert found.severity is severity and found.location is not None and found.location.line == 4
    assert found.message == f"'HOSTNAME' is not set and has no default: compose substitutes '' {said}"
