"""Where a command belongs: the service whose image installs what the command needs.

A project whose code reaches a service (bind mount, `develop.watch` sync, or COPY into the
image) built with dependency manifests the host interpreter lacks (`backend/pyproject.toml`
needs sqlmodel) expects its tests and scripts to run in that container. The manifests are the
ones the image installs: those in the build context's root, the members of a uv workspace
declared there (`[tool.uv.workspace] members = ["backend"]`), and every manifest or lockfile
the Dockerfile COPYs (`COPY frontend/package.json /app/frontend/`). `ServiceHome` records such
a service; host-vs-container reports commands run outside it, and `doctor exec` runs them there.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project import Project
from doctor.project.codepaths import CodePath
from doctor.project.manifests import Language, Manifest
from doctor.project.reading import is_dir
from doctor.regular import read_text

TYPE_CHECKING = False  # typing costs a clean preflight ~4 ms: PackageProbe is for mypy only

PYTHON_TOOLS = frozenset(("pytest", "py.test", "alembic", "uvicorn", "gunicorn", "flask", "django-admin",
                          "celery", "coverage", "manage.py"))
NODE_TOOLS = frozenset(("node", "npm", "npx", "yarn", "pnpm", "bun"))
MANIFEST_NAMES = frozenset({"pyproject.toml", "package.json", "uv.lock", "poetry.lock", "Pipfile",
                            "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb"})


if TYPE_CHECKING:
    from typing import Protocol

    class PackageProbe(Protocol):
        """What the host's Python can import (doctor.host.interpreter.InstalledPackages): no import of host/ here."""

        def python_for(self, directories: Sequence[Path]) -> str | None: ...

        def missing_python_packages(self, python: str, packages: Sequence[tuple[str, str]]) -> tuple[str, ...]: ...

        def unusable(self, python: str) -> tuple[str, str] | None: ...


@record
class ServiceHome:
    """A service whose image installs dependencies the host lacks, and how its code gets there."""

    service: str
    context: Path
    carriers: tuple[CodePath, ...]
    language: Language
    manifest: Path
    missing: tuple[str, ...]
    workdir: str | None = None
    # (version, the file or variable that pinned it) when the host's Python is a pyenv pin that is
    # not installed: the host cannot even start the command
    unusable: tuple[str, str] | None = None
    # what the host lacks of the requirements files beside `manifest` the image does not install
    # (healthchecks' requirements-dev.txt: mypy, django-stubs): a tool of theirs is still Python
    unbuilt: tuple[str, ...] = ()
    # the console scripts of the project itself that the image installs (`-e .` in a requirements file
    # it installs: allegro/ralph's `test_ralph`) and the host's PATH lacks, and the file defining them
    scripts: tuple[str, ...] = ()
    scripts_from: Path | None = None
    # what the host lacks of the development groups the image's `uv sync` (or `poetry install`) does
    # install (cookiecutter-django's dev group: mypy, ruff): a tool of theirs runs in the service too
    synced: tuple[str, ...] = ()
    # why the image is a production build (`stage 'production'`: no bind mount or sync of the code, the
    # stage named or flagged for production; production_image.production_build): a command run through
    # an environment runner (mealie's `poetry run pytest`) runs in the environment that runner makes, not here
    production: str | None = None

    @property
    def lacks_packages(self) -> bool:
        """Whether the host lacks packages the image installs (not only the project's console scripts)."""
        return bool(self.missing or self.unbuilt or self.unusable or self.synced)

    @property
    def live(self) -> bool:
        """True when host edits reach the running container (a bind or a watch sync), not only a build."""
        return any(c.via != "copy" for c in self.carriers)

    @property
    def bound(self) -> bool:
        """True when a bind mount brings host edits into any container of the service, one that
        `docker compose run` starts too (a `develop.watch` sync reaches only the `up` one)."""
        return any(c.via == "bind" for c in self.carriers)

    @property
    def source(self) -> Path:
        """The host folder the code comes from (the deepest live one first)."""
        live = [c for c in self.carriers if c.via != "copy"] or list(self.carriers)
        return max((c.host for c in live), key=lambda p: len(str(p)), default=self.context)

    def covers(self, path: Path) -> bool:
        """True when `path` lies in the service's code (a carried folder) or its build context."""
        return any(path.is_relative_to(c.host) for c in self.carriers) or path.is_relative_to(self.context)

    def container_path(self, host_path: Path) -> str | None:
        """Where a host path appears inside the container, or None when no carrier brings it."""
        found = [c for c in self.carriers if host_path.is_relative_to(c.host)]
        if not found:
            return None
        live = [c for c in found if c.via != "copy"] or found  # a mount hides what the image holds
        best = max(live, key=lambda c: len(str(c.host)))
        relative = host_path.relative_to(best.host).as_posix()
        return posixpath.normpath(posixpath.join(best.container, relative))


def service_homes(project: Project, shell: PackageProbe) -> tuple[ServiceHome, ...]:
    """The services whose image installs dependencies the host lacks and that carry project code.

    A production image (production_image.production_build) of a checkout with a devcontainer of its own
    is none of them: the project develops there (mealie's `target: production` and .devcontainer/).
    `shell` is `host.packages`: it says which packages the host interpreter lacks, from its files.
    """
    root = project.root
    homes: list[ServiceHome] = []
    installing: dict[tuple[Path | None, str | None], set[Language] | None] = {}
    manifests: dict[tuple[Path, tuple[Path, ...]], list[Manifest]] = {}
    inputs: dict[tuple[Path | None, str | None], tuple[tuple[Path, ...], frozenset[str] | None]] = {}
    for service in project.services.values():
        if service.build is None or "://" in service.build.context:
            continue
        context = Path(os.path.normpath(service.build.context))
        dockerfile = project.dockerfile(service)
        codes = project.code_map(service)
        # the project's code, or the repo around a compose folder (`.devcontainer/` mounting `..`)
        carriers = tuple(c for c in (*codes.live, *codes.copies)
                         if _ours(c.host, root) and c.host != context.parent and is_dir(c.host))
        carriers += tuple(c for c in codes.copies if c.host == context)
        if not carriers:
            continue
        from doctor.project.production_image import devcontainer_elsewhere, production_build

        production = production_build(project, service, carriers)
        if production is not None and devcontainer_elsewhere(project, service.name, context) is not None:
            continue  # mealie: the project develops in its devcontainer, never in this production image
        workdir = service.working_dir or (dockerfile.workdir if dockerfile else None)
        seen: set[Language] = set()
        path = service.build.dockerfile_path
        stage = (path, service.build.target)
        if stage not in installing:  # services built from one Dockerfile (and target): read it once
            installing[stage] = _installing_languages(project, path, service.build.target)
        installs = installing[stage]
        copied = tuple(c.host for c in codes.copies)
        if dockerfile is not None:  # what a builder stage copied (healthchecks' `COPY requirements.txt`
            # before `pip wheel`, installed by the final stage from /wheels)
            from doctor.project.dockerfile import staged_sources

            copied += tuple(staged_sources(dockerfile, context))
        if stage not in inputs:
            inputs[stage] = _run_inputs(project, path, service.build.target, context)
        mounted, named = inputs[stage]
        copied += mounted  # DefectDojo's `RUN --mount=from=build,src=/app/requirements.txt,...`
        if (context, copied) not in manifests:
            manifests[context, copied] = installed_manifests(project, context, copied)
        found = manifests[context, copied]
        # the requirements files the RUN lines `pip install -r`, with the build's values (djangoproject.com's
        # `-r ${REQ_FILE}`, REQ_FILE=requirements/tests.txt): the image's, before any beside them
        named_files = _pip_installed(project, service.name, found)
        if named_files:
            found = [*named_files, *(m for m in found if m not in named_files)]
        # healthchecks: `pip install -r /tmp/requirements.txt`, not the requirements-dev.txt beside it
        # (a file a start script installs, ralph's requirements/dev.txt, is the image's whatever its name)
        unbuilt = [m for m in found if m not in named_files and _not_pip_installed(m, named, found)]
        scripts: tuple[str, ...] = ()
        scripts_from: Path | None = None
        if installs is None or Language.PYTHON in installs:
            scripts, scripts_from = _project_scripts(project, service.name)
        for manifest in found:
            if not manifest.requirements or manifest.language in seen or manifest in unbuilt:
                continue
            if installs is not None and manifest.language not in installs:
                continue  # the final image never installs them (a builder stage did, and only its output is copied)
            missing, unusable = _missing(manifest, root, shell)
            if missing:
                seen.add(manifest.language)
                lacking = tuple(dict.fromkeys(name for m in unbuilt if m.language is manifest.language
                                              for name in _missing(m, root, shell)[0] if name not in missing))
                synced = tuple(n for n in _synced_dev_tools(project, service.name, manifest, root, shell)
                               if n not in missing and n not in lacking)
                own = scripts if manifest.language is Language.PYTHON else ()
                homes.append(ServiceHome(service.name, context, tuple(dict.fromkeys(carriers)), manifest.language,
                                         manifest.path, missing, workdir, unusable, lacking, own,
                                         scripts_from if own else None, synced, production))
        if scripts and scripts_from is not None and Language.PYTHON not in seen:
            # the host has every package, but not the project's own commands (`test_app` of `-e .`)
            homes.append(ServiceHome(service.name, context, tuple(dict.fromkeys(carriers)), Language.PYTHON,
                                     scripts_from, (), workdir, scripts=scripts, scripts_from=scripts_from,
                                     production=production))
    return tuple(homes)


def _synced_dev_tools(project: Project, service: str, manifest: Manifest, root: Path,
                      shell: PackageProbe) -> tuple[str, ...]:
    """What the host lacks of the development groups of the service's pyproject.toml, where its image
    installs them: `uv sync` or `poetry install` without `--no-dev` / `--only main` (cookiecutter-django's
    `uv sync` brings the dev group's mypy and ruff, which a Makefile's `mypy myproj` then runs)."""
    if manifest.path.name != "pyproject.toml":
        return ()
    from doctor.project.image_installs import syncs_dev_groups
    from doctor.project.manifests import dev_groups_manifest

    groups = dev_groups_manifest(manifest.path)
    if groups is None or not syncs_dev_groups(project, service):
        return ()
    return _missing(groups, root, shell)[0]


def _project_scripts(project: Project, service: str) -> tuple[tuple[str, ...], Path | None]:
    """The console scripts of the project the service's image installs (image_installs.project_install:
    `-e .`, `pip install .`, `uv sync`...) that the host's PATH does not have, and the file defining
    them (doctor.project.console_scripts: setup.py read with ast, setup.cfg, pyproject.toml)."""
    from doctor.project.console_scripts import console_scripts
    from doctor.project.image_installs import project_install

    installed = project_install(project, service)
    if installed is None:
        return (), None
    names, defined = console_scripts(installed[1])
    path = project.options.env.get("PATH", "")
    entries = [entry for entry in path.split(os.pathsep) if entry] if path else []
    lacking = tuple(name for name in names if not any(os.access(os.path.join(entry, name), os.X_OK)
                                                      and os.path.isfile(os.path.join(entry, name))
                                                      for entry in entries))
    return lacking, defined if lacking else None


def _run_inputs(project: Project, path: Path | None, target: str | None,
                context: Path) -> tuple[tuple[Path, ...], frozenset[str] | None]:
    """What the Dockerfile's RUN lines take in: the context files a `--mount` binds, and the names of
    the requirements files pip installs by `-r` (None: not known)."""
    recipe = project.recipe(path, target) if path is not None else None
    if path is None or recipe is None:
        return (), None
    from doctor.project.reading import read_regular_text
    from doctor.project.run_inputs import mounted_sources, pip_requirement_names

    text = read_regular_text(path)
    return tuple(mounted_sources(recipe, context)), pip_requirement_names(text) if text else None


def _pip_installed(project: Project, service: str, found: Sequence[Manifest]) -> list[Manifest]:
    """The manifests of the requirements files the service's image `pip install -r`s (image_installs)."""
    from doctor.project.image_installs import pip_requirement_files
    from doctor.project.manifests import requirements_manifest

    known = {m.path: m for m in found}
    return [known.get(path) or requirements_manifest(path) for path in pip_requirement_files(project, service)]


def _not_pip_installed(manifest: Manifest, named: frozenset[str] | None, found: Sequence[Manifest]) -> bool:
    """Whether a requirements file is one the image does not install: its RUN lines `pip install -r`
    a sibling by name (requirements.txt), never this one (requirements-dev.txt)."""
    if named is None or not _REQUIREMENTS_FILE.fullmatch(manifest.path.name) or manifest.path.name in named:
        return False
    return any(m.path.parent == manifest.path.parent and m.path.name in named for m in found)


_REQUIREMENTS_FILE = lazy(r"requirements.*\.txt")


def _ours(path: Path, root: Path) -> bool:
    """Whether `path` is the project's: under its folder, or under the folder around it (not `/`)."""
    outer = root.parent
    return path.is_relative_to(root) or (outer != outer.parent and path.is_relative_to(outer))


# RUN lines that install a language's dependencies into the image
_INSTALLERS = (
    (Language.NODE, lazy(r"\b(npm|pnpm|yarn|bun)\b[^&;|]*?\b(install|ci|i|add)\b|\byarn\s*($|&&|;)")),
    (Language.PYTHON, lazy(r"\b(pip3?|uv|poetry|pipenv|pdm)\b[^&;|]*?\b(install|sync)\b")),
)


# paths a `COPY --from=builder` brings a language's installed dependencies in by: a builder stage's
# virtualenv, site-packages or ~/.local (pip --user), the python image's /usr/local, node_modules
_CARRIERS = (
    (Language.NODE, lazy(r"(?:^|/)node_modules(?:/|$)")),
    (Language.PYTHON, lazy(r"(?:^|/)(?:\.?venv|\.?virtualenvs?|site-packages|dist-packages|\.local)(?:/|$)"
                           r"|^/usr/local$|/lib/python[0-9.]*(?:/|$)")),
)
# where a stage puts Python packages elsewhere: `python -m venv /opt/app`, `pip install --prefix=/install`,
# `--target`, VIRTUAL_ENV / UV_PROJECT_ENVIRONMENT / PYTHONUSERBASE (`uv sync` without it: WORKDIR/.venv)
_PYTHON_PLACES = lazy(
    r"(?:-m\s+venv|\bvirtualenv|\buv\s+venv)(?:\s+-{1,2}[\w-]+(?:=\S+)?)*\s+(?P<venv>[^\s;&|-][^\s;&|]*)"
    r"|--(?:prefix|target|root)(?:=|\s+)(?P<dir>[^\s;&|]+)"
    r"|\b(?:VIRTUAL_ENV|UV_PROJECT_ENVIRONMENT|PYTHONUSERBASE|PIP_TARGET|PIP_PREFIX)(?:=|\s+)(?P<env>[^\s;&|$]+)")
_UV_SYNC = lazy(r"\buv\s+sync\b")


def _installing_languages(project: Project, path: Path | None, target: str | None = None) -> set[Language] | None:
    """The languages whose dependencies the service's final image may hold: all of them, except one
    that only another stage installs and whose installed packages the final stage does not copy (a
    builder stage whose output alone is copied: its node_modules never reach the final image; its
    virtualenv, copied with `COPY --from=builder /venv /venv`, does). None when there is no
    Dockerfile to read (every manifest counts).
    """
    recipe = project.recipe(path, target) if path is not None else None
    if path is None or recipe is None:
        return None
    from doctor.project.reading import read_regular_text

    final = recipe.runs
    text = read_regular_text(path) or ""
    from doctor.project.env_hosts import image_basename

    base = image_basename(recipe.base)

    def foreign(language: Language) -> bool:
        return base in OTHER_BASES or RUNTIME_BASES.get(base, language) is not language

    return {language for language, pattern in _INSTALLERS
            if any(pattern.search(step.text) for step in final)
            or (not pattern.search(text) and not (foreign(language) and not _MENTIONS[language].search(text)))
            or (recipe.pulled and _carried(language, recipe.pulled, text))}


# base images of another runtime, or a bare OS: a Dockerfile FROM one of them that never names a
# language (its runtime, package manager or package folder) holds none of that language's packages
# (BookStack's `FROM php:8.3-apache` is no home for its package.json scripts)
OTHER_BASES = frozenset({
    "php", "ruby", "golang", "rust", "openjdk", "eclipse-temurin", "amazoncorretto", "elixir", "erlang", "perl",
    "nginx", "httpd", "caddy", "traefik", "alpine", "debian", "ubuntu", "busybox", "fedora", "centos",
    "rockylinux", "almalinux", "amazonlinux", "php-fpm", "composer",
    # databases and servers (mathesar's Dockerfile.devdb, `FROM postgres:${PG_VERSION}` and pgtap: no home for its
    # pytest, where its context `.` made it look like one)
    "postgres", "postgis", "mysql", "mariadb", "mongo", "redis", "valkey", "memcached", "rabbitmq",
    "elasticsearch", "opensearch", "clickhouse-server", "minio", "keycloak", "couchdb", "cassandra", "neo4j",
})
# a language's own runtime images: foreign to the other language (a `FROM node:22-alpine` that
# only runs `pnpm install` holds none of the repo's pyproject.toml packages, a `FROM python:3.12`
# none of its package.json's: django-react-boilerplate builds both from the repo's root)
RUNTIME_BASES = {"node": Language.NODE, "bun": Language.NODE, "python": Language.PYTHON, "pypy": Language.PYTHON}
_MENTIONS = {
    Language.NODE: lazy(r"\b(?:node|nodejs|npm|npx|yarn|pnpm|bun|nvm|volta|fnm|corepack)\b|node_modules"),
    Language.PYTHON: lazy(r"\b(?:python[\d.]*|pip\d*|uvx?|poetry|pipenv|pdm|conda|micromamba|mamba)\b"
                          r"|site-packages|virtualenv|venv\b"),
}


def _carried(language: Language, pulled: Sequence[str], text: str) -> bool:
    """Whether a path the final stage copies from another stage holds `language`'s installed packages."""
    carrier = next(pattern for lang, pattern in _CARRIERS if lang is language)
    sources = [posixpath.normpath(posixpath.join("/", p.strip("\"'"))) for p in pulled]
    if any(carrier.search(source) for source in sources):
        return True
    if language is not Language.PYTHON:
        return False
    places = _python_places(text)
    return any(place == source or place.startswith(source.rstrip("/") + "/") or source.startswith(place + "/")
               for place in places for source in sources)


def _python_places(text: str) -> list[str]:
    """Where the Dockerfile's stages put Python packages besides the usual places (_PYTHON_PLACES)."""
    from doctor.project.dockerfile import parsed_instructions

    places: list[str] = []
    workdir = "/"
    for ins in parsed_instructions(text):
        if ins.keyword == "FROM":
            workdir = "/"
        elif ins.keyword == "WORKDIR":
            workdir = posixpath.normpath(posixpath.join(workdir, ins.args.strip().strip("\"'")))
        elif ins.keyword in ("RUN", "ENV"):
            body = " ".join((ins.args, *ins.heredocs))
            for match in _PYTHON_PLACES.finditer(body):
                place = (match.group("venv") or match.group("dir") or match.group("env") or "").strip("\"'")
                if place and "$" not in place:
                    places.append(posixpath.normpath(posixpath.join(workdir, place)))
            if ins.keyword == "RUN" and _UV_SYNC.search(body):
                places.append(posixpath.join(workdir, ".venv"))
    return places


def installed_manifests(project: Project, context: Path, copied: Sequence[Path]) -> list[Manifest]:
    """The manifests an image built from `context` installs: those of every folder whose manifest
    or lockfile the Dockerfile COPYs, and the context's own (with its uv workspace members') when it
    copies the whole context or when doctor knows no COPY (no Dockerfile to read). A monorepo root's
    package.json is not a `COPY packages/backend .` image's."""
    whole = not copied or any(path == context for path in copied)
    folders = [context, *_workspace_members(context)] if whole else []
    for path in copied:
        if path.name in MANIFEST_NAMES or path.name.startswith("requirements"):
            folders.append(path.parent)
        elif path.is_dir() and any((path / name).is_file() for name in ("pyproject.toml", "package.json")):
            folders.append(path)
    found: list[Manifest] = []
    for folder in dict.fromkeys(folders):
        found.extend(project.manifests(folder))
    return found


def _workspace_members(context: Path) -> list[Path]:
    from doctor.project.memo import remember

    pyproject = context / "pyproject.toml"
    if not pyproject.is_file():
        return []
    found: list[Path] = []
    for pattern in remember("pyproject", (pyproject,), "uv-workspace", lambda: _workspace_patterns(pyproject)):
        found.extend(sorted(p for p in context.glob(pattern) if p.is_dir()))
    return found


def _workspace_patterns(pyproject: Path) -> tuple[str, ...]:
    """`[tool.uv.workspace] members` (glob patterns, relative to the pyproject's folder)."""
    try:
        text = read_text(pyproject)
    except OSError:
        from doctor.project.memo import unreadable

        unreadable()
        return ()
    if "workspace" not in text:
        return ()  # no `[tool.uv.workspace]` (nor `workspace =` under `[tool.uv]`): no second TOML parse
    from doctor import lean_toml as tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return ()
    members = data.get("tool", {}).get("uv", {}).get("workspace", {}).get("members", [])
    return tuple(p for p in members if isinstance(p, str)) if isinstance(members, list) else ()


def _missing(manifest: Manifest, root: Path, shell: PackageProbe) -> tuple[tuple[str, ...], tuple[str, str] | None]:
    """The manifest's packages the host lacks, and the pyenv pin that stops the host's Python, if any."""
    packages = [(r.name, r.module) for r in manifest.requirements]
    folder = manifest.path.parent
    if manifest.language is Language.NODE:
        folders = [folder, *[p for p in folder.parents if p.is_relative_to(root)]]
        return tuple(name for name, _ in packages
                     if not any((f / "node_modules" / name).is_dir() for f in folders)), None
    python = shell.python_for([folder, root])
    if python is None:
        return tuple(name for name, _ in packages), None
    return shell.missing_python_packages(python, packages), shell.unusable(python)


def belongs_in(tool: str, arguments: Sequence[str], cwd: Path, homes: Sequence[ServiceHome], root: Path, *,
               npm_script: bool = False, local: bool = False) -> ServiceHome | None:
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
    never a service's.
    """
    if tool.startswith("docker"):
        return None
    started = runner_started((tool, *arguments))  # `uv run ./manage.py test`: the program it starts
    runner = len(started) <= len(arguments)
    tool, arguments = started[0], started[1:]
    from doctor.project.command_roles import installs_packages
    from doctor.project.hostscripts import docker_driver

    if docker_driver(tool, arguments, cwd) is not None:  # a wrapper running `docker compose exec ...` itself
        return None
    if installs_packages(tool, arguments):  # `pip install -r ...`: the host's setup; a `run --rm` container
        return None  # would take what it installs away with it
    if _inline_standard_library(tool, arguments):  # umap's `make help`: `python -c "$$PRINT_HELP_PYSCRIPT"`
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
    for home in candidates:
        if cwd != root and home.covers(cwd):
            return home
        if any(home.covers(path) for path in paths):
            return home
    # a root Makefile's bare `pytest` with a single python service: that service's; services built
    # alike from the same code (a web app and its celery worker) are one home: the first is named
    live = [h for h in candidates if h.live] or candidates
    alike = {(h.context, h.manifest, frozenset((c.host, c.container, c.via) for c in h.carriers)) for h in live}
    return live[0] if len(alike) == 1 and cwd == root else None


def _inline_standard_library(tool: str, arguments: Sequence[str]) -> bool:
    """Whether a `python -c CODE` needs no package of the project's: CODE imports the standard library alone,
    or is a variable of the Makefile's or the shell's doctor does not read (umap's `make help`, whose
    PRINT_HELP_PYSCRIPT reads the Makefile with `re` and `sys`): nothing says it needs the image."""
    if not posixpath.basename(tool).startswith("python") or "-c" not in arguments[:2]:
        return False
    at = list(arguments).index("-c")
    code = arguments[at + 1] if at + 1 < len(arguments) else ""
    if "$" in code:
        return True
    import ast
    import sys

    try:
        tree = ast.parse(code.replace("; ", "\n"))
    except (SyntaxError, ValueError):
        return False
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    return names <= set(sys.stdlib_module_names)


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
    if verb == "run" and (dispatching_entrypoint(project, home.service) or program_entrypoint(project, home.service)):
        # a script's `case $1` would take the command for one of its words, or drop it; a program
        # (ENTRYPOINT ["python3"]) would take the command for its arguments
        argv += ["--entrypoint", ""]
    return [*argv, home.service, *_runner_kept(project, home.service, command)]


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


# programs that run the command they are given (`tini -- CMD`, `gosu user CMD`): an entrypoint of
# theirs hands the run's command on; those taking a user (or a folder) first skip that word too
_WRAPPERS = frozenset({"tini", "tini-static", "dumb-init", "catatonit", "env", "nice", "nohup", "time",
                       "xvfb-run", "gosu", "su-exec", "chpst", "s6-setuidgid", "setpriv", "sudo", "exec"})
_WITH_USER = frozenset({"gosu", "su-exec", "s6-setuidgid"})
# tools whose `run`/`exec` starts the command in their environment (`poetry run`, `bundle exec`)
_RUNNERS = frozenset({"poetry", "uv", "pipenv", "pdm", "hatch", "conda", "mamba", "micromamba", "bundle", "pixi"})
# interpreters, servers and package managers: an ENTRYPOINT ["python3"] gets the run's words as its
# arguments (`python3 python -m pytest`: "can't open file '/code/python'")
_PROGRAM = lazy(r"(?:python|pypy)[\d.]*|node(?:js)?|nodemon|deno|bun|npm|npx|pnpm|yarn|ruby|php|perl|java|dotnet"
                r"|gunicorn|uvicorn|hypercorn|daphne|celery|flask|django-admin|pytest|manage\.py")
_SHELL_NAMES = frozenset({"sh", "bash", "dash", "zsh", "ash", "ksh"})
_READS_ANY_ARGUMENT = lazy(r"\$\{?[@*1-9]")


def program_entrypoint(project: Project, service: str) -> bool:
    """Whether the service's effective entrypoint (compose's `entrypoint:`, else the final stage's
    ENTRYPOINT) is a program that takes `run`'s command as its arguments (awesome-compose's
    flask-redis: ENTRYPOINT ["python3"]), or `sh -c` with a string that reads none of them.

    The advice then adds `--entrypoint ''`, which runs the command as written on any image. Dropping
    the command's interpreter word instead (`run web -m pytest`) is right only when the entrypoint is
    that same interpreter with no arguments of its own (`python3 app.py` would still run first, and
    `python3` is not always the `python` the command names), so it is never chosen. A wrapper that
    hands the command on (`tini --`, `gosu app`, `poetry run`) and a script (docker-entrypoint.sh
    ending in `exec "$@"`: dispatching_entrypoint judges scripts) keep the advice as is.
    """
    import shlex

    spec = project.compose.services.get(service)
    if spec is None:
        return False
    if spec.entrypoint is not None:  # compose's, even empty (`entrypoint: []` drops the image's)
        try:
            words = shlex.split(spec.entrypoint) if isinstance(spec.entrypoint, str) else list(spec.entrypoint)
        except ValueError:
            return False
    elif spec.build is not None and spec.build.dockerfile_path is not None:
        recipe = project.recipe(spec.build.dockerfile_path, spec.build.target)
        words = list(recipe.entrypoint) if recipe is not None else []
    else:
        return False  # a pulled image: its ENTRYPOINT is not in the project's files
    at = 0
    while at < len(words) and posixpath.basename(words[at]) in _WRAPPERS:
        user = posixpath.basename(words[at]) in _WITH_USER
        at += 1
        while at < len(words) and (words[at].startswith("-") or "=" in words[at]):  # `tini --`, `env A=1`
            at += 1
        at += 1 if user else 0
    rest = words[at:]
    if not rest or (posixpath.basename(rest[0]) in _RUNNERS and rest[1:2] in (["run"], ["exec"])):
        return False
    first = posixpath.basename(rest[0])
    if first in _SHELL_NAMES and "-c" in rest[1:]:
        script = rest[rest.index("-c") + 1:rest.index("-c") + 2]
        return not any(_READS_ANY_ARGUMENT.search(text) for text in script)
    return _PROGRAM.fullmatch(first) is not None


# an entrypoint script that picks what to do by its first argument (`case "$1" in start) ...`) and
# does not hand the others on as a command (`exec "$@"`): `run SERVICE pytest` would reach it as a word
_DISPATCH = lazy(r"\bcase\s+[\"']?\$\{?1\}?[\"']?\s+in\b")
_PASSTHROUGH = lazy(r"\bexec\s+[\"']?\$[@*]")
# a shell script that reads no argument at all (`$@`, `$1`, `$#`, `shift`, `getopts`): CTFd's
# docker-entrypoint.sh ends in `exec gunicorn ...` whatever `run` hands it
_READS_ARGUMENTS = lazy(r"\$\{?[@*#0-9]|\bshift\b|\bgetopts\b")
_SHELL_SCRIPT = lazy(r"\A#!\s*\S*/(?:env\s+)?(?:ba|da|z|k)?sh\b")
_INTERPRETERS = frozenset({"sh", "bash", "dash", "zsh", "env", "tini", "dumb-init", "gosu", "su-exec"})


def dispatching_entrypoint(project: Project, service: str) -> bool:
    """Whether the service's entrypoint is a project script that dispatches on its first argument
    (Buuntu/fastapi-react's `run.sh`: `case $1 in start) ...;; *) npm "$@"`) or a shell script that
    reads no argument (CTFd's `exec gunicorn ...`), so a command given to `run` must replace it
    (`--entrypoint ""`)."""
    found = entrypoint_script(project, service)
    if found is None:
        return False
    from doctor.regular import read_text

    try:
        text = read_text(found, 256 * 1024)
    except OSError:
        return False
    if _DISPATCH.search(text) and not _PASSTHROUGH.search(text):
        return True
    shell = found.name.endswith(".sh") or _SHELL_SCRIPT.match(text) is not None
    return shell and (_READS_ARGUMENTS.search(text) is None or _ends_in_a_fixed_program(text))


# a line that runs the script's arguments as a command: `exec "$@"`, `exec gosu app "$@"`, a bare `"$@"`
HANDS_ON = lazy(r"""^\s*(?:exec\b.*\$\{?[@*]|["']?\$\{?[@*])""", re.MULTILINE)
# the script itself started again (`exec gosu $PUID "$BASH_SOURCE" "$@"`: mealie's entry.sh as its user)
STARTS_ITSELF = lazy(r"\$\{?(?:0\b|BASH_SOURCE)")


def _ends_in_a_fixed_program(text: str) -> bool:
    """Whether a shell script that reads arguments somewhere ends in `exec PROGRAM ...` naming none,
    and no line runs them as a command (but to start itself again): mealie's entry.sh re-execs
    itself through gosu with "$@", then ends in `exec python /app/mealie/main.py` whatever `run`
    hands it."""
    if any(not STARTS_ITSELF.search(line[0]) for line in HANDS_ON.finditer(text)):
        return False
    last = next((line.strip() for line in reversed(text.splitlines())
                 if line.strip() and not line.strip().startswith("#")), "")
    return bool(last) and last.split(None, 1)[0] == "exec" and _READS_ARGUMENTS.search(last) is None


def entrypoint_script(project: Project, service: str) -> Path | None:
    """The host file of the project script the service's entrypoint runs (`/app/run.sh` of
    `ENTRYPOINT ["/bin/bash", "/app/run.sh"]`), None when it runs none doctor can place."""
    svc = project.compose.services.get(service)
    if svc is None:
        return None
    words: Sequence[str] = ()
    if svc.entrypoint:
        words = svc.entrypoint.split() if isinstance(svc.entrypoint, str) else svc.entrypoint
    elif svc.build is not None and svc.build.dockerfile_path is not None:
        recipe = project.recipe(svc.build.dockerfile_path, svc.build.target)
        words = recipe.entrypoint if recipe is not None else ()
    script = next((w for w in words if w.startswith("/") and posixpath.basename(w) not in _INTERPRETERS
                   and not w.startswith(("/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/"))), None)
    found = project.code_map(svc).to_host(script) if script else None
    return found[0] if found is not None else None


# a branch of a `case`: its patterns (`start)`, `"web"|serve)`, `(*)`) and the commands up to its `;;`
_BRANCH = lazy(r"(?s)\s*\(?\s*(?P<patterns>[^\s()|;]+(?:\s*\|\s*[^\s()|;]+)*)\s*\)"
               r"(?P<body>.*?)(?:;;&?|;&|(?=\besac\b)|\Z)")
_ESAC = lazy(r"\besac\b")
_ALL_ARGUMENTS = lazy(r"\"?\$(?:\{[@*]\}|[@*])\"?")
_FIRST_ARGUMENT = lazy(r"\"?\$(?:\{1\}|1)\"?")
ENTRYPOINT_SCRIPT_LIMIT = 64 * 1024  # a dispatching entrypoint script is a page or two; a bigger one is not read


def entrypoint_branch(project: Project, service: str, arguments: Sequence[str]) -> list[str]:
    """The commands the service's entrypoint script runs for `arguments` (its CMD) where it picks
    them by its first argument (Buuntu/fastapi-react's run.sh: `case $1 in start) npm start | cat;;`
    runs `npm start | cat` for CMD ["start"]), `$@` and `$1` filled in. Read only for a script of the
    build context of at most ENTRYPOINT_SCRIPT_LIMIT bytes; [] otherwise."""
    import fnmatch

    svc = project.compose.services.get(service)
    if not arguments or svc is None or svc.build is None or "://" in svc.build.context:
        return []
    found = entrypoint_script(project, service)
    if found is None or not found.is_relative_to(os.path.normpath(svc.build.context)):
        return []
    from doctor.project.reading import read_regular_text

    text = read_regular_text(found, ENTRYPOINT_SCRIPT_LIMIT)
    case = _DISPATCH.search(text or "")
    if text is None or case is None:
        return []
    end = _ESAC.search(text, case.end())
    body, at = text[case.end():end.start() if end else len(text)], 0
    while (branch := _BRANCH.match(body, at)) is not None and branch.end() > at:
        at = branch.end()
        patterns = [p.strip().strip("\"'") for p in branch.group("patterns").split("|")]
        if any(fnmatch.fnmatchcase(arguments[0], p) for p in patterns):
            whole, first = " ".join(arguments), arguments[0]
            lines = (line.strip() for line in branch.group("body").replace(";", "\n").splitlines())
            return [_FIRST_ARGUMENT.sub(first, _ALL_ARGUMENTS.sub(whole, line)) for line in lines
                    if line and not line.startswith("#")]
    return []
