"""volume-shadowing: a bind over a folder a `COPY --from` filled hides another stage's output.

Shaped like paperless-ngx/paperless-ngx Dockerfile: the frontend is compiled in a node stage and
copied into the Python app's tree (`COPY --from=compile-frontend ... ./documents/static/frontend/`);
its devcontainer compose keeps that folder with an anonymous volume ("Static frontend files exist
only in container"). A dev override binding ./src without it serves no frontend.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.volume_shadowing import VolumeShadowing

from doctor.host import Host
from doctor.project import Project, ProjectOptions

DOCKERFILE = """FROM node:24-trixie-slim AS compile-frontend
COPY ./src-ui /src/src-ui
WORKDIR /src/src-ui
RUN ./node_modules/.bin/ng build --configuration production

FROM ghcr.io/astral-sh/uv:0.11.32-python3.12-trixie-slim AS main-app
WORKDIR /usr/src/paperless/src/
COPY --chown=1000:1000 ./src ./
COPY --from=compile-frontend --chown=1000:1000 /src/src/documents/static/frontend/ ./documents/static/frontend/
"""


@pytest.mark.parametrize(("volumes", "on_host", "expected"), [
    ("      - ./src:/usr/src/paperless/src\n", False,
     ["'webserver' bind ./src:/usr/src/paperless/src hides /usr/src/paperless/src/documents/static/frontend "
      "(COPY --from=compile-frontend, Dockerfile:9)"]),
    # the devcontainer's answer: an anonymous volume keeps the image's folder
    ("      - ./src:/usr/src/paperless/src\n      - /usr/src/paperless/src/documents/static/frontend\n", False, []),
    ("      - ./src:/usr/src/paperless/src\n", True, []),  # built on the host: the bind brings it
], ids=["hidden", "kept-by-a-volume", "built-on-the-host"])
def test_a_bind_over_a_copy_from_output(tmp_path: Path, volumes: str, on_host: bool, expected: list[str]) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "src" / "documents").mkdir(parents=True)
    if on_host:
        (tmp_path / "src" / "documents" / "static" / "frontend").mkdir(parents=True)
    (tmp_path / "compose.yaml").write_text(f"services:\n  webserver:\n    build: .\n    volumes:\n{volumes}")
    project = Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    found = list(VolumeShadowing().run(project, Host(env={})))
    hides = [f for f in found if " hides " in f.message]
    assert [f.message for f in hides] == expected
    for finding in hides:  # a note: a dev build may skip the stage on purpose (redash's skip_frontend_build)
        assert finding.severity.label == "info"
        assert finding.fix is not None and finding.fix.title.endswith("or build it on the host")
    # the volume that keeps the folder keeps its first content too: a note, as for node_modules
    assert [f.severity.label for f in found if " hides " not in f.message] == (
        ["info"] if "static/frontend\n" in volumes else [])
