"""Whether a service's image installs a development tool (pytest, coverage, mypy...): read from its
Dockerfile's RUN lines, as the compose build runs them.

host-vs-container advises a test or lint command into the service whose image installs the project's
packages; where that image installs only the runtime dependencies (a requirements file without the
tool, Poetry's `--only main`) the advice says the image lacks the tool too, and `doctor exec` says so
before running it there. The RUN lines are read with the values the build gives them
(doctor.project.buildvalues): a build arg compose passes (djangoproject.com's
`REQ_FILE=requirements/tests.txt` for `pip install -r ${REQ_FILE}`), an ARG's default, an ENV, and a
shell test on them (wemake-django-template's `$(if [ "$DJANGO_ENV" = 'production' ]; then echo
'--only main'; fi)` under `DJANGO_ENV: development`).
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.service_home import ServiceHome

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from doctor.project.codepaths import CodeMap
    from doctor.project.recipe import Recipe
    from doctor.project.types import Service


def _runs(project: Project, service_name: str) -> tuple[list[tuple[str, str]], Recipe] | None:
    """The (text, workdir) of each RUN of the service's image, its build's values filled in, then of
    what the service runs at start (started_installs), and the recipe; None when the service is not
    built from a Dockerfile doctor reads."""
    from doctor.project.buildvalues import resolved_runs

    service = project.services.get(service_name)
    if service is None or service.build is None or service.build.dockerfile_path is None:
        return None
    recipe = project.recipe(service.build.dockerfile_path, service.build.target)
    if recipe is None:
        return None
    return [*resolved_runs(service.build, recipe), *started_installs(project, service, recipe)], recipe


# a start script is a page or two: a bigger file is not read for installs
START_SCRIPT_LIMIT = 256 * 1024
# what runs a service at start: not its healthcheck, nor a Makefile's `compose run` of a script
_STARTING = frozenset({"command", "entrypoint", "ENTRYPOINT", "CMD"})


def started_installs(project: Project, service: Service, recipe: Recipe | None) -> list[tuple[str, str]]:
    """The (text, workdir) of the installs a service runs each time it starts, counted as its image's:
    its `command:` / `entrypoint:` (the image's ENTRYPOINT and CMD where compose keeps them) when
    they hold a `pip install`, and the project scripts those run (doctor.project.script_finder.ScriptFinder;
    allegro/ralph's docker-local-dev-entrypoint.sh: `pip3 install -r .../requirements/dev.txt`), each
    from the container's working folder (its `cd`s are followed). Read, never run."""
    return [(text, workdir) for text, workdir, _ in _started(project, service, recipe)]


def _started(project: Project, service: Service, recipe: Recipe | None) -> list[tuple[str, str, str]]:
    """started_installs, each with what runs it: "entrypoint" (compose's, or the image's ENTRYPOINT)
    or "command" (compose's, or the image's CMD), which a `run SERVICE CMD` replaces."""
    from doctor.project.reading import read_regular_text
    from doctor.project.script_finder import script_finder

    workdir: str = service.working_dir or (recipe.workdir if recipe is not None else "") or "/"
    if "$" in workdir and recipe is not None and service.build is not None:  # ralph's `WORKDIR $RALPH_LOCAL_DIR`
        from doctor.project.buildvalues import build_values, fill

        workdir = posixpath.normpath("/" + fill(workdir, build_values(service.build, recipe)).lstrip("/"))
    found: list[tuple[str, str, str]] = []
    for words, how in _start_words(service, recipe):
        inline = " ".join(words)
        if _PIP.search(inline):  # `sh -c "pip install -r requirements.txt && ./manage.py runserver"`
            found.append((inline, workdir, how))
    for path, how in script_finder(project).run_by(service):
        text = read_regular_text(path, START_SCRIPT_LIMIT) if how in _STARTING else None
        if text is not None and _PIP.search(text):
            found.append((text, workdir, "entrypoint" if how.lower() == "entrypoint" else "command"))
    return found


def _start_words(service: Service, recipe: Recipe | None) -> list[tuple[list[str], str]]:
    """What the service runs at start, as doctor.project.script_finder.run_words reads it: compose's command
    and entrypoint, the image's ENTRYPOINT where compose sets none, and its CMD where compose sets
    neither."""
    from doctor.project.script_words import shell_words

    found: list[tuple[list[str], str]] = []
    if service.command:
        found.append((shell_words(service.command), "command"))
    if service.entrypoint:
        found.append((shell_words(service.entrypoint), "entrypoint"))
    if recipe is not None and service.entrypoint is None:
        if recipe.entrypoint:
            found.append((list(recipe.entrypoint), "entrypoint"))
        if recipe.cmd and not service.command:
            found.append((list(recipe.cmd), "command"))
    return found


# what a build's RUN installs Python packages with
_PYTHON_INSTALL = lazy(r"\b(?:pip[\d.]*|uv|poetry|pipenv|pdm)\b[^&;|\n]*?\b(?:install|sync)\b")


def start_install_mode(project: Project, home: ServiceHome) -> str | None:
    """How a command reaches what the service installs each time it starts, where its Python packages
    come from those installs alone (the build installs none: allegro/ralph's entrypoint `pip3 install
    -r requirements/dev.txt`), or the home's manifest is a file only they install: "run" when they are
    its entrypoint's and it hands the command on (`exec "$@"`: `run --rm SERVICE CMD` installs, then
    runs CMD), "up" when `run` would skip them (the command's install, which `run SERVICE CMD`
    replaces, or an entrypoint `--entrypoint ''` must replace: ralph's ends in `make run`): the
    command runs in the container `up -d` started. None where the build installs them, or nothing
    installs at start."""
    from doctor.project.buildvalues import resolved_runs
    from doctor.project.manifests import Language
    from doctor.project.service_entrypoint import dispatching_entrypoint, program_entrypoint

    service = project.services.get(home.service)
    if home.language is not Language.PYTHON or service is None or service.build is None:
        return None
    path = service.build.dockerfile_path
    recipe = project.recipe(path, service.build.target) if path is not None else None
    started = _started(project, service, recipe)
    if not started:
        return None
    built = resolved_runs(service.build, recipe) if recipe is not None else []
    if any(_PYTHON_INSTALL.search(text) for text, _ in built):
        codes = project.code_map(service)
        named = {host[0] for text, workdir, _ in started for inside in (_requirement_files(text, workdir) or [])
                 if (host := codes.to_host(inside)) is not None}
        if home.manifest not in named:
            return None  # the image installs packages itself: the start's are extras
    if any(how == "command" for _, _, how in started):
        return "up"
    return "up" if dispatching_entrypoint(project, home.service) or program_entrypoint(project, home.service) \
        else "run"


def project_install(project: Project, service_name: str) -> tuple[str, Path] | None:
    """(the install's text, the host folder of the project) where the service's image (a RUN, or what
    it runs at start) installs a project of the repo itself: `pip install .`, `-e .`, `-e file:.`, a
    path to it, a requirements file holding such a line (allegro/ralph's requirements/test.txt: `-e .`,
    relative to the folder pip runs in), `uv sync` / `poetry install` / `pdm install` in its folder
    (without `--no-install-project`, `--no-root`, `--no-self`). None otherwise."""
    from doctor.project.console_scripts import is_python_project
    from doctor.project.shellwords import split_unquoted

    found = _runs(project, service_name)
    service = project.services.get(service_name)
    if found is None or service is None:
        return None
    codes = project.code_map(service)

    def folder_of(inside: str) -> Path | None:
        host = codes.to_host(posixpath.normpath(inside))
        return host[0] if host is not None and host[0].is_dir() and is_python_project(host[0]) else None

    for text, workdir in found[0]:
        segments = list(split_unquoted(text, _SEGMENTS))
        for folder, args in _pip_commands(segments, workdir):
            for target in _local_targets(args or [], folder, codes):
                place = folder_of(target)
                if place is not None:
                    return text, place
        folder = workdir
        for segment in segments:
            words = segment.split()
            if words[:1] == ["cd"] and len(words) == 2:
                folder = posixpath.normpath(posixpath.join(folder, words[1].strip("\"'")))
            elif _SYNCS_PROJECT.search(segment) and not _NO_PROJECT.search(segment):
                place = folder_of(folder)
                if place is not None:
                    return text, place
    return None


_SYNCS_PROJECT = lazy(r"\b(?:uv\s+sync|poetry\s+(?:install|sync)|pdm\s+(?:install|sync))\b")
_NO_PROJECT = lazy(r"--no-install-project\b|--no-install-workspace\b|--no-root\b|--no-self\b|--only-group\b")


def _local_targets(args: list[str], folder: str, codes: CodeMap, depth: int = 0) -> Iterator[str]:
    """The container paths of the local projects a `pip install`'s arguments name: `.`, `-e .`,
    `-e file:.`, `/app[dev]`, and those of the requirements files it installs (`-r`), relative to the
    folder pip runs in."""
    at = 0
    while at < len(args):
        word = args[at]
        named = _requirement_at(args, at)
        if named is not None:
            at += named[1]
            if named[0] and "$" not in named[0] and depth < 8:
                host = codes.to_host(posixpath.normpath(posixpath.join(folder, named[0])))
                if host is not None:
                    yield from _file_targets(host[0], posixpath.dirname(posixpath.join(folder, named[0])), folder,
                                             codes, depth + 1)
            continue
        if word in ("-e", "--editable") and at + 1 < len(args):
            word, at = args[at + 1], at + 1
        elif word.startswith("--editable="):
            word = word.partition("=")[2]
        elif word.startswith("-"):
            at += 2 if word in _PIP_VALUED else 1
            continue
        at += 1
        local = _local_path(word)
        if local is not None:
            yield posixpath.join(folder, local)


def _file_targets(path: Path, inside: str, folder: str, codes: CodeMap, depth: int) -> Iterator[str]:
    """The local projects a requirements file's lines name (`-e .`: the folder pip runs in), and those
    of the files its `-r` lines include (relative to its own folder, `inside` in the container)."""
    from doctor.project.reading import read_regular_text

    for line in (read_regular_text(path, START_SCRIPT_LIMIT) or "").splitlines():
        spec = line.split(" #", 1)[0].strip()
        include = _INCLUDE.fullmatch(spec)
        if include is not None and depth < 8:
            name = include.group(1).strip("\"'")
            host = codes.to_host(posixpath.normpath(posixpath.join(inside, name)))
            if host is not None:
                yield from _file_targets(host[0], posixpath.dirname(posixpath.join(inside, name)), folder, codes,
                                         depth + 1)
            continue
        words = spec.split()
        if words[:1] in (["-e"], ["--editable"]) and len(words) > 1:
            words = words[1:]
        local = _local_path(words[0]) if words else None
        if local is not None:
            yield posixpath.join(folder, local)


def _local_path(word: str) -> str | None:
    """The path a pip argument names when it is a local folder (`.`, `./app`, `/app[dev]`, `file:.`,
    `file:///app`); None for a package name, a URL, a wheel or an archive."""
    if word.startswith("file:"):
        word = word[len("file:"):]
        word = word[2:] if word.startswith("//") else word
    word = word.split("#", 1)[0].split("[", 1)[0]
    if not word or "$" in word or word.endswith((".whl", ".zip", ".tar.gz", ".tgz")):
        return None
    return word if word in (".", "..") or word.startswith(("./", "../", "/")) else None


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
_SEGMENTS = lazy(r"&&|\|\||;")  # a RUN's commands
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
# installers doctor cannot see through: a project or folder installed (`.`, `-e`, a wheel), a lock
_OPAQUE_INSTALL = lazy(r"\b(?:poetry|pipenv|pdm|hatch|conda|mamba|micromamba|pipx|easy_install|pixi)\b"
                       r"|\buv\s+(?:sync|add|tool)\b|\bsetup\.py\b")
_PIP = lazy(r"(?:python[\d.]*\s+-m\s+pip|\buv\s+pip|(?:^|[\s/])pip[\d.]*)\s+(?:-\S+\s+)*install\b(?P<args>.*)")
_SEGMENTS = lazy(r"&&|\|\||[;|\n]")
_PIP_VALUED = frozenset({"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target",
                         "--prefix", "--root", "--trusted-host", "--platform", "--python-version", "--cache-dir",
                         "--implementation", "--abi", "--progress-bar", "--src", "--upgrade-strategy", "--log",
                         "--no-binary", "--only-binary", "--timeout", "--retries", "--proxy", "--root-user-action",
                         "-c", "--constraint", "-C", "--config-settings", "--python", "--report", "--cert"})


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


_INCLUDE = lazy(r"(?:-r\s*|--requirement(?:\s+|\s*=\s*))(\S+)")
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


def pip_requirement_files(project: Project, service_name: str) -> list[Path]:
    """The project's requirements files the service's image `pip install -r`s, its RUN lines read with
    the values the build gives them: djangoproject.com's `pip install -r ${REQ_FILE}` installs
    requirements/tests.txt where compose's build arg says `REQ_FILE=requirements/tests.txt`, else the
    ARG's default. A file named by a variable doctor does not know, or not from the project, is left out."""
    from doctor.project.shellwords import split_unquoted

    found = _runs(project, service_name)
    service = project.services.get(service_name)
    if found is None or service is None:
        return []
    inside: list[str] = []
    for text, workdir in found[0]:
        if "-r" not in text and "--requirement" not in text:
            continue
        for folder, args in _pip_commands(split_unquoted(text, _SEGMENTS), workdir):
            words = args or []  # arguments that do not parse name no file here
            for at in range(len(words)):
                named = _requirement_at(words, at)
                if named is not None and named[0] and "$" not in named[0]:
                    inside.append(posixpath.normpath(posixpath.join(folder, named[0])))
    codes = project.code_map(service)
    files = (codes.to_host(path) for path in dict.fromkeys(inside))
    return [host[0] for host in files if host is not None and host[0].is_file()]


def _pip_commands(segments: Iterable[str], workdir: str) -> Iterator[tuple[str, list[str] | None]]:
    """For each `pip install` among a RUN's commands: the folder it runs in (after the `cd`s before
    it) and its arguments, None where they do not parse as shell words."""
    import shlex

    for segment in segments:
        try:
            words = shlex.split(segment)
        except ValueError:
            words = segment.split()
        if words[:1] == ["cd"] and len(words) == 2:
            workdir = posixpath.normpath(posixpath.join(workdir, words[1]))
            continue
        match = _PIP.search(segment)
        if match is None:
            continue
        try:
            yield workdir, shlex.split(match.group("args"))
        except ValueError:
            yield workdir, None


def _requirement_at(args: list[str], at: int) -> tuple[str, int] | None:
    """The file `-r FILE`, `-rFILE` or `--requirement=FILE` at args[at] names ("" when none follows),
    and how many words it takes; None for another argument."""
    word = args[at]
    named = next((word[len(p):].lstrip("=") for p in ("--requirement", "-r") if word.startswith(p)), None)
    if named is None:
        return None
    return (named, 1) if named else ((args[at + 1] if at + 1 < len(args) else ""), 2)


def _requirement_files(text: str, workdir: str) -> list[str] | None:
    """The container paths of the requirements files a RUN's `pip install -r` lines install ([] for a
    RUN installing no Python package, or only named ones); None when it installs what doctor cannot
    read (`pip install .`, `-e`, a wheel, a variable, `poetry install`, `uv sync`)."""
    if _OPAQUE_INSTALL.search(text):
        return None
    files: list[str] = []
    for folder, args in _pip_commands(_SEGMENTS.split(text), workdir):
        if args is None:
            return None
        at = 0
        while at < len(args):
            word = args[at]
            named = _requirement_at(args, at)
            if named is not None:
                path, taken = named
                at += taken
                if not path or "$" in path:
                    return None
                files.append(posixpath.normpath(posixpath.join(folder, path)))
                continue
            if word in ("-e", "--editable") or (not word.startswith("-") and (
                    "/" in word or word.startswith(".") or "$" in word or "*" in word or "@" in word
                    or word.endswith((".whl", ".zip", ".tar.gz")))):
                return None
            at += 2 if word in _PIP_VALUED else 1
    return files
