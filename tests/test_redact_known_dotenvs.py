"""The app's own dotenv files (`.env.local`, `.env.development`) in the project's folder, a build context or a
bound folder are read for secrets, as the app's `require('dotenv').config({path: '.env.local'})` reads them;
an example file's placeholders are not.

Before: a service binding `.:/app` whose index.js loads `.env.local` and logs its password
(`login failed with Lcl8Pw2qX and Dev9Sx3Lq`) was quoted by `doctor why` in the clear: only compose's `.env`
and the env_file entries were read.
"""

from __future__ import annotations

from pathlib import Path

from doctor.known_secrets import project_redactor
from doctor.project import Project, ProjectOptions

COMPOSE = """\
services:
  app:
    image: node:20
    volumes:
      - .:/app
    working_dir: /app
  web:
    build: ./frontend
  api:
    image: python:3.12
    volumes:
      - ./api/src:/srv
"""


def _redactor(root: Path):  # type: ignore[no-untyped-def]
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "index.js").write_text("require('dotenv').config({ path: '.env.local' })\n")
    (root / ".env.local").write_text("APP_DB_PASSWORD=Lcl8Pw2qX\n")
    (root / ".env.example").write_text("APP_DB_PASSWORD=changeme2024\n")
    (root / "frontend").mkdir()
    (root / "frontend" / "Dockerfile").write_text("FROM node:20\n")
    (root / "frontend" / ".env.development").write_text("SESSION_SECRET=Dev9Sx3Lq\nNEXT_PUBLIC_API=http://api:8000\n")
    (root / "api" / "src").mkdir(parents=True)
    (root / "api" / "src" / ".env").write_text("STRIPE_KEY=ApiSrc7Kq2\n")
    return project_redactor(Project(ProjectOptions(path=root, env={})))


def test_the_apps_dotenv_secrets_are_masked_wherever_they_appear(tmp_path: Path) -> None:
    redactor = _redactor(tmp_path)
    said = "app-1  | login failed with Lcl8Pw2qX and Dev9Sx3Lq"
    assert redactor.text(said) == "app-1  | login failed with *** and ***"
    assert redactor.text("api-1  | stripe: bad key ApiSrc7Kq2") == "api-1  | stripe: bad key ***"


def test_an_example_files_placeholder_and_plain_values_stay_readable(tmp_path: Path) -> None:
    said = "placeholder changeme2024 at http://api:8000"
    assert _redactor(tmp_path).text(said) == said
