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
from collections.abc import Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project import Project
from doctor.project.codepaths import CodePath
from doctor.project.image_languages import _installing_languages
from doctor.project.manifests import Language, Manifest
from doctor.project.reading import is_dir, is_file
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
    Made once per project and probe: host-vs-container asks, then path-gap once per command PATH
    lacks (10-25 ms a time on redash, open-prices, fastapi-template; the fixer's rounds each load
    a new Project).
    """
    made: list[tuple[PackageProbe, tuple[ServiceHome, ...]]] = vars(project).setdefault("_service_homes", [])
    for probe, homes in made:
        if probe is shell:
            return homes
    homes = _service_homes(project, shell)
    made.append((shell, homes))
    return homes


def _service_homes(project: Project, shell: PackageProbe) -> tuple[ServiceHome, ...]:
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
        elif is_dir(path) and any(is_file(path / name) for name in ("pyproject.toml", "package.json")):
            folders.append(path)
    found: list[Manifest] = []
    for folder in dict.fromkeys(folders):
        found.extend(project.manifests(folder))
    return found


def _workspace_members(context: Path) -> list[Path]:
    from doctor.project.memo import remember

    pyproject = context / "pyproject.toml"
    if not is_file(pyproject):
        return []
    found: list[Path] = []
    for pattern in remember("pyproject", (pyproject,), "uv-workspace", lambda: _workspace_patterns(pyproject)):
        found.extend(sorted(p for p in context.glob(pattern) if is_dir(p)))
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
                     if not any(is_dir(f / "node_modules" / name) for f in folders)), None
    python = shell.python_for([folder, root])
    if python is None:
        return tuple(name for name, _ in packages), None
    return shell.missing_python_packages(python, packages), shell.unusable(python)
