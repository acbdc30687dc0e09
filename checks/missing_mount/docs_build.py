"""missing-mount's view of a service that builds documentation: the folders its docs build reads.

cookiecutter-django's `docs` service runs Sphinx (`/start-docs`: `make livehtml`, whose recipe runs
sphinx-autobuild in /docs, ./docs mounted there) with ./config and the project's package mounted
beside ./docs for conf.py's `django.setup()` and autodoc; its image, built from the repo root
(`COPY . /app`), also holds the package tests/, which no docs build reads. A service whose run is a
docs builder (sphinx-build, sphinx-autobuild, mkdocs, `python -m sphinx`, or a Makefile goal whose
recipe runs one) and whose mounts bring the docs' config (a folder holding conf.py, or mkdocs.yml)
reads, of the image's folders, those its docs name: a module autodoc or mkdocstrings documents
(`.. automodule:: my_awesome_project.users.models`, `::: config.settings`), one conf.py's code imports
or names (`"config.settings.local"`), and a folder the config or the run names as a path
(`sys.path.insert(0, os.path.abspath("../src"))`, mkdocstrings' `paths: [src]`). What the config tells
the build to skip never counts (sphinx_conf: `exclude_patterns = ["tests"]`, and the documents it
matches; mkdocs' `exclude_docs`).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.codepaths import CodeMap
from doctor.project.reading import is_dir, is_file, read_regular_text
from doctor.project.types import Service

from .copied import inside
from .run_time import RunTimeReads

_BUILDERS = frozenset(("sphinx-build", "sphinx-autobuild", "mkdocs"))  # the programs, by their names
_BUILDER_MODULES = frozenset(("sphinx", "sphinx_autobuild", "mkdocs"))  # `python -m sphinx`
_STATIC_SERVERS = frozenset(("http.server", "http-server", "serve"))  # serving the built pages
_SOURCE_SUFFIXES = (".rst", ".md", ".txt")
MAX_DOCS_FILES = 2000  # files of the docs folder walked for the modules its sources document
FILE_LIMIT = 256 * 1024  # of one config or source file
_NOT_WALKED = frozenset(("_build", "build", "site", "node_modules", "__pycache__", ".venv", "venv"))
# a word of a command line that may be a program or a path (as run_time reads them)
_WORD = lazy(r"""[^\s'"`;&|()<>=,]+""")
# `.. automodule:: pkg.mod`, `.. autoclass::`, `.. module::`, `.. currentmodule::`, MyST's ```{automodule} pkg```,
# mkdocstrings' `::: pkg.mod`; and the entries below `.. autosummary::`
_DOCUMENTED = lazy(r"(?m)^[ \t]*(?:\.\.[ \t]+(?:py:)?(?:auto\w+|module|currentmodule)::|```\{(?:py:)?"
                   r"(?:auto\w+|module|currentmodule)\}|:::)[ \t]*~?([A-Za-z_]\w*)")
_SUMMARY = lazy(r"(?m)^([ \t]*)\.\.[ \t]+autosummary::[^\n]*\n((?:\1[ \t]+[^\n]*\n|[ \t]*\n)*)")
_ASSIGNMENT = lazy(r"^[A-Za-z_]\w*=")  # `SPHINXOPTS=-W make html`
# mkdocs.yml's top-level `exclude_docs:` and the lines of its value
_EXCLUDE_DOCS = lazy(r"(?m)^exclude_docs[ \t]*:[^\n]*\n?(?:[ \t]+[^\n]*\n?|[ \t]*\n)*")
_DOCS_DIR = lazy(r"(?m)^docs_dir[ \t]*:[ \t]*['\"]?([^'\"\s#]+)")


class DocsBuild:
    """What a docs build reads of the image's folders: the modules its docs name and the paths its config
    and its run name."""

    def __init__(self, modules: set[str], paths: set[Path]) -> None:
        self.modules = modules
        self.paths = paths

    def reads(self, folder: Path) -> bool:
        """Whether the build reads `folder`: a module it names is the folder or lies directly in it
        (`src/pkg`), or a path it names lies in it."""
        return folder.name in self.modules or any(is_dir(folder / m) for m in self.modules) or any(
            inside(path, folder) for path in self.paths)


def docs_build_of(project: Project, service: Service, reads: RunTimeReads, context: Path,
                  mounted: Collection[Path]) -> DocsBuild | None:
    """What the service's docs build reads, or None where its run is no docs builder, serves an app
    too (`mkdocs build && exec gunicorn app:app`: the app's folders count), or no mount (`mounted`:
    the bind sources) brings the docs' config."""
    code = project.code_map(service)
    runs = list(_runs(reads.run_texts(service, context), reads.workdir(service), code))
    if not any(_builds_docs(text) for text, _ in runs) or _serves_more(runs):
        return None
    configs = [c for source in mounted for c in _configs(source)]
    if not configs:
        return None
    from .sphinx_conf import SphinxConf, excluded_by  # here: a run with no docs builder imports no `ast`

    modules: set[str] = set()
    paths = {p for text, cwd in runs for p in _paths(text, cwd, code)}
    for config in configs:
        text = read_regular_text(config, FILE_LIMIT) or ""
        conf = SphinxConf(text) if config.suffix == ".py" else None
        # mkdocs.yml's `exclude_docs` lists what mkdocs skips, as conf.py's exclude_patterns does
        words = conf.names if conf is not None else _WORD.findall(_EXCLUDE_DOCS.sub("", text).replace(":", " "))
        modules.update(conf.imports if conf is not None else ())
        for word in words:
            if "$" in word or "://" in word:
                continue
            top = word.split(".", 1)[0]
            if top.isidentifier():
                modules.add(top)  # `"config.settings.local"`, mkdocstrings' `paths: [src]`
            if "/" in word or word.startswith("."):
                found = code.to_host(word) if word.startswith("/") else None
                paths.add(found[0] if found else Path(os.path.normpath(config.parent / word)))
        skipped = excluded_by(conf.excluded if conf is not None else ())
        for source in _sources(config, text):
            modules.update(_documented(source, skipped))
    return DocsBuild(modules, paths)


def _runs(texts: list[str], workdir: str, code: CodeMap) -> Iterator[tuple[str, str]]:
    """Each text the service runs with the container folder it runs in, and the recipe lines of each
    `make GOAL` they run (those of the makes a recipe runs too, `$(MAKE) livehtml`), from the Makefile
    where it is run (mapped to the host)."""
    from doctor.project.make_targets import goal_recipes
    from doctor.project.shellwords import WRAPPERS, simple_commands

    for text in texts:
        yield text, workdir
        cwd = workdir
        for line in text.splitlines():
            for words in simple_commands(line):
                while words and (words[0] in WRAPPERS or _ASSIGNMENT.match(words[0])):
                    words = words[1:]
                if words[:1] == ["cd"] and len(words) > 1 and "$" not in words[1]:
                    cwd = posixpath.normpath(posixpath.join(cwd, words[1]))
                found = code.to_host(cwd) if words and posixpath.basename(words[0]) == "make" else None
                if found is None or not is_dir(found[0]):
                    continue
                # a line a `make -C sub` runs, runs in the container's folder where sub/ is
                host = found[0]
                yield from ((step, _moved(cwd, host, where)) for step, where in goal_recipes(words[1:], host) or ())


def _moved(cwd: str, host: Path, where: Path) -> str:
    """The container folder of host folder `where`, `cwd` being that of `host`."""
    if where == host:
        return cwd
    return posixpath.normpath(posixpath.join(cwd, Path(os.path.relpath(where.resolve(), host.resolve())).as_posix()))


def _serves_more(runs: list[tuple[str, str]]) -> bool:
    """Whether a command of the run serves something other than the docs: an app server
    (`gunicorn`, `manage.py runserver`), not the builder's own (`mkdocs serve`) nor a static one
    serving what it built (`python -m http.server -d _build/html`)."""
    from doctor.project.command_roles import serves
    from doctor.project.shellwords import simple_commands

    return any(serves(words) and not _builds_docs(" ".join(words)) and not any(
        posixpath.basename(w) in _STATIC_SERVERS for w in words)
        for text, _ in runs for line in text.splitlines() for words in simple_commands(line))


def _builds_docs(text: str) -> bool:
    words = _WORD.findall(text)
    return any(posixpath.basename(w) in _BUILDERS or (w == "-m" and after in _BUILDER_MODULES)
               for w, after in zip(words, [*words[1:], ""], strict=False))


def _paths(text: str, cwd: str, code: CodeMap) -> Iterator[Path]:
    """The host paths a run's text names (`sphinx-apidoc -o api /app/src`), through the service's mounts
    and COPYs."""
    for word in _WORD.findall(text):
        if "/" in word and "$" not in word and "://" not in word:
            found = code.to_host(posixpath.join(cwd, word))
            if found is not None:
                yield found[0]


def _configs(source: Path) -> Iterator[Path]:
    """The docs configs a bind source brings: itself (a mounted mkdocs.yml), or a conf.py or mkdocs.yml
    in it, or a conf.py in its `source/` (sphinx-quickstart's separate layout)."""
    if source.name in ("mkdocs.yml", "mkdocs.yaml"):
        if is_file(source):
            yield source
        return
    for name in ("conf.py", "source/conf.py", "mkdocs.yml", "mkdocs.yaml"):
        if is_file(source / name):
            yield source / name


def _sources(config: Path, text: str) -> list[Path]:
    """The folder of a config's documents: conf.py's own, mkdocs.yml's `docs_dir` (docs/ by default)."""
    if config.suffix == ".py":
        return [config.parent]
    named = _DOCS_DIR.search(text)
    return [Path(os.path.normpath(config.parent / (named.group(1) if named else "docs")))]


def _documented(folder: Path, skipped: Callable[[str], bool]) -> Iterator[str]:
    """The first names of the modules the documents in `folder` document (within its first MAX_DOCS_FILES
    files), but those `skipped` (conf.py's exclude_patterns, on paths relative to `folder`) leaves out."""
    count = 0
    for current, dirs, files in os.walk(folder):
        at = Path(current).relative_to(folder).as_posix()
        prefix = "" if at == "." else f"{at}/"
        dirs[:] = [d for d in dirs if d not in _NOT_WALKED and not d.startswith(".") and not skipped(prefix + d)]
        for name in files:
            count += 1
            if count > MAX_DOCS_FILES:
                return
            if not name.endswith(_SOURCE_SUFFIXES) or skipped(prefix + name):
                continue
            text = read_regular_text(Path(current, name), FILE_LIMIT) or ""
            yield from _DOCUMENTED.findall(text)
            for _indent, block in _SUMMARY.findall(text):
                yield from (line.strip().lstrip("~").split(".", 1)[0] for line in block.splitlines()
                            if line.strip() and not line.strip().startswith(":"))
