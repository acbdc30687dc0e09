"""A secret a service's Dockerfile sets (`ENV APP_DB_PASSWORD=...`, legacy `ENV KEY value`, an `ARG` default)
is a known value, masked wherever it appears.

Before: a built service whose CMD logs `starting with db password DockEnvPw7q` (its Dockerfile's
`ENV APP_DB_PASSWORD=DockEnvPw7q`) was quoted by `doctor why` in the clear: no Dockerfile was read for secrets.
"""

from __future__ import annotations

from pathlib import Path

from doctor.known_secrets import project_redactor
from doctor.project import Project, ProjectOptions

COMPOSE = """\
services:
  app:
    build: ./app
  tools:
    build:
      context: .
      dockerfile: docker/tools.Dockerfile
    profiles: [tools]
"""
DOCKERFILE = """\
FROM python:3.12-slim
ARG BUILD_TOKEN=ArgTok8Lm2q
ENV APP_DB_PASSWORD=DockEnvPw7q \\
    APP_PORT=8000
ENV LEGACY_SECRET Lg9mQx2Wv4
ENV TINI_SHA=6c41ec7d33e857d4779f14d9c74924cab0c7973485d2972419a3b7c7620ff5fd
ENV PATH=/app/bin:$PATH
CMD ["sh", "-c", "echo starting with db password $APP_DB_PASSWORD; exit 1"]
"""


def _redactor(root: Path):  # type: ignore[no-untyped-def]
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "app").mkdir()
    (root / "app" / "Dockerfile").write_text(DOCKERFILE)
    (root / "docker").mkdir()
    (root / "docker" / "tools.Dockerfile").write_text('FROM busybox\nENV "TOOLS_API_KEY"="Tk5pLm8Qz"\n')
    return project_redactor(Project(ProjectOptions(path=root, env={})))


def test_the_secrets_a_dockerfile_sets_are_masked_wherever_they_appear(tmp_path: Path) -> None:
    redactor = _redactor(tmp_path)
    assert redactor.text("app-1  | starting with db password DockEnvPw7q") == "app-1  | starting with db password ***"
    assert redactor.text("token ArgTok8Lm2q, legacy Lg9mQx2Wv4, tools Tk5pLm8Qz") == "token ***, legacy ***, tools ***"


def test_what_a_dockerfile_sets_under_plain_keys_stays_readable(tmp_path: Path) -> None:
    said = "port 8000, PATH /app/bin, tini 6c41ec7d33e857d4779f14d9c74924cab0c7973485d2972419a3b7c7620ff5fd"
    assert _redactor(tmp_path).text(said) == said
