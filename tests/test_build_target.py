"""`build.target`: the stage compose builds, and only its stages' COPYs reach the image.

DefectDojo's dev override builds `target: development`; a later `FROM development AS
django-unittests` stage COPYs unittests/ and tests/, which a dev container never has.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.project import Project, ProjectOptions

DOCKERFILE = """\
FROM python:3.12-slim AS base
WORKDIR /app
COPY app/ ./app/

FROM base AS development
COPY scripts/ ./scripts/

FROM development AS tests
COPY tests/ ./tests/
"""


def _project(tmp_path: Path) -> Project:
    for folder in ("app", "scripts", "tests"):
        (tmp_path / folder).mkdir()
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  web:\n    build: {context: ., target: development}\n"
        "  tester:\n    build: {context: ., target: tests}\n"
        "  final:\n    build: .\n"
    )
    return Project(ProjectOptions(path=tmp_path, env={}))


def _copied(project: Project, name: str) -> set[str]:
    return {p.host.name for p in project.code_map(project.services[name]).copies}


def test_the_target_is_read_from_compose(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert project.services["web"].build is not None
    assert project.services["web"].build.target == "development"
    assert project.services["final"].build is not None
    assert project.services["final"].build.target is None


def test_a_target_stage_copies_only_its_own_and_its_ancestors_folders(tmp_path: Path) -> None:
    project = _project(tmp_path)
    # asked in this order, a cache keyed by Dockerfile alone gave 'web' the tests stage's copies
    assert _copied(project, "tester") == {"app", "scripts", "tests"}
    assert _copied(project, "web") == {"app", "scripts"}
    assert _copied(project, "final") == {"app", "scripts", "tests"}
    dockerfile = project.dockerfile(project.services["web"])
    assert dockerfile is not None
    assert {s for c in dockerfile.copies for s in c.sources} == {"app/", "scripts/"}


def test_a_services_entrypoint_script_and_its_image_content_come_from_its_target(tmp_path: Path) -> None:
    # nickjj/docker-flask-example: css/js build `target: assets` (node), web `target: app` whose
    # ENTRYPOINT runs bin/docker-entrypoint-web; the CRLF script was said to reach 'css' (first by name)
    from doctor.project.shipped import shipped_scripts

    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "docker-entrypoint-web").write_text("#!/bin/bash\r\nexec \"$@\"\r\n")
    (tmp_path / "Dockerfile").write_text(
        "FROM node:24-slim AS assets\nWORKDIR /app/assets\nCMD [\"bash\"]\n\n"
        "FROM python:3.14-slim AS app\nWORKDIR /app\nCOPY bin/ ./bin\n"
        "ENTRYPOINT [\"/app/bin/docker-entrypoint-web\"]\nCMD [\"gunicorn\"]\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  css:\n    build: {context: ., target: assets}\n    volumes: ['.:/app']\n"
        "  web:\n    build: {context: ., target: app}\n")
    project = Project(ProjectOptions(path=tmp_path, env={}))
    found = [(s.path.name, s.service, s.how) for s in shipped_scripts(project)]
    assert found == [("docker-entrypoint-web", "web", "ENTRYPOINT")]  # css mounts it, web runs it


@pytest.mark.parametrize(("rc", "text", "hidden"), [
    (None, "", "/app/assets/node_modules"),
    (".yarnrc", "--modules-folder /node_modules\n", None),  # nickjj's assets/.yarnrc: outside the bind
    (".yarnrc", 'modules-folder "../deps"\n', "/app/deps"),
    (".yarnrc.yml", "nodeLinker: pnp\n", None),
    (".yarnrc.yml", "nodeLinker: node-modules\n", "/app/assets/node_modules"),
])
def test_the_target_stages_installs_are_the_ones_a_bind_can_hide(tmp_path: Path, rc: str | None, text: str,
                                                                  hidden: str | None) -> None:
    # nickjj/docker-flask-example: css builds `target: assets`, whose `yarn install` runs in /app/assets,
    # and binds .:/app; the final stage (python) installs nothing there
    from doctor.checks.volume_shadowing import VolumeShadowing

    from doctor.host import Host

    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "package.json").write_text("{}\n")
    if rc is not None:
        (tmp_path / "assets" / rc).write_text(text)
    (tmp_path / "Dockerfile").write_text(
        "FROM node:24-slim AS assets\nWORKDIR /app/assets\nCOPY assets/package.json assets/*yarn* ./\n"
        "RUN yarn install\n\nFROM python:3.14-slim AS app\nWORKDIR /app\nCOPY . .\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  css:\n    build: {context: ., target: assets}\n    volumes: ['.:/app']\n")
    project = Project(ProjectOptions(path=tmp_path, env={}))
    found = [f.message for f in VolumeShadowing().run(project, Host(env={}))]
    assert found == ([f"'css' bind .:/app hides {hidden} (yarn, Dockerfile:4)"] if hidden else [])


def test_the_languages_a_service_image_installs_are_its_targets(tmp_path: Path) -> None:
    # the assets stage installs node packages, the final stage python ones: a service built at
    # `target: assets` holds node_modules, not the python packages (host-vs-container's service homes)
    from doctor.project.image_languages import _installing_languages
    from doctor.project.service_home import Language

    (tmp_path / "Dockerfile").write_text(
        "FROM node:24-slim AS assets\nWORKDIR /app/assets\nRUN yarn install\n\n"
        "FROM python:3.14-slim AS app\nWORKDIR /app\nRUN pip install -r requirements.txt\n")
    (tmp_path / "compose.yaml").write_text("services:\n  css:\n    build: {context: ., target: assets}\n")
    project = Project(ProjectOptions(path=tmp_path, env={}))
    dockerfile = tmp_path / "Dockerfile"
    assert _installing_languages(project, dockerfile, "assets") == {Language.NODE}
    assert _installing_languages(project, dockerfile) == {Language.PYTHON}
