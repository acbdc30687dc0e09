"""The packages the host lacks that a host-vs-container finding names, the one the command needs first."""

from __future__ import annotations

import os
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.command_home import runner_started
from doctor.project.service_home import ServiceHome

# packages a project needs to develop it, not to run it: named after the app's own dependencies
_DEV_PACKAGE = lazy(r"(?:pytest|flake8|pylint|mypy|types|black|isort|ruff|coverage|bandit|pre-commit|tox|nox"
                    r"|ipython|ipdb|debugpy|autopep8|yapf|pyright|django-debug-toolbar)(?:-.*)?|.*-stubs")
_DEV_FILE = lazy(r"dev|test|lint")
_IMPORT = lazy(r"(?m)^[ \t]*(?:from[ \t]+([A-Za-z_]\w*)|import[ \t]+([A-Za-z_][\w \t,.]*))")
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})


# tools that run the project's code, which needs its dependencies first; a linter needs itself
_RUNS_THE_CODE = frozenset({"pytest", "py.test", "coverage", "tox", "nox", "python", "python3"})


def missing_first(project: Project, home: ServiceHome, tool: str, words: tuple[str, ...], cwd: Path) -> list[str]:
    """The packages the host lacks, the one to name first: the tool's own (`pytest`), then those the
    command's own code imports (its files, and the project's modules they import: the tests' `app`),
    those more of the files read import first (meet's tests: django, not the brevo-python one
    service imports), in the manifest's order where as many do, then the app's dependencies before
    the development tools of a dev requirements file (fastapi-tdd-docker's first line, 'black', is
    not what pytest needs)."""
    from doctor.project.manifests import normalize

    manifest = next((m for m in project.manifests(home.manifest.parent) if m.path == home.manifest), None)
    requirements = {r.name: r for r in manifest.requirements} if manifest is not None else {}
    modules = {r.module.split(".")[0] for r in requirements.values()}
    paths = [cwd / word.partition("=")[2] if word.startswith("-") else cwd / word for word in words[1:]]
    imported = _imported([p for p in paths if p != cwd and os.path.lexists(p)], modules, project.root)

    def importers(name: str) -> int:  # `import tortoise` is tortoise-orm's, `import pytest` not pytest-cov's
        found = requirements.get(name)
        prefix = name.split("-")[0]
        if found is None:
            return 0
        return imported.get(found.module.split(".")[0], 0) or (imported.get(prefix, 0) if prefix not in modules
                                                               else 0)

    counts = {name: importers(name) for name in requirements}

    def dev(name: str) -> bool:
        found = requirements.get(name)
        return _DEV_PACKAGE.fullmatch(name) is not None or (
            found is not None and _DEV_FILE.search(found.location.path.name) is not None)

    # healthchecks' mypy: listed in a requirements-dev.txt the image does not install, missing here too
    lacking = [*home.missing, *(name for name in home.unbuilt if name == normalize(tool))]
    # a tool of the dev group the image's `uv sync` installs: a linter or type checker first (`ruff check .`
    # needs ruff), a test runner after what the tests need (the fastapi template's pytest: fastapi)
    synced = [name for name in home.synced if name == normalize(tool)]
    lead = tool if tool in lacking or (synced and tool not in _RUNS_THE_CODE) else ""
    # what most of the files read import first (nearly every test of a Django app imports django)
    return sorted([*lacking, *synced], key=lambda name: (name != lead, -counts.get(name, 0), dev(name)))


def named_lacking(project: Project, home: ServiceHome, words: tuple[str, ...], cwd: Path) -> list[str]:
    """missing_first for a command line typed in `cwd` (`doctor exec`'s): its tool is the module of
    `python -m pytest`, else the program it starts (a runner's, `poetry run pytest`), as preflight's
    finding reads a task's command, so both name the same packages."""
    started = runner_started(words) or words
    tool = started[2] if len(started) > 2 and started[0].rpartition("/")[2].startswith("python") and \
        started[1] == "-m" else started[0].rpartition("/")[2]
    return missing_first(project, home, tool, words, cwd)


def _imported(paths: list[Path], packages: set[str], root: Path, budget: int = 200) -> dict[str, int]:
    """The top-level modules the Python files at `paths` (files, or folders walked) import, with those
    the project's own modules they import do (`from app.main import app` in a test: app/main.py's
    fastapi): a module no requirement provides, found beside a path or in a folder above it up to
    `root`. Each with how many of the files read import it (each file read once). A bounded read:
    `budget` files at most."""
    from doctor.project.reading import read_regular_text

    files: list[Path] = []
    read: set[Path] = set()
    counts: dict[str, int] = {}

    def add(path: Path) -> None:
        if path.is_file() and path.suffix == ".py":
            files.append(path)
        elif path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
                files.extend(Path(folder) / n for n in sorted(names) if n.endswith(".py"))
                if len(files) >= budget:
                    break

    def imports() -> None:
        for file in files[:budget]:
            if file in read:  # a test folder inside the package it tests: counted once
                continue
            read.add(file)
            found: set[str] = set()
            for match in _IMPORT.finditer(read_regular_text(file, 64 * 1024) or ""):
                names = [match.group(1)] if match.group(1) else match.group(2).split(",")
                found |= {name.split()[0].split(".")[0] for name in names if name.strip()}
            for module in found:
                counts[module] = counts.get(module, 0) + 1

    for path in paths:
        add(path)
    imports()
    folders = sorted({f for path in paths for f in (path, *path.parents) if f.is_relative_to(root)})
    own = [local for name in sorted(counts.keys() - packages) for folder in folders
           for local in (folder / name, folder / f"{name}.py") if local not in paths and local.exists()]
    if own:
        del files[:]
        for local in dict.fromkeys(own):
            add(local)
        imports()
    return counts
