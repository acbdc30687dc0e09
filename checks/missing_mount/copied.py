"""missing-mount's view of a Dockerfile's COPYs: which source folders each brings, and where."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.reading import is_dir, is_file, read_bytes
from doctor.project.service_home import MANIFEST_NAMES
from doctor.project.types import CopyInstruction, Service

from .imported import holds_python
from .run_time import RunTimeReads

# a context's top folders that hold how it is deployed or documented, not code the container runs
NOT_RUNTIME = frozenset({
    "deploy", "deployment", "deployments", "k8s", "kubernetes", "helm", "charts", "terraform", "infra", "ansible",
    "docker", "ci", "examples", "example", "samples", "screenshots", "images", "img", "doc", "docs",
    "documentation", "etc", "vagrant",
})
OWN_BUILD_FILES = ("Dockerfile", "compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
MAX_CONTEXT_ENTRIES = 500  # entries of a context `COPY . dest` is judged for, folder by folder
# Folders a build produces, serves as-is or vendors: mounting the sources but not these is a choice.
NOT_SOURCES = frozenset({
    "dist", "build", "out", "target", "static", "staticfiles", "public", "assets", "media", "vendor",
    "vendors", "third_party", "node_modules", ".venv", "venv", "htmlcov", "coverage", "generated",
    "__pycache__", "locale", "data",
})


# what a folder of build inputs holds: the dependency lists an image installs from at build time
# (the manifests host-vs-container reads, and other ecosystems' own; lower case)
_MANIFESTS = frozenset({name.lower() for name in MANIFEST_NAMES} | {
    "npm-shrinkwrap.json", "pdm.lock", "pipfile.lock", "setup.cfg", "gemfile", "gemfile.lock", "composer.json",
    "composer.lock", "go.mod", "go.sum", "cargo.toml", "cargo.lock",
})
_REQUIREMENTS_FOLDERS = ("requirements", "reqs", "deps", "dependencies")
MAX_MANIFEST_ENTRIES = 100


def manifests_only(folder: Path) -> bool:
    """Whether a folder holds only dependency lists (plane's `requirements/` of base.txt, local.txt,
    or lockfiles): the image installs from them when it is built, so a bind mount of it changes
    nothing in the container; a rebuild does."""
    listed = folder.name.lower().startswith(_REQUIREMENTS_FOLDERS)
    count = 0
    for _current, _dirs, files in os.walk(folder):
        for name in files:
            count += 1
            lower = name.lower()
            listing = lower.startswith(("requirements", "constraints")) and lower.endswith(".txt")
            if count > MAX_MANIFEST_ENTRIES or not (
                    lower in _MANIFESTS or listing or (listed and lower.endswith((".txt", ".in", ".pip")))):
                return False
    return count > 0


def copied_folders(copy: CopyInstruction, context: Path,
                   whole: Callable[[str], tuple[Path, ...]]) -> Iterator[tuple[Path, str]]:
    """The judged source folders of one COPY and where each lands; `COPY . /code` stands for the
    context's top folders (`whole("/code")`), each at /code/<name>. Not what a RUN of its stage
    deletes after it (`copy.removed`: healthchecks' builder `rm -rf /opt/healthchecks/stuff` after
    `COPY . /opt/healthchecks/`): the image has no such folder to mount."""
    if "." in copy.removed:
        return
    destination = copy.destination
    for source in copy.sources:
        folder = Path(os.path.normpath(context / source))
        if folder == context and not any(c in source for c in "*?[$"):
            yield from ((f, posixpath.join(destination, f.name)) for f in whole(destination)
                        if f.name not in copy.removed)
        elif _judged(folder, context, source):
            yield folder, destination


def whole_context(project: Project, service: Service, context: Path, destination: str,
                  reads: RunTimeReads, bound: Collection[Path] = ()) -> tuple[Path, ...]:
    """The top folders a `COPY . dest` brings from a service's own context: not dot folders, build
    output or data (NOT_SOURCES), deployment folders (NOT_RUNTIME), what `.dockerignore` keeps out,
    a folder with a Dockerfile or compose file of its own, or a skeleton of placeholders (Laravel's
    storage/, which a start script may name as the place it writes: placeholders_only). Not the
    project folder: a repo-root context holds the other services' code, its deployment and its
    tooling (wagtail's bakerydemo copies etc/ and vagrant/ beside the app it mounts): there only the
    Python packages count (a top folder with an `__init__.py`), in a PHP app (a composer.json there)
    the top folders holding PHP code (laravel-docker-examples' config/ and bootstrap/, not storage/
    or public/), in a Ruby app (a Gemfile there) those holding Ruby code (hackclub/hcb's lib/, not tmp/
    or log/), in a Go module (a go.mod there) those holding Go code (go-clean-template's config/, not
    vendor/), the code a mount of its siblings edits live (robotoff's dev.yml
    mounts tests/, migrations/ and ten more, and the package robotoff/ is the one to forget), and
    the folders the service reads while it runs (`reads`: CTFd's migrations/, which its entrypoint's
    `flask db upgrade` applies, and no `__init__.py` marks), a folder of Python code with no
    `__init__.py` that the mounted code imports (docker-flask-example's namespace package lib/, which
    its mounted tests import: `from lib.test import ViewTestMixin`), and the folders the service's own mounts
    bring whole (`bound`: pontoon's ./translate, a React app beside the package pontoon/ it forgets;
    whether they show the mounts edit live code is live_code's to say)."""
    if service.build is None:
        return ()
    found = folders_in(service, context, context)
    if context == Path(os.path.normpath(project.compose.project_dir)):
        # a PHP app's own folders (its composer.json at the context): those holding PHP code, as a
        # Python package is (a Laravel root's app/, bootstrap/, config/, database/, routes/); so a Ruby
        # app's (its Gemfile there): those holding Ruby code (hcb's lib/, which Rails' autoload_lib loads)
        php = is_file(context / "composer.json")
        ruby = is_file(context / "Gemfile")
        # and a Go module's (its go.mod there): those holding Go packages, which `go run` compiles in
        # (go-clean-template's config/ and docs/, imported by cmd/app, beside the internal/ and pkg/ a dev
        # override mounts), not vendor/ nor testdata/, which hold no package of the module's own to edit, nor
        # one of tests alone (e2e/), a `//go:build tools` pin or an `ignore`d generator, which it never compiles
        go = is_file(context / "go.mod")
        packages = {f for f in found
                    if _package(f) or (php and not _php_run_time(f, context) and holds_code(f, (".php",)))
                    or (ruby and f.name.lower() not in RUN_TIME and holds_code(f, (".rb",)))
                    or (go and f.name not in GO_NOT_PACKAGES and holds_go_package(f))}
        run_time = reads.folders(service, context, destination, [f for f in found if f not in packages])
        # a namespace package the mounted code imports (docker-flask-example's lib/, no `__init__.py`)
        loose = [f for f in found if f not in packages and f not in run_time and f not in bound and holds_python(f)]
        imported = reads.imported([b for b in bound if inside(b, context) and b != context], loose) if loose else set()
        return tuple(f for f in found if f in packages or f in run_time or f in bound or f in imported)
    elsewhere = _built_elsewhere(project, service, context, found, bound)
    if elsewhere:  # unless the service's run names it (`node /srv/frontend/server.js`)
        kept = reads.folders(service, context, destination, elsewhere)
        return tuple(f for f in found if f not in elsewhere or f in kept)
    return found


def _built_elsewhere(project: Project, service: Service, context: Path, found: tuple[Path, ...],
                     bound: Collection[Path]) -> list[Path]:
    """Those of `found` that a stage the image copies from takes from the context by name and builds,
    the image getting its output only (IntelOwl's node stage `COPY frontend/ .`, then
    `COPY --from=frontend-build /build /var/www/reactapp`): the copy a `COPY .` also puts in the image
    is dead. Not a Python package (importable where it lands), a folder the service mounts, or one a
    `COPY --from` brings whole."""
    dockerfile = project.dockerfile(service)
    if dockerfile is None or not dockerfile.staged:
        return []

    def named(copies: tuple[CopyInstruction, ...]) -> list[Path]:
        return [Path(os.path.normpath(context / source)) for copy in copies for source in copy.sources
                if not any(c in source for c in "*?[$")]

    relayed = named(dockerfile.relayed)
    taken = [t for t in named(dockerfile.staged) if t != context and not any(inside(t, r) for r in relayed)]
    return [f for f in found if not _package(f) and not any(inside(b, f) or inside(f, b) for b in bound)
            and any(inside(t, f) for t in taken)]


def _listing(service: Service, context: Path, folder: Path) -> list[os.DirEntry[str]] | None:
    """The entries directly in `folder` (inside the build context) that its `.dockerignore` keeps, not
    dot entries; None when there is no build, the folder cannot be read, or it holds more than
    MAX_CONTEXT_ENTRIES (not a service's own source folder: judged by its named COPYs only)."""
    if service.build is None:
        return None
    from doctor.project.codepaths import read_dockerignore

    ignore = read_dockerignore(context, service.build.dockerfile_path)
    below = "" if folder == context else folder.relative_to(context).as_posix() + "/"
    kept: list[os.DirEntry[str]] = []
    try:
        with os.scandir(folder) as entries:
            for count, entry in enumerate(entries):
                if count >= MAX_CONTEXT_ENTRIES:
                    return None
                if not entry.name.startswith(".") and not ignore.excludes(below + entry.name):
                    kept.append(entry)
    except OSError:
        return None
    return kept


listing = _listing  # for missing-mount's look at whether the image has a folder whole


def folders_in(service: Service, context: Path, folder: Path) -> tuple[Path, ...]:
    """The source folders directly in `folder` (inside the build context), as whole_context keeps them."""
    found: list[Path] = []
    for entry in _listing(service, context, folder) or ():
        name = entry.name
        # a deployment or docs folder by its name, unless it is a Python package (awesome-compose's
        # django sample: its Django project is the package app/example/)
        deployment = name.lower() in NOT_RUNTIME and not _package(Path(entry.path))
        if (name.lower() in NOT_SOURCES or deployment or not entry.is_dir(follow_symlinks=False)
                or any(os.path.lexists(os.path.join(entry.path, n)) for n in OWN_BUILD_FILES)
                or placeholders_only(Path(entry.path))):
            continue
        found.append(Path(entry.path))
    return tuple(sorted(found))


# the files an interpreter loads from a source folder at run time (a compiled language's sources
# are built into the image: editing them on the host changes nothing without a rebuild anyway)
CODE_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".php", ".pl")


def loose_code(service: Service, context: Path, folder: Path) -> tuple[str, ...]:
    """The code files directly in `folder` (the build context's `.dockerignore` applied), by name:
    bakerydemo's `urls.py` and `wsgi.py` beside the app folders its dev override mounts one by one.
    An empty `__init__.py` only marks the package: nothing to edit."""
    found = [entry.name for entry in _listing(service, context, folder) or ()
             if entry.name.endswith(CODE_SUFFIXES) and entry.is_file(follow_symlinks=False)
             and not (entry.name == "__init__.py" and entry.stat(follow_symlinks=False).st_size == 0)]
    return tuple(sorted(found))


def _judged(folder: Path, context: Path, source: str) -> bool:
    """A named source folder inside the context: not the whole context, a glob, a file, build output,
    a skeleton of placeholders (laravel-docker-examples' `COPY ./storage /var/www/storage-init`, a
    tree of `.gitignore` files the app fills with logs and caches at run time: nothing to edit), nor that
    folder once a run filled it (_php_run_time)."""
    if any(c in source for c in "*?[$") or folder == context or not inside(folder, context):
        return False
    name = folder.name.lower()
    return (is_dir(folder) and name not in NOT_SOURCES and (name not in _DOCS or _package(folder))
            and not placeholders_only(folder) and not _php_run_time(folder, context))


def _php_run_time(folder: Path, context: Path) -> bool:
    """A folder a PHP app's run fills (PHP_RUN_TIME) at the top of its context (composer.json there): once the
    app ran, Laravel's storage/ holds compiled views and logs, no skeleton any more, and still no source."""
    return folder.parent == context and folder.name.lower() in PHP_RUN_TIME and is_file(context / "composer.json")


# a PHP app's folders its run fills (Laravel's storage/: compiled Blade views, `storage/framework/views/*.php`,
# sessions, caches; Symfony's var/): never code to edit, whatever .php files a run left there
PHP_RUN_TIME = frozenset({"storage", "var", "cache", "tmp", "logs"})
# a Ruby app's folders its run fills (Rails' tmp/, log/, storage/): no source, whatever a run left there
RUN_TIME = PHP_RUN_TIME | {"log"}
# a Go module's top folders that hold no package of its own: vendored modules, test fixtures
GO_NOT_PACKAGES = frozenset({"vendor", "testdata"})
# files that only keep an empty folder in git: no content of the image's
PLACEHOLDERS = frozenset((".gitignore", ".gitkeep", ".keep", ".placeholder", ".empty"))
MAX_SKELETON_ENTRIES = 200  # entries of a COPY'd folder looked through to see it holds placeholders only


def placeholders_only(folder: Path) -> bool:
    """Whether a folder holds placeholder files (PLACEHOLDERS) and nothing else, within its first
    MAX_SKELETON_ENTRIES entries (more is content)."""
    count = 0
    for _current, dirs, files in os.walk(folder):
        count += len(dirs) + len(files)
        if count > MAX_SKELETON_ENTRIES or any(name not in PLACEHOLDERS for name in files):
            return False
    return count > 0


def holds_code(folder: Path, suffixes: tuple[str, ...]) -> bool:
    """Whether a folder holds a file ending in one of `suffixes` within its first MAX_LIVE_ENTRIES
    files (dependency and dot folders not searched)."""
    return _code_search(folder, suffixes)[0]


def _code_search(folder: Path, suffixes: tuple[str, ...]) -> tuple[bool, int]:
    """(whether a file of the folder ends in one of `suffixes`, in any case, within its first MAX_LIVE_ENTRIES
    files; how many files were looked at), dependency and dot folders not searched."""
    count = 0
    for _current, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in _NOT_SEARCHED and not d.startswith(".")]
        for name in files:
            count += 1
            if count > MAX_LIVE_ENTRIES:
                return False, count
            if name.lower().endswith(suffixes):
                return True, count
    return False, count


def holds_go_package(folder: Path) -> bool:
    """Whether a folder holds, at any depth within its first MAX_LIVE_ENTRIES files, a Go file a build
    compiles: not a `_test.go` file, nor one whose build constraint is `ignore` or `tools` (a generator
    `go run gen.go` runs alone, a tools.go pinning tool versions in go.mod)."""
    count = 0
    for current, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in _NOT_SEARCHED and d not in GO_NOT_PACKAGES and not d.startswith(".")]
        for name in files:
            count += 1
            if count > MAX_LIVE_ENTRIES:
                return False
            if name.endswith(".go") and not name.endswith("_test.go") and _compiled(Path(current) / name):
                return True
    return False


def _compiled(path: Path) -> bool:
    """Whether the build constraints before a Go file's package clause leave it in a build: not `//go:build
    ignore` (nor `// +build ignore`) or `tools`, alone or with `&&` (a `||` or `!ignore` keeps it)."""
    try:
        head = read_bytes(path, 4096, head=True).decode("utf-8", "replace")
    except OSError:
        return True
    for line in head.splitlines():
        line = line.strip()
        if line.startswith("package "):
            break
        constraint = _GO_CONSTRAINT.match(line)
        alone = constraint and "||" not in constraint[2] and (constraint[1] == "go:build" or " " not in constraint[2])
        if alone and constraint and _GO_EXCLUDED & set(re.split(r"[\s&,()]+", constraint[2])):
            return False
    return True


# a build constraint line: `//go:build EXPR`, or the older `// +build A,B C` (a space is an or, a comma an and)
_GO_CONSTRAINT = lazy(r"//\s*(go:build|\+build)\s+(.+?)\s*$")
_GO_EXCLUDED = frozenset({"ignore", "tools"})  # tags no build sets: files kept out of every build on purpose


_DOCS = frozenset(("docs",))  # a named `COPY docs/ ...` is documentation, unless it is a Python package


def _package(folder: Path) -> bool:
    """A Python package (an `__init__.py`): code, whatever its name (djangoproject.com's docs/ app)."""
    return os.path.isfile(folder / "__init__.py")


# what a mounted folder of live code holds: the code files an interpreter loads, templates and
# front-end sources a dev server serves or rebuilds, scripts; not data, config or documentation
LIVE_SUFFIXES = (*CODE_SUFFIXES, ".jsx", ".tsx", ".mts", ".cts", ".vue", ".svelte", ".html", ".htm", ".jinja",
                 ".jinja2", ".j2", ".twig", ".erb", ".haml", ".ejs", ".hbs", ".css", ".scss", ".sass", ".less",
                 ".ex", ".exs", ".heex", ".go", ".rs", ".java", ".kt", ".cs", ".lua", ".sh")
MAX_LIVE_ENTRIES = 2000  # files a mounted folder is searched for code in
_NOT_SEARCHED = frozenset(("node_modules", "__pycache__", ".git", ".venv", "venv"))


def live_code(folder: Path) -> bool:
    """Whether a mounted folder shows that the dev mounts edit code live: a Python package, or a code,
    template or front-end file in it (pontoon's translate/, a React app) within its first
    MAX_LIVE_ENTRIES files; not a folder of dependency lists, data, config or documentation (a lone
    `./requirements`, `./docs` or `./config` bind chose no code to edit). A folder with no file yet
    (a fresh clone's empty app/, or one not created) says nothing against the mount: it counts."""
    if _package(folder):
        return True
    found, count = _code_search(folder, LIVE_SUFFIXES)
    return found or count == 0


def inside(path: Path, parent: Path) -> bool:
    """Whether `path` is `parent` or below it (compared by parts: `path.parents` built a path per level,
    and missing-mount asks this of every folder and mount pair)."""
    parts = parent.parts
    return path.parts[:len(parts)] == parts and (bool(parts) or not path.anchor)  # `.` holds no absolute path
