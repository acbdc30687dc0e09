"""image-availability: one finding per absent image, a note when any of its services lets compose pull.

getsentry/self-hosted runs `symbolicator` (`pull_policy: never`, docker-compose.yml:446) and
`symbolicator-cleanup` (no pull_policy, docker-compose.yml:461) on one `$SYMBOLICATOR_IMAGE`.
doctor warned "'symbolicator' image ... is not on the engine and pull_policy is never: nothing will
pull it" and, in a second finding, said compose pulls the same image on up. Compose's `up` pulls
every service's missing image (mustPull: all policies but never and build) before it creates any
container, so the `never` service finds it: one note naming both, saying the `never` one fails
only when started alone.
"""

from __future__ import annotations

from pathlib import Path

from doctor.checks.image_availability import ImageAvailability

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions

IMAGE = "ghcr.io/getsentry/symbolicator:nightly"
SELF_HOSTED = """\
x-pull-policy: &pull_policy
  pull_policy: never
services:
  symbolicator:
    <<: [*pull_policy]
    image: "$SYMBOLICATOR_IMAGE"
    command: run -c /etc/symbolicator/config.yml
  symbolicator-cleanup:
    image: "$SYMBOLICATOR_IMAGE"
    command: "cleanup -c /etc/symbolicator/config.yml --repeat 1h"
  relay:
    <<: [*pull_policy]
    image: ghcr.io/getsentry/relay:nightly
"""


class _NoImages:
    """An engine with no image at all."""

    platform = "linux/amd64"

    def present(self, names: object) -> set[str]:
        return set()

    def image(self, name: str) -> None:
        return None


def _findings(tmp_path: Path, compose: str, env: str = "") -> list:
    (tmp_path / "docker-compose.yml").write_text(compose)
    (tmp_path / ".env").write_text(env)
    (tmp_path / "Dockerfile").write_text("FROM busybox\n")
    host = Host(env={})
    host.images = _NoImages()  # type: ignore[assignment,misc]
    project = Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    return list(ImageAvailability().run(project, host))


def test_a_never_service_beside_one_that_pulls_is_one_note(tmp_path: Path) -> None:
    found = [f for f in _findings(tmp_path, SELF_HOSTED, f"SYMBOLICATOR_IMAGE={IMAGE}\n") if IMAGE in f.subject]
    assert len(found) == 1, [f.message for f in found]
    note = found[0]
    assert note.severity is Severity.INFO
    assert note.fix is None
    assert note.location is not None and note.location.line == 6  # symbolicator's `image:` line
    assert note.message.startswith(f"'symbolicator' and 'symbolicator-cleanup': image '{IMAGE}' is not on the engine")
    assert "compose pulls it on up for 'symbolicator-cleanup'" in note.message
    assert "'symbolicator' (pull_policy never) uses that pull, started alone it fails" in note.message
    assert "nothing will pull it" not in note.message


def test_an_image_only_never_services_run_stays_a_warning(tmp_path: Path) -> None:
    found = [f for f in _findings(tmp_path, SELF_HOSTED, f"SYMBOLICATOR_IMAGE={IMAGE}\n") if "relay" in f.subject]
    assert [(f.severity, f.message) for f in found] == [(
        Severity.WARNING,
        "'relay' image 'ghcr.io/getsentry/relay:nightly' is not on the engine and pull_policy is never: "
        "nothing will pull it")]


def test_two_spellings_of_one_image_are_one_finding(tmp_path: Path) -> None:
    compose = "services:\n  a:\n    image: redis\n    pull_policy: never\n  b:\n    image: redis:latest\n"
    found = _findings(tmp_path, compose)
    assert len(found) == 1, [f.message for f in found]
    assert found[0].severity is Severity.INFO
    assert "compose pulls it on up for 'b'" in found[0].message


def test_a_never_service_beside_one_that_builds_the_image_stays_a_warning(tmp_path: Path) -> None:
    compose = ("services:\n  web:\n    build: .\n    image: shop:latest\n"
               "  worker:\n    image: shop:latest\n    pull_policy: never\n")
    found = _findings(tmp_path, compose)
    assert [(f.severity, f.message) for f in found] == [(
        Severity.WARNING, "'worker' image 'shop:latest' is not on the engine and only 'web' builds it")]


def test_the_note_points_at_the_image_line_an_override_writes(tmp_path: Path) -> None:
    # DefectDojo (trial F1): an override's `image:` is the line to edit; the finding named the
    # service's key in the base file
    (tmp_path / "compose.override.yml").write_text(
        "services:\n  web:\n    environment:\n      A: 1\n    image: doctor-absent/b:2\n")
    found = _findings(tmp_path, "services:\n  web:\n    image: doctor-absent/a:1\n  db:\n    image: postgres:16\n")
    [note] = [f for f in found if f.subject == "web:doctor-absent/b:2"]
    assert note.location is not None and (note.location.path.name, note.location.line) == ("compose.override.yml", 5)
