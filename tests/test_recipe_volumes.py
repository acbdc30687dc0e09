"""A Dockerfile's VOLUME lines, as the image each stage makes declares them.

litestar-fullstack's Dockerfile.dev ends with `VOLUME /workspace/app`, the folder its `uv venv` and
`bun install` fill: compose gives each container an anonymous volume there and keeps it when it
recreates the container, so volume-shadowing needs the VOLUME paths of the stage a service builds.
"""

from __future__ import annotations

from pathlib import Path

from doctor.project.recipe import read_recipe

DOCKERFILE = """FROM python:3.13-slim AS base
ARG DATA=/srv/data
ENV LOGS=/var/log/app
VOLUME ["/workspace/app/", "$DATA"]
FROM base AS dev
VOLUME $LOGS /workspace/app/src/../cache relative ${UNSET}/x
FROM python:3.13-slim AS other
VOLUME /other
"""


def test_volume_paths_are_read_expanded_cleaned_and_inherited(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    dev = read_recipe(tmp_path / "Dockerfile", "dev")
    assert dev.volumes == (("/workspace/app", 4), ("/srv/data", 4), ("/var/log/app", 6), ("/workspace/app/cache", 6))
    assert read_recipe(tmp_path / "Dockerfile", "other").volumes == (("/other", 8),)
