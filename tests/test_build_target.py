"""`build.target`: the stage compose builds, and only its stages' COPYs reach the image.

DefectDojo's dev override builds `target: development`; a later `FROM development AS
django-unittests` stage COPYs unittests/ and tests/, which a dev container never has.
"""

from __future__ import annotations

from pathlib import Path

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
