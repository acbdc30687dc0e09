"""A `!reset`/`!override` under a service that `extends:` another removed the key from the base service
too: `worker: {extends: web, environment: {DATABASE_URL: !reset null}}` left doctor's 'web' without its
DATABASE_URL (the child's copy of the base shared the base's environment mapping, and the reset
deleted from it), so a typo'd host there went unreported. compose keeps the base whole (checked
against `docker compose config --format json`)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions
from doctor.project.compose import load_project

_COMPOSE = """\
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
  web:
    image: busybox
    environment:
      DATABASE_URL: postgres://postgress:5432/app
      MODE: web
    ports: ["18101:80"]
    volumes: ["./code:/code"]
  worker:
    extends: web
    environment:
      DATABASE_URL: !reset null
      MODE: !override worker
    ports: !reset []
  beat:
    extends: web
    volumes: !override ["./other:/code"]
"""


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    (root / "code").mkdir(parents=True)
    (root / "other").mkdir()
    (root / "compose.yaml").write_text(_COMPOSE)
    return root


def test_the_base_keeps_what_its_children_reset(tmp_path: Path, compose_bin: str) -> None:
    root = _project(tmp_path)
    done = subprocess.run([compose_bin, "config", "--format", "json"], cwd=root, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin"}, check=True)
    said = {name: (service.get("environment") or {}, [p["published"] for p in service.get("ports", [])],
                   [v["source"] for v in service.get("volumes", [])])
            for name, service in json.loads(done.stdout)["services"].items()}
    model = load_project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    mine = {name: ({k: v.value for k, v in service.environment.items()}, [p.published for p in service.ports],
                   [m.source for m in service.volumes]) for name, service in model.services.items()}
    assert mine == said
    assert said["web"] == ({"DATABASE_URL": "postgres://postgress:5432/app", "MODE": "web"}, ["18101"],
                           [str(root / "code")])


def test_a_fault_in_the_base_is_still_found(tmp_path: Path) -> None:
    root = _project(tmp_path)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1"}
    report = preflight(RunOptions(project=ProjectOptions(path=root, env=env), select=("service-name-drift",), env=env),
                       load_registry()).report
    assert [(f.location.line if f.location else None, f.message) for f in report.findings] == [
        (9, "DATABASE_URL host 'postgress' names no service on the network (did you mean 'db'?)")]
