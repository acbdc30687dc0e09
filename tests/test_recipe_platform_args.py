"""A Dockerfile's stage chain through BuildKit's platform ARGs: nautobot/nautobot's docker/Dockerfile.

`ARG ARCH=${TARGETARCH:-amd64}` before the first FROM, then `FROM system-dev-dependencies-${ARCH}`:
the ARG's default named another ARG, read as written, so the chain broke there and the `dev`
target lost the ENTRYPOINT its first stage sets. script-line-endings then named a service that
merely bind-mounts the entrypoint script, not 'nautobot', whose image runs it.
"""

from __future__ import annotations

from pathlib import Path

from doctor.project.recipe import read_recipe

NAUTOBOT = """ARG PYTHON_VER
ARG ARCH=${TARGETARCH:-amd64}
FROM python:${PYTHON_VER}-slim AS system-dependencies
COPY docker/docker-entrypoint.sh /docker-entrypoint.sh
ENTRYPOINT ["/docker-entrypoint.sh"]
FROM system-dependencies AS system-dev-dependencies
FROM system-dev-dependencies AS system-dev-dependencies-amd64
FROM system-dev-dependencies AS system-dev-dependencies-arm64
FROM system-dev-dependencies-${ARCH} AS python-dependencies
FROM python-dependencies AS dev
CMD ["nautobot-server", "runserver"]
"""


def test_an_arg_default_naming_a_platform_arg_keeps_the_stage_chain(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(NAUTOBOT)
    recipe = read_recipe(tmp_path / "Dockerfile", "dev")
    assert recipe.entrypoint == ("/docker-entrypoint.sh",)
    assert recipe.base == "python:${PYTHON_VER}-slim"
