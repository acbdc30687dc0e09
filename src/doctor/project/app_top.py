"""The top of the checkout as the project's app, for compose files kept in a side folder of it.

documenso's dev stack is docker/development/compose.yml (postgres, minio, inbucket), while the app runs
on the host from the checkout's top (`npm run dev`): its `.nvmrc`, package.json's engines, CI and the
released docker/Dockerfile are the project's versions, though no compose file sits beside them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.gitrepo import GitRepo

# the folders a repository keeps its container and dev-environment files in, beside its app
SIDE_FOLDERS = frozenset((
    ".devcontainer", "devcontainer", "docker", ".docker", "dockerfiles", "docker-compose", "compose", "containers",
    "deploy", "deployment", "deployments", "dev", ".dev", "devops", "ops", "infra", "infrastructure", "local",
))


def app_top(root: Path, repo: GitRepo | None, starts: Iterable[Path]) -> Path | None:
    """The top of the git checkout around `root` where it holds the app the compose files serve, else None:
    `root` lies below the top, in a side folder (`docker/development`, `.devcontainer`, `deploy/dev`; not a
    folder of any other name, which may hold a project of its own: a repository's test fixtures); the top holds a
    dependency manifest or a version file; and no folder from `root` up to the top holds one (a monorepo
    package's compose file serves that package: the top's tools are not its versions). None too where a
    build starts at the top (`starts`: its context, its Dockerfile's folder): its folders' files, the
    top's among them, are that service's own already (mealie's docker/ building `context: ..`)."""
    if repo is None:
        return None
    real = root.resolve()
    if real == repo.top or not real.is_relative_to(repo.top):
        return None
    parts = real.relative_to(repo.top).parts
    folders = [root, *root.parents][:len(parts) + 1]  # lexical: root, its parents, the top last
    if folders[-1].resolve() != repo.top:  # a root reached through a link: its lexical parents are elsewhere
        folders = [real, *real.parents][:len(parts) + 1]
    top = folders[-1]
    if any(_normal(start) == _normal(top) for start in starts):
        return None
    if parts[0].lower() not in SIDE_FOLDERS:  # any other folder may be a project of its own (tests/cases/...)
        return None
    if any(_holds_app(folder) for folder in folders[:-1]) or not _holds_app(top):
        return None
    return top


def _normal(path: Path) -> str:
    import os

    return os.path.normpath(path)


def _holds_app(folder: Path) -> bool:
    """Whether `folder` holds a dependency manifest or a Python/Node version file at its top."""
    from doctor.project.runtimes import _holds_manifest, read_folder

    return _holds_manifest(folder) or bool(read_folder(folder))
