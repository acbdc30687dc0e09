"""An image's tag that is a secret's value is masked (doctor.known_secrets._image_names): `image:
busybox:${DB_PASSWORD}` put the password among the names a Redactor never masks by value, so every
finding naming the image printed it; the other parts of an image stay names."""

from __future__ import annotations

from pathlib import Path

from doctor.known_secrets import project_redactor
from doctor.project import Project, ProjectOptions
from doctor.redact import Redactor


def _redactor(folder: Path, compose: str, dotenv: str) -> Redactor:
    (folder / "compose.yaml").write_text(compose)
    (folder / ".env").write_text(dotenv)
    return project_redactor(Project(ProjectOptions(path=folder, env={"HOME": str(folder)})))


def test_a_tag_that_is_a_secret_is_masked(tmp_path: Path) -> None:
    redactor = _redactor(tmp_path, "services:\n  app:\n    image: busybox:${DB_PASSWORD}\n",
                         "DB_PASSWORD=Kx9mQ2wLp7\n")
    shown = redactor.text("'app' image 'busybox:Kx9mQ2wLp7' is not on the engine")
    assert shown == "'app' image 'busybox:***' is not on the engine"  # before: the password
    assert redactor.text("busybox is on the engine") == "busybox is on the engine"


def test_an_image_whose_name_is_a_password_stays_readable(tmp_path: Path) -> None:
    redactor = _redactor(tmp_path, "services:\n  db:\n    image: postgres:16-alpine\n"
                                   "    environment:\n      POSTGRES_PASSWORD: postgres\n", "TAG=16-alpine\n")
    assert redactor.text("'db' image 'postgres:16-alpine' is not on the engine") == (
        "'db' image 'postgres:16-alpine' is not on the engine")


PHOTOPRISM = Path(__file__).parent / "replay" / "photoprism"


def test_a_tag_written_in_the_clear_stays_readable_though_a_password_shares_it(tmp_path: Path) -> None:
    """photoprism (tests/replay/photoprism): mariadb-init.sql's `IDENTIFIED BY 'latest'` made `latest` a secret
    value, and every finding naming `glauth/glauth-plugins:latest` read `glauth/glauth-plugins:***`; a tag the
    compose file writes in the clear is shown, where it is a word anyone would guess."""
    import shutil

    root = tmp_path / "photoprism"
    shutil.copytree(PHOTOPRISM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    redactor = project_redactor(Project(ProjectOptions(path=root, env={"HOME": str(root)})))
    line = "'dummy-ldap' image 'glauth/glauth-plugins:latest' is not on the engine"
    assert redactor.text(line) == line  # before: 'glauth/glauth-plugins:***'
    assert redactor.text("'traefik' image 'photoprism/traefik:latest'") == "'traefik' image 'photoprism/traefik:latest'"


def test_a_password_like_tag_written_in_the_clear_is_still_masked(tmp_path: Path) -> None:
    redactor = _redactor(tmp_path, "services:\n  app:\n    image: busybox:Kx9mQ2wLp7\n"
                                   "    environment:\n      DB_PASSWORD: Kx9mQ2wLp7\n", "")
    assert redactor.text("'app' image 'busybox:Kx9mQ2wLp7'") == "'app' image 'busybox:***'"
