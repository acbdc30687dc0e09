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

What the image runs is read by doctor.project.image_runs, what its `pip install`s name by
doctor.project.pip_installs, and whether it lacks a tool by doctor.project.image_dev_tools; here: how
a command reaches what a service installs at start, the repo's own project an image installs, and the
requirements files it installs.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project

# image_lacks, not_installed, listed_for_development, dev_install, unlisted_in and syncs_dev_groups are
# re-exported: checks and service_home import them from here
from doctor.project.image_dev_tools import dev_install as dev_install
from doctor.project.image_dev_tools import image_lacks as image_lacks
from doctor.project.image_dev_tools import listed_for_development as listed_for_development
from doctor.project.image_dev_tools import not_installed as not_installed
from doctor.project.image_dev_tools import syncs_dev_groups as syncs_dev_groups
from doctor.project.image_dev_tools import unlisted_in as unlisted_in
from doctor.project.image_runs import _runs, _started
from doctor.project.pip_installs import _SEGMENTS, _local_targets, _pip_commands, _requirement_at, _requirement_files
from doctor.project.reading import is_dir, is_file
from doctor.project.service_home import ServiceHome

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
        return host[0] if host is not None and is_dir(host[0]) and is_python_project(host[0]) else None

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
    return [host[0] for host in files if host is not None and is_file(host[0])]


