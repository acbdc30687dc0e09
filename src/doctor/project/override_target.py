"""Which compose file a fix writes its override entries to (dev_override): the loaded override, the
last explicit `-f` file where it overrides the dev stack (dev_stack_override), else a new override
beside the main file unless a dev container starts the stack with its own list of files
(devcontainer_compose_files). doctor.project.edits re-exports dev_override for the checks' fixes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from doctor.project import Project


def dev_override(project: Project, services: Collection[str] = ()) -> Path | None:
    """The dev override a fix writes to: always a file compose will read for this project.

    The loaded override (`compose.override.yaml`, `docker-compose.override.yml`, any
    `*.override.*`); else, when the files are named explicitly (-f, a file path, COMPOSE_FILE
    from the shell or `.env`) and there are several, the last of them (compose reads it and it
    wins the merge) when it overrides the dev stack (see dev_stack_override); else, under
    default discovery, a new override beside the main file. None when one explicit file is all
    compose reads (a new override there would never be read), and when the last -f file is an
    add-on of one feature (open-webui's `docker-compose.api.yaml`, which only publishes ollama's
    port): a fix written there comes back on a run without that -f. Where such an add-on is last and
    the fix concerns `services`, the last file before it whose name says dev is the override when no
    later file defines any of them (open-prices' `COMPOSE_FILE=docker-compose.yml;docker/dev.yml;
    docker/ocr.yml`, whose ocr.yml adds paddlex alone): its entries for them are what compose keeps.
    """
    from doctor.project.discover import OVERRIDE_NAMES

    model = project.compose
    loaded = [f for f in model.files if f.name in OVERRIDE_NAMES or ".override." in f.name]
    if loaded:
        return loaded[-1]
    options = project.options
    explicit = bool(options.files) or not Path(options.path).is_dir() or "COMPOSE_FILE" in model.variables
    if explicit:
        if len(model.files) > 1 and dev_stack_override(project, model.files[-1]):
            return model.files[-1]
        return _dev_file_before_add_ons(project, model.files, services) if services else None
    if not model.files:
        return None
    main = model.files[0]
    name = "docker-compose.override.yml" if main.name.startswith("docker-") else "compose.override.yaml"
    listed = {os.path.realpath(f) for f in devcontainer_compose_files(project, main)}
    if listed and os.path.realpath(main.parent / name) not in listed:
        return None  # the devcontainer starts the stack with -f of its own list: a new override is never read
    return main.parent / name


def _dev_file_before_add_ons(project: Project, files: Sequence[Path], services: Collection[str]) -> Path | None:
    """The last of `files` (not the first) whose name says dev, when no file after it defines any of
    `services` (a later file's value for them would win the merge); None otherwise."""
    later: set[str] = set()
    for index in range(len(files) - 1, 0, -1):
        path = files[index]
        words = set(re.split(r"[._-]+", path.name.lower()))
        if words & _DEV_WORDS and not words & _NOT_DEV_WORDS:
            return path if not later & set(services) else None
        later |= _services_of(project, path)
    return None


def _services_of(project: Project, path: Path) -> set[str]:
    """The services compose file `path` defines (as its documents write them)."""
    mine: set[str] = set()
    for found in project.compose_documents():
        if found.path != path:
            continue
        for doc in found.docs:
            services = doc.get("services") if isinstance(doc, Mapping) else None
            if isinstance(services, Mapping):
                mine.update(str(name) for name in services)
    return mine


_DEV_WORDS = frozenset({"dev", "develop", "development", "local", "override"})
_NOT_DEV_WORDS = frozenset({"prod", "production", "staging", "ci", "test", "tests"})


def dev_stack_override(project: Project, path: Path) -> bool:
    """Whether the last explicit compose file is the project's dev override, the file a fix may
    write to: its name says so (`docker-compose.dev.yml`, `compose.local.yaml`), or it configures
    every service of the stack. An add-on of one feature (`docker-compose.api.yaml`, `gpu.yaml`,
    which touch one service) is not: a fix for another service written there is lost on a run
    without it. A name saying prod/ci/test never is."""
    words = set(re.split(r"[._-]+", path.name.lower()))
    if words & _NOT_DEV_WORDS:
        return False
    if words & _DEV_WORDS:
        return True
    wanted = set(project.compose.services)
    return bool(wanted) and wanted <= _services_of(project, path)


def devcontainer_compose_files(project: Project, compose_file: Path) -> list[Path]:
    """The compose files the dev containers that start `compose_file` start their stack with (each
    passes its `dockerComposeFile`, one name or a list, relative to its devcontainer.json's folder, as
    `-f`, so compose discovers no override beside them): those all of them pass, in the first's order.
    [] when no dev container starts it.

    The dev containers are doctor.project.devcontainer's, read as JSON with comments (a commented-out
    `"dockerComposeFile"` is none): the project's folder's and those of each folder above it up to the
    checkout's top (wiki.js's .devcontainer/devcontainer.json, naming `../dev/containers/docker-compose.yml`),
    and a devcontainer.json beside `compose_file` (where a .devcontainer folder's contents are the project)."""
    from doctor.project.devcontainer import dev_containers, read_config

    beside = read_config(compose_file.parent / "devcontainer.json")
    wanted = os.path.realpath(compose_file)
    lists = [[*dev.compose_files] for dev in (*dev_containers(project), *([beside] if beside else []))
             if any(os.path.realpath(f) == wanted for f in dev.compose_files)]
    passed = [{os.path.realpath(f) for f in files} for files in lists[1:]]
    return [f for f in lists[0] if all(os.path.realpath(f) in each for each in passed)] if lists else []
