"""Where a command belongs and how it runs there: the service home whose image installs what the
command needs (belongs_in), the command as the container sees it, and the `docker compose exec|run`
line for this project that runs it there (compose_cli, compose_argv)."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Collection, Sequence
from pathlib import Path

from doctor.project import Project
from doctor.project.manifests import Language
from doctor.project.service_home import NODE_TOOLS, PYTHON_TOOLS, ServiceHome


def belongs_in(tool: str, arguments: Sequence[str], cwd: Path, homes: Sequence[ServiceHome], root: Path, *,
               npm_script: bool = False, local: bool = False, services: Collection[str] = ()) -> ServiceHome | None:
    """The service a command (`tool arguments...`, run in `cwd`) belongs in, or None for the host.

    The one rule host-vs-container reports and `doctor exec` follows: a service of the command's
    language (a Python tool, or a console script of a dependency the host lacks) whose code holds
    the folder it runs in (not the project root), or one of its path arguments
    (`pytest backend/tests`); else, run from the root, the single service of that language.
    `npm_script` marks a package.json script (`local`: its tool comes from node_modules/.bin):
    it runs where its node_modules are, so only a service running the live code takes it. A project
    script whose own text runs docker or compose (a `./run` wrapper of `docker compose exec web`)
    belongs on the host. A runner's `run` (`uv run ./manage.py test`, `poetry run pytest`) is judged
    by the program it starts, and is never a production image's (`production`: mealie's `poetry run
    pytest`, for the environment the runner makes on the host, not its `target: production` image). A
    command installing packages (`pip install -r requirements/dev.txt`, `npm ci`) is the host's setup,
    never a service's. A Python script of the standard library alone (its own folder's modules too) that starts
    no program of the image's Python packages (`git`, `uv lock`, not `pytest`) is the host's, unless it dials one
    of `services` (the project's service names) by name (stdlib_only.standard_library_script).
    """
    if tool.startswith("docker"):
        return None
    started = runner_started((tool, *arguments))  # `uv run ./manage.py test`: the program it starts
    runner = len(started) <= len(arguments)
    tool, arguments = started[0], started[1:]
    from doctor.project.command_roles import installs_packages
    from doctor.project.hostscripts import docker_driver
    from doctor.project.stdlib_only import inline_standard_library, standard_library_script

    if docker_driver(tool, arguments, cwd) is not None:  # a wrapper running `docker compose exec ...` itself
        return None
    if installs_packages(tool, arguments):  # `pip install -r ...`: the host's setup; a `run --rm` container
        return None  # would take what it installs away with it
    if inline_standard_library(tool, arguments):  # umap's `make help`: `python -c "$$PRINT_HELP_PYSCRIPT"`
        return None
    language = tool_language(tool, homes, npm_script and local)
    # a package.json script runs with the packages of its own package.json: a service whose image
    # installs another one (hoppscotch's backend installs packages/hoppscotch-backend/package.json,
    # the monorepo root's `husky` and `pnpm -r` scripts are not its) is not where it belongs
    candidates = [h for h in homes if h.language is language and (h.live or not npm_script)
                  and not (npm_script and h.manifest.parent != cwd) and not (runner and h.production)]
    # allegro/ralph's `test_ralph`: the project's console script, in the services whose image installs
    # the project; a service the host lacks nothing of but those scripts takes no other command
    owning = [h for h in candidates if tool in h.scripts]
    candidates = owning or [h for h in candidates if h.lacks_packages]
    candidates.sort(key=lambda h: not h.live)  # a service running the live code before a COPY of it
    paths = [(cwd / word).resolve() for word in arguments if "/" in word and not word.startswith("-")]
    # openwisp's `python build.py`, people's scripts/release.py (git and uv through its utils.py): a script no
    # service carries (a build context that holds it copies none of it) needing nothing an image installs
    scripts = [(cwd / word).resolve() for word in (tool, *arguments[:1]) if word.endswith(".py")]
    carried = any(h.container_path(path) is not None for h in candidates for path in scripts)
    judged: list[bool] = []  # whether it is such a script, read once

    def host_script() -> bool:
        if not judged:
            judged.append(standard_library_script(tool, arguments, cwd, services, lambda program: (
                program in PYTHON_TOOLS or tool_language(program, homes) is Language.PYTHON)))
        return judged[0]

    if not carried and host_script():
        return None
    for home in candidates:
        if cwd != root and home.covers(cwd):
            return home
        if any(home.covers(path) for path in paths):
            return home
    # one a service carries (a bind mount of the whole project, `.:/app`) needs nothing of it either:
    # openwisp's `python build.py change-secret-key`, the project bound into its Django service
    if host_script():
        return None
    # a root Makefile's bare `pytest` with a single python service: that service's; services built
    # alike from the same code (a web app and its celery worker) are one home: the first is named
    live = [h for h in candidates if h.live] or candidates
    alike = {(h.context, h.manifest, frozenset((c.host, c.container, c.via) for c in h.carriers)) for h in live}
    return live[0] if len(alike) == 1 and cwd == root else None


# runners whose `run` starts a program in the project's environment
_ENV_RUNNERS = frozenset({"uv", "poetry", "pipenv", "pdm", "hatch", "rye"})


def runner_started(words: Sequence[str]) -> tuple[str, ...]:
    """The program a runner's `run` starts in the project's environment, with its words (`poetry run
    pytest -x`: `pytest -x`; `uv run --frozen ./manage.py test`: `./manage.py test`); the words as they
    are when they start no runner (or a runner given nothing to run)."""
    words = tuple(words)
    while words and posixpath.basename(words[0]) in _ENV_RUNNERS and words[1:2] == ("run",) and len(words) > 2:
        rest = words[2:]
        while rest and rest[0].startswith("-"):
            rest = rest[1:]
        if not rest:
            break
        words = rest
    return words


def tool_language(tool: str, homes: Sequence[ServiceHome], npm_local: bool = False) -> Language | None:
    """The language whose packages a tool runs with; None for a shell or another unknown program. A
    project script run by its path is its suffix's (`./manage.py`, `scripts/build.mjs`)."""
    name = posixpath.basename(tool)
    if tool.startswith("python") or tool in PYTHON_TOOLS or ("/" in tool and (name in PYTHON_TOOLS
                                                                               or name.endswith(".py"))):
        return Language.PYTHON
    if "/" in tool and name.endswith((".js", ".mjs", ".cjs")):
        return Language.NODE
    if tool in NODE_TOOLS or npm_local:
        return Language.NODE
    # a console script of a declared dependency (`alembic`, `uvicorn`) runs with the image's packages
    if any(tool in home.missing or tool in home.unbuilt or tool in home.scripts or tool in home.synced
           for home in homes if home.language is Language.PYTHON):
        return Language.PYTHON  # a console script of the project itself, which the image installs (`-e .`)
    return None


# tools whose bare arguments are paths (`pytest app`): an existing folder or file named alone is mapped too
PATH_TAKING_TOOLS = frozenset({"pytest", "py.test", "mypy", "ruff", "flake8", "black", "isort", "pylint",
                               "pyright", "bandit", "eslint", "prettier", "jest", "vitest", "tsc"})


def mapped_words(words: Sequence[str], cwd: Path, home: ServiceHome) -> list[str]:
    """The command's words, with host paths outside the container's working folder made container paths.

    A word with a `/` is a path; a bare word only for a tool whose arguments are paths
    (`pytest app` from the repo root, with ./app mounted at /usr/src/app: `pytest /usr/src/app`),
    and only when it names something on the host (`python manage.py test app` keeps its label);
    the value of a `--flag=path` word alike.
    """
    if home.container_path(cwd) is not None:
        return list(words)  # it runs in the mapped folder: relative paths stay right
    tool = words[2] if len(words) > 2 and words[1] == "-m" else words[0] if words else ""
    bare_paths = posixpath.basename(tool) in PATH_TAKING_TOOLS
    mapped = []
    for word in words:
        path = word and word[0] != "-" and ("/" in word or (bare_paths and os.path.lexists(cwd / word)))
        inside = home.container_path((cwd / word).resolve()) if path else None
        flag, equals, value = word.partition("=")
        if inside is None and word.startswith("-") and equals and value and not value.startswith("-") and (
                "/" in value or (bare_paths and os.path.lexists(cwd / value))):
            # `--cov=project/app` beside `project/tests`: it measures nothing where the tests became
            # /usr/src/app/tests
            inside = home.container_path((cwd / value).resolve())
            inside = f"{flag}={inside}" if inside is not None else None
        mapped.append(inside or word)
    return mapped


def home_for(homes: Sequence[ServiceHome], cwd: Path) -> ServiceHome | None:
    """The home whose code covers `cwd` most closely (deepest source)."""
    covering = [h for h in homes if h.container_path(cwd) is not None]
    return max(covering, key=lambda h: len(str(h.source)), default=None)


def compose_cli(project: Project, name: str | None = None,
                cli: Sequence[str] = ("docker", "compose")) -> list[str]:
    """`docker compose --project-directory ROOT -p NAME [-f ...] [--env-file ...] [--profile ...]`: this
    project as the run read it, from any folder (`name`: another project name for the same files)."""
    argv = [*cli, "--project-directory", str(project.root), "-p", name or project.compose.project_name]
    for path in project.compose.files:
        argv += ["-f", str(path)]
    for env_file in project.options.env_files or ():  # as the run read them (COMPOSE_ENV_FILES: the env's)
        argv += ["--env-file", os.path.abspath(env_file)]
    for profile in project.compose.active_profiles:
        argv += ["--profile", profile]
    return argv


def compose_argv(project: Project, verb: str, home: ServiceHome, cwd: Path, command: Sequence[str],
                 tty: bool, cli: Sequence[str] = ("docker", "compose"), mounts: Sequence[str] = ()) -> list[str]:
    """`docker compose [-f ...] exec|run [--build] --rm [-T] [-v ...] [-w DIR] SERVICE CMD...` for this
    project (`cli`: how compose runs here, `docker-compose` where that is the only one; `mounts`:
    `HOST:CONTAINER` volumes a `run` adds)."""
    argv = compose_cli(project, cli=cli)
    # code the image COPYs is as old as the image: rebuild it so the command sees the host's edits
    # a watch-synced service: `run` starts a container no sync reaches, from the image (rebuilt)
    argv += [verb] if verb == "exec" else [verb, "--rm"] if home.bound else [verb, "--build", "--rm"]
    for mount in mounts if verb == "run" else ():
        argv += ["-v", mount]
    if not tty:
        argv.append("-T")
    mapped = home.container_path(cwd)
    if mapped is not None and mapped != home.workdir:
        argv += ["-w", mapped]
    if verb == "run" and _entrypoint_takes_command(project, home.service):
        # a script's `case $1` would take the command for one of its words, or drop it; a program
        # (ENTRYPOINT ["python3"]) would take the command for its arguments
        argv += ["--entrypoint", ""]
    return [*argv, home.service, *_runner_kept(project, home.service, command)]


def _entrypoint_takes_command(project: Project, service_name: str) -> bool:
    """Whether the service's entrypoint would take a `run`'s command for its own words: a dispatching
    script or a program (doctor.project.service_entrypoint, imported here: only a `run` asks)."""
    from doctor.project.service_entrypoint import dispatching_entrypoint, program_entrypoint

    return dispatching_entrypoint(project, service_name) or program_entrypoint(project, service_name)


def _runner_kept(project: Project, service_name: str, command: Sequence[str]) -> list[str]:
    """`command` as the service's image can run it: a runner's `run` (`uv run alembic upgrade head`) kept
    where the image's own stages name that runner, else the program it starts (rafsaf's final stage has no
    uv, copied into its `uv` stage only; umap installs with pip): its packages are the image's already."""
    words = list(command)
    if not words or posixpath.basename(words[0]) not in _ENV_RUNNERS or words[1:2] != ["run"]:
        return words
    service = project.services.get(service_name)
    build = service.build if service is not None else None
    recipe = project.recipe(build.dockerfile_path, build.target) if build and build.dockerfile_path else None
    if recipe is None:  # an image doctor cannot read: as written
        return words
    runner = re.compile(rf"(?<![\w.-]){re.escape(posixpath.basename(words[0]))}(?![\w.-])")
    if any(runner.search(step.text) for step in recipe.runs) or any(runner.search(p) for p in recipe.pulled):
        return words
    return list(runner_started(words))
