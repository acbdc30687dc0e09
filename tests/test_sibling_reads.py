"""A compose file beside the loaded ones is parsed once a run for both of its readers.

runtime-drift reads a sibling's builds (`sibling_builds`), image-availability the images it builds
(`sibling_image_builds`): each parsed the same file on its own, so a first preflight on
opentelemetry-demo parsed compose.full.yaml and compose.observability.yaml twice each (~13M
instructions). One remembered read (doctor.project.memo kind `sibling-reads`) now serves both, and
what each answers is unchanged.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from trees import write_tree

from doctor.project import Project, ProjectOptions, memo, yamlload
from doctor.project.sibling_builds import sibling_builds, sibling_image_builds

DEV = "services:\n  web:\n    build: ./web\n    image: shop/web:dev\n"
PROD = ("services:\n  web:\n    image: shop/web:prod\n    build:\n      context: ./web\n"
        "      dockerfile: Dockerfile.prod\n      args:\n        - PYTHON=3.9\n")


def _project(tmp_path: Path) -> Project:
    root = write_tree(tmp_path, {"compose.yaml": DEV, "compose.prod.yaml": PROD, "web/Dockerfile": "FROM python:3.11\n",
                                 "web/Dockerfile.prod": "FROM python:3.9\n"})
    past = time.time() - 60  # older than memo.RACY_NS: a value read from it may be kept
    for path in root.rglob("*"):
        os.utime(path, (past, past))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}
    return Project(ProjectOptions(path=root, env=env))


def test_a_sibling_is_parsed_once_for_its_builds_and_its_images(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path)
    compose = project.compose
    parsed: list[Path] = []
    real = yamlload.load_documents

    def counted(path: Path) -> tuple[list[yamlload.YMap | None], list[tuple[tuple[str, ...], str]]]:
        parsed.append(path)
        return real(path)

    monkeypatch.setattr(yamlload, "load_documents", counted)
    [found] = sibling_builds(compose)
    images = sibling_image_builds(compose)
    prod = project.root / "compose.prod.yaml"
    assert (found.file, found.service, found.build.dockerfile, found.build.args[0][:2]) == (
        prod, "web", "Dockerfile.prod", ("PYTHON", "3.9"))
    assert images == {"shop/web:prod": (prod, "web")}
    assert parsed == [prod]  # once, not once per reader


def test_an_edited_sibling_is_read_again(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert sibling_image_builds(project.compose) == {"shop/web:prod": (project.root / "compose.prod.yaml", "web")}
    memo.forget()
    prod = project.root / "compose.prod.yaml"
    prod.write_text(PROD.replace("shop/web:prod", "shop/web:release"))
    assert sibling_image_builds(project.compose) == {"shop/web:release": (prod, "web")}
    assert [s.build.dockerfile for s in sibling_builds(project.compose)] == ["Dockerfile.prod"]
