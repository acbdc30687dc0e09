"""service-name-drift's closest name is no match on a server of another family.

`REDIS_URL: redis://cache:6379/0` beside a memcached `my-cache` (and no redis) was an error "(did you mean
'my-cache'?)" with an edit, after which leaked-host-port's next round wrote memcached's port,
`redis://my-cache:11211/0`: a redis client pointed at memcached (a review's find). Now the host is the note it is
when nothing resembles it; beside a redis `my-cache` the suggestion stands.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions

COMPOSE = ("services:\n  web:\n    image: python:3.12\n    command: python -m http.server\n    environment:\n"
           "      REDIS_URL: redis://cache:6379/0\n  my-cache:\n    image: {image}\n")


@pytest.mark.parametrize(("image", "meant"), [("memcached:1.6", None), ("redis:7", "my-cache")])
def test_a_close_name_of_another_server_family_is_not_meant(tmp_path: Path, image: str, meant: str | None) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=image))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1"}
    [finding] = ServiceNameDrift().run(Project(ProjectOptions(path=tmp_path, env=env)), Host(env={}))
    if meant is None:
        assert finding.severity is Severity.INFO and "did you mean" not in finding.message, finding.message
        assert finding.fix is not None and not finding.fix.edits
    else:
        assert f"(did you mean '{meant}'?)" in finding.message and finding.severity is Severity.ERROR
