"""Whether a service's image installs a Python development tool (pytest, coverage, mypy...): a
requirements file it installs without the tool while a file beside lists it for development, or the
one file a plain image installs that names it nowhere (nor in the files it includes); and what to
install in a dev stage instead."""

from __future__ import annotations

import posixpath
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.image_runs import _runs
from doctor.project.pip_installs import _INCLUDE, _SEGMENTS, _requirement_files
from doctor.project.service_home import ServiceHome


def image_lacks(project: Project, home: ServiceHome, tool: str) -> tuple[str, str] | None:
    """What this check says when the service's image does not install the tool either (the
    requirements file that lists it for development, or the one the image installs without it),
    and what to do before the rebuild, for `doctor exec`, which runs the command there all the
    same; None when the image may have it."""
    from doctor.project.manifests import plugins_beside

    listed = not_installed(project, home, tool)
    if listed is not None:  # plane: the file with the plugins is what to install, not the tool alone
        said = f"its image does not install {tool!r} ({listed_for_development(project, listed, tool)})"
        if plugins_beside(listed, tool):
            return said, (f"install that file in a dev stage of the image, "
                          f"`pip install -r {_in_context(project, home, listed)}`")
        return said, f"install it in a dev stage of the image, from {project.shown(listed)}"
    unlisted = unlisted_in(project, home, tool)
    if unlisted is not None:
        return (f"its image does not install {tool!r} ({project.shown(unlisted)}, which it installs, does not list it)",
                "add it there")
    return None


def listed_for_development(project: Project, listed: Path, tool: str) -> str:
    """Where the tool is listed for development, with the plugins its file lists beside it
    (`apps/api/requirements/test.txt lists it for development, beside 'pytest-django'`)."""
    from doctor.project.manifests import plugins_beside

    plugins = [f"{p!r}" for p in plugins_beside(listed, tool)]
    beside = f", beside {' and '.join(plugins) if len(plugins) < 3 else f'{plugins[0]} and {len(plugins) - 1} more'}"
    return f"{project.shown(listed)} lists it for development{beside if plugins else ''}"


def dev_install(project: Project, home: ServiceHome, listed: Path, tool: str) -> str:
    """What the image's dev stage installs for the tool: the requirements file that lists it beside its
    plugins (`pip install -r requirements/test.txt`, its path in the build context; plane's pytest.ini
    needs pytest-django), else the tool by name from where it is listed."""
    from doctor.project.manifests import plugins_beside

    shown = project.shown(listed)
    if not plugins_beside(listed, tool):
        return f"install {tool!r} in the image (a dev stage, from {shown})"
    return (f"install {shown} in the image (a dev stage, `pip install -r {_in_context(project, home, listed)}`: "
            f"{tool!r} alone lacks its plugins)")


def _in_context(project: Project, home: ServiceHome, path: Path) -> str:
    """A file's path as a Dockerfile's RUN names it: from the build context."""
    return path.relative_to(home.context).as_posix() if path.is_relative_to(home.context) else project.shown(path)


def not_installed(project: Project, home: ServiceHome, tool: str) -> Path | None:
    """The dev listing of a Python tool the service's image does not install: its image installs a
    requirements file without the tool (nor a plugin of it, `pytest-django`), no RUN names it, and
    a file beside lists it for development. None when the image may well have it."""
    from doctor.project.manifests import Language, dev_listing, normalize, read_manifests, read_requirements

    name = normalize(tool)
    if home.language is not Language.PYTHON or name.startswith("python"):
        return None
    manifest = next((m for m in read_manifests(home.manifest.parent) if m.path == home.manifest), None)
    if manifest is None and home.manifest.suffix == ".txt" and home.manifest.is_file():
        manifest = read_requirements(home.manifest)  # plane's requirements/local.txt
    if manifest is None or any(r.name == name or r.name.startswith(name + "-") for r in manifest.requirements):
        return None
    found = _runs(project, home.service)
    if found is None:
        return None
    runs = [text for text, _ in found[0]]
    if any(tool in text or _installs_dev(text) for text in runs):
        return None  # it names the tool, or installs what may hold it (`uv sync`, `.[dev]`, a dev file)
    listed = dev_listing(home.manifest.parent, tool, home.manifest)
    if listed is None or any(listed.name in text for text in runs):
        return None  # `pip install -r requirements-dev.txt` in some stage
    return listed


# installs that bring development dependencies too: uv's and pdm's sync (dev by default), Poetry's
# install, pipenv --dev, extras (`.[dev]`), groups, a dev or test requirements file
_DEV_INSTALL = lazy(r"\buv\s+sync\b|\bpoetry\s+(?:install|sync)\b|\bpdm\s+(?:install|sync)\b|\bpipenv\b|\.\[|--group\b"
                    r"|--extra\b|--all-extras\b|\bhatch\b|requirements[-_/](?:dev|test)|(?:dev|test)[-_]requirements"
                    r"|development\.txt|(?:^|[/\s])(?:dev|test|tests)\.txt")


# Poetry's and uv's ways of leaving the development groups out
_RUNTIME_ONLY = lazy(r"--only[=\s]+main\b|--without[=\s]+\S*\bdev\b|--no-dev\b|--only-group[=\s]+main\b")


def _installs_dev(text: str) -> bool:
    """Whether a RUN installs what may hold a development tool: `poetry sync` (every group but the
    optional ones) does, `poetry sync --only main` does not."""
    for segment in _SEGMENTS.split(text):
        if _DEV_INSTALL.search(segment) and not (_POETRY_OR_UV.search(segment) and _RUNTIME_ONLY.search(segment)):
            return True
    return False


_POETRY_OR_UV = lazy(r"\b(?:poetry|uv)\s+(?:install|sync)\b")


def syncs_dev_groups(project: Project, service: str) -> bool:
    """Whether the service's image runs `uv sync` or `poetry install`/`sync` keeping the development
    groups (no `--no-dev`, `--only main`, `--without dev`)."""
    found = _runs(project, service)
    return found is not None and any(_POETRY_OR_UV.search(segment) and not _RUNTIME_ONLY.search(segment)
                                     for text, _ in found[0] for segment in _SEGMENTS.split(text))


# development tools an image installs only when told to, and the packages that bring each (itself,
# or a requirement naming it: pytest-django, flake8-bugbear; pytest-cov brings coverage)
_DEV_TOOLS = {"pytest": "pytest", "py.test": "pytest", "coverage": "coverage", "mypy": "mypy", "ruff": "ruff",
              "black": "black", "isort": "isort", "flake8": "flake8", "pylint": "pylint", "bandit": "bandit"}


_BROUGHT_BY = {"coverage": ("pytest-cov",)}


# base images whose Python packages are the ones the Dockerfile installs (the official python image, a
# bare OS); another base (tiangolo/uvicorn-gunicorn) may hold the tool already
# what `COPY --from=ghcr.io/astral-sh/uv /uv /uvx /bin/` brings (uv's documented install, bakerydemo's):
# an installer's binary, no package
_INSTALLERS = frozenset({"uv", "uvx"})


_PLAIN_BASES = frozenset({"python", "pypy", "debian", "ubuntu", "alpine", "fedora", "centos", "rockylinux",
                          "almalinux", "amazonlinux"})


def unlisted_in(project: Project, home: ServiceHome, tool: str) -> Path | None:
    """The requirements file an image installs when no file it installs names a development tool
    (django-on-docker: `pip install -r requirements.txt` of Django, gunicorn and psycopg2; `run web
    pytest` says "exec: pytest: not found"). Only where doctor sees every Python install of the image:
    a plain base, and RUN lines that are `pip install -r FILE` (and named packages) of files the build
    COPYs, read with the values the build gives them (`-r ${REQ_FILE}`: the file compose's build arg
    names); None when anything else may bring it."""
    from doctor.project.env_hosts import image_basename
    from doctor.project.manifests import Language

    package = _DEV_TOOLS.get(tool)
    service = project.services.get(home.service)
    read = _runs(project, home.service) if home.language is Language.PYTHON else None
    if read is None or service is None or package is None:
        return None
    runs, recipe = read
    if (any(posixpath.basename(p.rstrip("/")) not in _INSTALLERS for p in recipe.pulled)
            or image_basename(recipe.base) not in _PLAIN_BASES
            or any(tool in text or package in text for text, _ in runs)):
        return None
    files: list[str] = []
    for text, workdir in runs:
        found = _requirement_files(text, workdir)
        if found is None:
            return None
        files += found
    codes = project.code_map(service)
    installed: list[Path] = []
    for inside in dict.fromkeys(files):
        host = codes.to_host(inside)
        if host is None or _may_bring(host[0], package, {host[0]}):
            return None
        installed.append(host[0])
    # the file to add it to: a dev or test one the image installs (DefectDojo's requirements-dev.txt)
    return next((p for p in installed if _DEV_NAMED.search(p.name)), installed[0] if installed else None)


_DEV_NAMED = lazy(r"dev|test|lint")


_UNREAD_LINE = ("-e", "--editable", ".", "/", "git+", "http:", "https:", "file:")


def _may_bring(path: Path, package: str, read: set[Path]) -> bool:
    """Whether a requirements file (or one its `-r` lines include) may install `package`: it names it
    anywhere (`pytest-django`, `pytest; python_version > "3.8"`; pytest-cov brings coverage), or holds
    what doctor cannot read (`-e .`, a URL, a file it cannot open)."""
    from doctor.project.reading import read_regular_text

    text = read_regular_text(path)
    if text is None or any(name in text.lower().replace("_", "-") for name in (package, *_BROUGHT_BY.get(package, ()))):
        return True
    for line in text.splitlines():
        spec = line.split(" #", 1)[0].strip()
        include = _INCLUDE.fullmatch(spec)
        if include is not None:
            target = (path.parent / include.group(1).strip("\"'")).resolve()
            if target not in read and len(read) < 32:
                read.add(target)
                if _may_bring(target, package, read):
                    return True
        elif spec.startswith(_UNREAD_LINE) and "#egg=" not in spec:
            return True  # a path or URL naming no package (`name @ URL`, `git+...#egg=name` name theirs)
    return False
