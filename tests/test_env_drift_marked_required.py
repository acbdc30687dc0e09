"""env-drift: in a compose file that marks its required variables with `:?`, a bare `${VAR}` in
`environment:` is an optional setting (info), not a warning.

documenso's docker/production/compose.yml writes `NEXTAUTH_SECRET=${NEXTAUTH_SECRET:?err}` and ten more
beside 35 bare settings (`NEXT_PRIVATE_SMTP_HOST=${NEXT_PRIVATE_SMTP_HOST}`) its app reads as unset when
empty: preflight gave 35 warnings with the `.env` its docs prescribe, burying the one that mattered. With
a single `:?` in the file, or outside `environment:`, nothing changes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.env_drift import EnvDrift

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions


def _drift(root: Path, marked: int, extra: str = "") -> list:
    required = "".join(f"      - R{i}=${{R{i}:?err}}\n" for i in range(marked))
    (root / "compose.yaml").write_text(
        "services:\n  app:\n    image: busybox\n    environment:\n" + required
        + "      - SMTP_HOST=${SMTP_HOST}\n" + extra)
    (root / ".env").write_text("".join(f"R{i}=x\n" for i in range(marked)))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    return list(EnvDrift().run(Project(ProjectOptions(path=root, env=env)), Host(env=env, timeout=1.0)))


def test_a_bare_setting_beside_marked_ones_is_optional(tmp_path: Path) -> None:
    [found] = _drift(tmp_path, 2)
    assert found.severity is Severity.INFO and found.location is not None and found.location.line == 7
    assert found.message == ("'SMTP_HOST' is not set: compose passes an empty environment value on (and warns "
                             "too); the file marks the variables it requires with `:?` (R0 and R1), not this one: "
                             "an optional setting")


@pytest.mark.parametrize("marked", [0, 1])
def test_without_the_convention_it_is_a_warning(tmp_path: Path, marked: int) -> None:
    [found] = _drift(tmp_path, marked)
    assert found.severity is Severity.WARNING
    assert found.message == "'SMTP_HOST' is not set: compose passes an empty environment value on (and warns too)"


def test_where_empty_breaks_it_is_still_an_error(tmp_path: Path) -> None:
    found = {f.subject: f for f in _drift(tmp_path, 3, "  other:\n    image: app:${TAG}\n")}
    assert found["TAG"].severity is Severity.ERROR and found["SMTP_HOST"].severity is Severity.INFO
