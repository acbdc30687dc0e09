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


def test_a_password_equal_to_a_tag_written_in_the_clear_stays_masked_alone(tmp_path: Path) -> None:
    """`image: myorg/app:develop` beside `DB_PASSWORD: develop`: a message quoting the password alone masks it (a
    change that showed such tags, for photoprism's `:latest`, printed `DB_PASSWORD is 'develop'`: reverted)."""
    redactor = _redactor(tmp_path, "services:\n  app:\n    image: myorg/app:develop\n"
                                   "    environment:\n      DB_PASSWORD: develop\n", "")
    assert redactor.text("DB_PASSWORD is 'develop' in compose.yaml") == "DB_PASSWORD is '***' in compose.yaml"
