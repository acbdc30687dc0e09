"""Services built as a production image, and the development environment a project keeps elsewhere.

mealie's docker/docker-compose.yml builds its Dockerfile's `production` stage (`ENV PRODUCTION=true`,
`poetry install -E pgsql --only main`, mealie/ and alembic/ COPYd, no bind mount). Its Taskfile's
`poetry run pytest` and `poetry run python dev/code-generation/main.py` run in the environment `task
setup:py` makes on the host (`poetry install --with main,dev,postgres`), or in its devcontainer, whose
`onCreateCommand` runs `task setup`: never in that image, which has no tests, no dev/ and no pytest.
command_home.belongs_in, the rule host-vs-container reports and `doctor exec` follows, reads these.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.codepaths import CodePath
from doctor.project.types import Service

# a stage built for production: `production`, `prod`, `release`, `app-prod`, `prod_image`
_PRODUCTION_STAGE = lazy(r"(?i)(?:.*[-_.])?(?:prod|production|release)(?:[-_.].*)?")
# an ENV that names the environment: `NODE_ENV`, `DJANGO_ENV`, `RAILS_ENV`, `ENVIRONMENT`, `APP_ENV`
_ENVIRONMENT_NAME = lazy(r"(?i)(?:\w+_)?ENV(?:IRONMENT)?")
_TRUE = frozenset({"1", "true", "yes", "on"})
_PRODUCTION = frozenset({"production", "prod"})


def production_build(project: Project, service: Service, carriers: Sequence[CodePath]) -> str | None:
    """Why the service's image is a production build (`stage 'production'`, `ENV NODE_ENV=production`),
    or None.

    Only where no carrier of the project's code is live (no bind mount or `develop.watch` sync: the code
    is what its COPYs put there), and the stage it builds (compose's `target:`, else the Dockerfile's
    last) is named as one or sets a production flag: `PRODUCTION=true`, or an environment variable
    (`NODE_ENV`, `DJANGO_ENV`, `ENVIRONMENT`) of `production` or `prod`. A production stage with the
    code bind-mounted is a development service built from it: None.
    """
    build = service.build
    if build is None or build.dockerfile_path is None or any(c.via != "copy" for c in carriers):
        return None
    recipe = project.recipe(build.dockerfile_path, build.target)
    if recipe is None:
        return None
    stage = build.target or (recipe.stages[-1][0] if recipe.stages else "")
    if _PRODUCTION_STAGE.fullmatch(stage):
        return f"stage {stage!r}"
    for name, value in recipe.env:
        value = value.strip().strip("\"'").lower()
        if (name.upper() == "PRODUCTION" and value in _TRUE) or (
                value in _PRODUCTION and _ENVIRONMENT_NAME.fullmatch(name)):
            return f"ENV {name}={value}"
    return None


def devcontainer_elsewhere(project: Project, service: str, context: Path) -> Path | None:
    """The devcontainer configuration of the project's checkout whose container is not `service`: the
    development environment the project sets up for itself (its tools, its dev dependencies), where its
    commands run. Looked for in the project's folder, and in the build context when that is the folder
    around it (mealie's docker/ builds `../`). None when there is none, or when it is this very service
    (`dockerComposeFile` naming one of this project's compose files, and `"service": NAME`)."""
    from doctor.project.devcontainer import configs_in

    root = project.root
    folders = [root] + ([context] if context == root.parent and context != context.parent else [])
    for folder in folders:
        for config in configs_in(folder):
            if not _is_service(config, project, service):
                return config
    return None


def _is_service(config: Path, project: Project, service: str) -> bool:
    """Whether the devcontainer starts `service` of this compose project as its container (read as
    doctor.project.devcontainer reads it: JSON with comments, a commented-out key names nothing)."""
    from doctor.project.devcontainer import read_config

    dev = read_config(config)
    if dev is None or dev.service != service:
        return False
    ours = {os.path.normpath(path) for path in project.compose.files}
    return any(os.path.normpath(path) in ours for path in dev.compose_files)
