"""compose-config: a named additional build context (compose 2.17's `build.additional_contexts`) that is
a folder not there. `docker compose config` accepts it; `build` (and `up`, which builds) stops with
`failed to get build context shared: stat /abs/shared: no such file or directory`; doctor said
nothing. The folders are resolved as compose resolves them (checked against `config --format json`:
the map and the `name=path` list, in an included file from that file's folder; a `service:`,
`docker-image://` or URL context is no folder), and each missing one is an error at its line."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest
from doctor.checks.compose_config import ComposeConfig

from doctor.host import Host
from doctor.project import Project, ProjectOptions

_COMPOSE = """\
include: [inc/compose.yaml]
services:
  app:
    image: doctor-test/additional-contexts:app
    build:
      context: .
      additional_contexts:
        - shared=../shared
        - img=docker-image://alpine:3.20
        - repo=https://github.com/docker/compose.git
  b:
    build:
      context: .
      additional_contexts:
        here: ./here
        base: service:app
"""


def _project(root: Path) -> Path:
    (root / "p" / "inc" / "lib").mkdir(parents=True)
    (root / "p" / "here").mkdir()
    (root / "shared").mkdir()
    (root / "p" / "compose.yaml").write_text(_COMPOSE)
    (root / "p" / "Dockerfile").write_text("FROM scratch\nCOPY --from=shared . /shared\n")
    (root / "p" / "inc" / "compose.yaml").write_text(
        "services:\n  c:\n    build:\n      context: .\n      additional_contexts:\n        lib: ./lib\n")
    (root / "p" / "inc" / "Dockerfile").write_text("FROM scratch\n")
    return root / "p"


def _env(root: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(root.parent), "DOCTOR_NO_CACHE": "1"}


def _errors(root: Path) -> list[str]:
    env = _env(root)
    project = Project(ProjectOptions(path=root, env=env))
    return [f"{f.location.line if f.location else None}: {f.message} | {f.fix.title if f.fix else ''}"
            for f in ComposeConfig().run(project, Host(env=env, timeout=1.0)) if "build context" in f.message]


def test_the_folders_are_the_ones_compose_resolves(tmp_path: Path, compose_bin: str) -> None:
    root = _project(tmp_path)
    done = subprocess.run([compose_bin, "config", "--format", "json"], cwd=root, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin"}, check=True)
    said = {(name, key, value) for name, service in json.loads(done.stdout)["services"].items()
            for key, value in service["build"].get("additional_contexts", {}).items() if value.startswith("/")}
    project = Project(ProjectOptions(path=root, env=_env(root)))
    mine = {(name, key, path) for name, service in project.services.items() if service.build
            for key, path, _ in service.build.contexts}
    assert mine == said == {("app", "shared", str(tmp_path / "shared")), ("b", "here", str(root / "here")),
                            ("c", "lib", str(root / "inc" / "lib"))}
    assert _errors(root) == []


@pytest.mark.parametrize(("gone", "line", "name", "whose"), [
    ("../shared", 8, "shared", "app"), ("here", 15, "here", "b"), ("inc/lib", 6, "lib", "c")])
def test_a_missing_folder_is_an_error_at_its_line(tmp_path: Path, compose_bin: str, gone: str, line: int,
                                                  name: str, whose: str) -> None:
    root = _project(tmp_path)
    (root / gone).rmdir()
    done = subprocess.run([compose_bin, "config", "-q"], cwd=root, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0  # config passes: the build is where it stops
    shown = "../shared" if gone == "../shared" else gone
    assert _errors(root) == [f"{line}: '{whose}' takes build context '{name}' from {shown}/, which does not exist: "
                             f"the build fails | create {shown}/ or point additional_contexts.{name} of '{whose}' "
                             "at the right path"]


@pytest.mark.docker
def test_compose_build_stops_on_it(tmp_path: Path, compose_bin: str, docker_engine: str) -> None:
    """What doctor reports is where `docker compose build` stops (no image is made: it fails first)."""
    root = _project(tmp_path)
    (tmp_path / "shared").rmdir()
    name = f"doctor-h-compat-{uuid.uuid4().hex[:8]}"
    done = subprocess.run([compose_bin, "-p", name, "build", "app"], cwd=root, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode != 0
    assert f"failed to get build context shared: stat {tmp_path / 'shared'}: no such file or directory" in done.stderr
    assert [e.split(" | ")[0] for e in _errors(root)] == [
        "8: 'app' takes build context 'shared' from ../shared/, which does not exist: the build fails"]
