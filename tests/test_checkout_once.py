"""The git checkout around the project is looked up once per run (Project.repo).

A dozen readers (the script finder's scope, the CI workflows' and GitLab pipeline's folder, the
platform files, the worktrees' planned ports, the env files exported from the top...) each called
gitrepo.find_repo(project.root): a warm examples/clean-stack preflight looked the same checkout up
ten times, each resolving three paths and reading `.git` upwards (~0.3 ms each, ~3 % of the run's
instructions under callgrind). Counted, not timed.
"""

from __future__ import annotations

import io
import subprocess
import traceback
from pathlib import Path

import pytest
from portprobe import free_ports

from doctor import app
from doctor.project import Project, gitrepo


def test_a_preflight_looks_the_checkout_up_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD [\"./start.sh\"]\n")
    (tmp_path / "app" / "start.sh").write_text("#!/bin/sh\nexec python -m app\n")
    # db on a host port free now: a developer's own stack on 5432 would have port-collision plan a move, whose
    # readers (the worktrees' planned ports, the git index) are other runs' subject
    port = free_ports(1)[0]
    (tmp_path / "compose.yaml").write_text(f"services:\n  db:\n    image: postgres:16\n    ports: ['{port}:5432']\n"
                                           "  app:\n    build: ./app\n    volumes: ['./app:/app']\n"
                                           "    environment:\n      DB_HOST: db\n")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker compose up -d\n")
    (tmp_path / ".gitlab-ci.yml").write_text("t:\n  image: python:3.12\n  script: [docker compose up -d]\n")
    looked: list[Path] = []
    original = gitrepo.find_repo

    def counted(folder: Path) -> gitrepo.GitRepo | None:
        # the ownership walk (doctor.host.owners, a probe that may run beside the checks, or again when the
        # early walk is late on a loaded machine) asks for itself: it holds no Project
        if not any("doctor/host/owners.py" in frame.filename for frame in traceback.extract_stack()):
            looked.append(folder)
        return original(folder)

    projects: list[Project] = []
    made = Project.__init__

    def counted_project(self: Project, options: object) -> None:
        projects.append(self)
        made(self, options)  # type: ignore[arg-type]

    monkeypatch.setattr(gitrepo, "find_repo", counted)
    monkeypatch.setattr(Project, "__init__", counted_project)
    monkeypatch.setenv("DOCTOR_JOBS", "1")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "DOCTOR_NO_CACHE": "1",
           "DOCKER_HOST": "unix:///nonexistent"}
    app.preflight(app.PreflightOptions(path=tmp_path, format="json", env=env), io.StringIO())
    assert projects
    assert [f for f in looked if f.resolve() == tmp_path.resolve()] == [tmp_path] * len(projects)
