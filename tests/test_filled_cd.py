"""Where an install's node_modules lands when its RUN changes folder first.

mathesar-foundation/mathesar's Dockerfile: `RUN cd mathesar_ui && npm ci` under WORKDIR /code fills
/code/mathesar_ui/node_modules, which its compose keeps in a named volume. volume-shadowing warned
that `.:/code` hides /code/node_modules, a folder that never exists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.project.filled import filled_paths
from doctor.project.recipe import Recipe, Step


@pytest.mark.parametrize(("run", "workdir", "path"), [
    ("cd mathesar_ui && npm ci", "/code", "/code/mathesar_ui/node_modules"),
    ("cd /opt/ui && yarn install --frozen-lockfile", "/app", "/opt/ui/node_modules"),
    ("cd web; cd client && npm install", "/srv", "/srv/web/client/node_modules"),
    ("npm ci && cd docs && make html", "/app", "/app/node_modules"),  # the cd comes after the install
    ("cd $APP_DIR && npm ci", "/app", "/app/node_modules"),  # a folder doctor cannot place: the WORKDIR's
])
def test_a_cd_before_the_install_moves_its_node_modules(run: str, workdir: str, path: str) -> None:
    recipe = Recipe(Path("Dockerfile"), runs=(Step(run, 3, workdir),))
    assert [f.path for f in filled_paths(recipe)] == [path]


@pytest.mark.parametrize(("run", "paths"), [
    ("yarn install --frozen-lockfile", ["/app/node_modules"]),
    ("yarn --frozen-lockfile && yarn cache clean", ["/app/node_modules"]),
    ("yarn add left-pad", ["/app/node_modules"]),
    ("yarn build", []),  # a package.json script: installs nothing
    ("yarn dev", []),  # a dev container's `postStartCommand: yarn dev` neither
    # langfuse's runtime-base stage removes the package managers
    ("rm -f /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg", []),
])
def test_a_yarn_that_runs_a_script_installs_nothing(run: str, paths: list[str]) -> None:
    recipe = Recipe(Path("Dockerfile"), runs=(Step(run, 3, "/app"),))
    assert [f.path for f in filled_paths(recipe)] == paths
