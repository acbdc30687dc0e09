"""The running stacks of other worktrees the planned ports read: running ones of sibling worktrees, at most 16.

The cap was applied to every compose project on the engine, stopped ones and other repositories' included,
sorted by name: on a machine with 16 projects named before the sibling's (a CI runner's leftovers, other
repos' stacks), the sibling's running stack was never read. A stopped sibling stack counted as running.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from doctor.checks.port_collision.planned import _running_siblings

from doctor.host.engine import EngineConnection
from doctor.host.ports import PortProber
from doctor.project import Project, ProjectOptions

COMPOSE = 'services:\n  web:\n    image: busybox\n    ports:\n      - "${WEB_PORT:-18801}:80"\n'


class _Engine(EngineConnection):
    """An engine listing `containers` ({State, Labels}), honouring `all=1` and a `status` filter as docker does."""

    def __init__(self, containers: list[dict[str, object]]) -> None:
        super().__init__(None, "no engine in these tests")
        self.containers = containers

    def get_json(self, path: str, *args: object, **kwargs: object) -> list[dict[str, object]]:
        query = parse_qs(urlsplit(path).query)
        status = json.loads(query.get("filters", ["{}"])[0]).get("status")
        wanted = status or (None if query.get("all") == ["1"] else ["running"])
        return [c for c in self.containers if wanted is None or c["State"] in wanted]


class _Host:
    def __init__(self, containers: list[dict[str, object]]) -> None:
        self.engine = _Engine(containers)
        self.ports = PortProber(self)  # type: ignore[arg-type]  (no listing read: it asks the engine)


def _container(project: str, folder: Path, state: str = "running") -> dict[str, object]:
    return {"State": state, "Ports": [], "Labels": {
        "com.docker.compose.project": project, "com.docker.compose.service": "db",
        "com.docker.compose.project.working_dir": str(folder),
        "com.docker.compose.project.config_files": str(folder / "compose.yaml")}}


def _repo(tmp_path: Path) -> tuple[Project, Path]:
    main, feature = tmp_path / "repo", tmp_path / "track-b"
    main.mkdir()
    (main / "compose.yaml").write_text(COMPOSE)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-q", "-m", "i"),
                 ("worktree", "add", "-q", str(feature), "-b", "track-b")):
        subprocess.run(["git", *args], cwd=main, check=True, capture_output=True, env=env, timeout=60)
    env = {"HOME": str(tmp_path / "home"), "XDG_STATE_HOME": str(tmp_path / "state"), "PATH": "/usr/bin:/bin",
           "DOCTOR_NO_CACHE": "1"}
    return Project(ProjectOptions(path=feature, env=env)), main


def test_the_cap_counts_only_running_stacks_of_sibling_worktrees(tmp_path: Path) -> None:
    project, main = _repo(tmp_path)
    others = [_container(f"aaa-{n:02}", tmp_path / f"elsewhere-{n}") for n in range(16)]
    others += [_container(f"aab-{n:02}", main, "exited") for n in range(4)]  # stopped, in the sibling's folder
    found = _running_siblings(project, _Host([*others, _container("zzz-repo", main)]))  # type: ignore[arg-type]
    assert [(str(s), w, svc) for s, w, svc in found] == [("0.0.0.0:18801/tcp", "repo", "web")]


def test_a_stopped_sibling_stack_runs_nothing(tmp_path: Path) -> None:
    project, main = _repo(tmp_path)
    assert _running_siblings(project, _Host([_container("repo", main, "exited")])) == []  # type: ignore[arg-type]
