"""A reference to a service no compose file defines gets the service the author likely meant.

CTFd/CTFd trial: with `depends_on: [redis]` while its Redis service is `cache` (`image: redis:4`),
compose-config reported "service 'ctfd' depends on undefined service 'redis'" with no fix, where
service-name-drift says "did you mean" for the same slip in a `.env` host.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.compose_config import ComposeConfig

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

BASE = """\
services:
  ctfd:
    image: ctfd
    {ref}
  cache:
    image: redis:4
  db:
    image: mariadb:10.11
"""


def run(tmp_path: Path, ref: str, extra: str = "") -> list[Finding]:
    (tmp_path / "compose.yaml").write_text(BASE.format(ref=ref) + extra)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    project = Project(ProjectOptions(path=tmp_path, env=env))
    return [f for f in ComposeConfig().run(project, Host(env=env, timeout=1.0)) if "undefined service" in f.message]


@pytest.mark.parametrize(("ref", "meant"), [
    ("depends_on: [redis]", "cache"),  # by what the service runs: redis is `cache`'s image
    ("depends_on: [cahce]", "cache"),  # by a close name
    ("links: ['mysql:database']", "db"),  # mariadb runs the mysql family
    ("network_mode: 'service:dbb'", "db"),
])
def test_the_service_meant_is_named(tmp_path: Path, ref: str, meant: str) -> None:
    (finding,) = run(tmp_path, ref)
    assert finding.fix is not None
    assert finding.fix.title.startswith(f"did you mean {meant!r}? name it in 'ctfd' instead of "), finding.fix.title


def test_no_guess_without_a_single_likely_service(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, "depends_on: [worker]")
    assert finding.fix is None
    (finding,) = run(tmp_path, "depends_on: [redis]", "  queue:\n    image: redis:7\n")  # two redis services
    assert finding.fix is None
