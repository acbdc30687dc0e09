"""image-availability: which `:dev`/`:test` tags are a local build nothing will pull.

ArchiveBox's compose runs `archivebox/archivebox:dev`, a tag its README tells users to `docker
pull` and its CI publishes: doctor warned "tag ':dev' is a local build: nothing will pull it".
A local tag is a local build on a bare name (`app:dev`: Docker Hub's library has no `app`), in a
registry on this machine, or on a repository the project itself builds under another tag.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.image_availability import ImageAvailability

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions


class _NoImages:
    """An engine with no image at all."""

    platform = "linux/amd64"

    def present(self, names: object) -> set[str]:
        return set()

    def image(self, name: str) -> None:
        return None


@pytest.mark.parametrize(("compose", "severity"), [
    ("services:\n  archivebox:\n    image: archivebox/archivebox:dev\n", Severity.INFO),
    ("services:\n  app:\n    image: app:dev\n", Severity.WARNING),
    ("services:\n  app:\n    image: localhost:5000/team/app:dev\n", Severity.WARNING),
    ("services:\n  web:\n    build: .\n    image: acme/shop:latest\n  runner:\n    image: acme/shop:test\n",
     Severity.WARNING),
])
def test_a_local_tag_is_a_local_build_only_where_nothing_publishes_it(
        tmp_path: Path, compose: str, severity: Severity) -> None:
    (tmp_path / "compose.yaml").write_text(compose)
    (tmp_path / "Dockerfile").write_text("FROM busybox\n")
    host = Host(env={})
    host.images = _NoImages()  # type: ignore[assignment,misc]
    project = Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    found = [f for f in ImageAvailability().run(project, host) if ":dev" in f.subject or ":test" in f.subject]
    assert [f.severity for f in found] == [severity], [f.message for f in found]
