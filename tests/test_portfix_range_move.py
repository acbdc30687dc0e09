"""`doctor fix --ports` moves a host range mapped onto a container range whole (checks/port_collision/range_move.py).

localstack's docker-compose.yml (tests/replay/localstack) publishes `"127.0.0.1:4510-4559:4510-4559"` beside its
gateway `"127.0.0.1:4566:4566"`. In a second worktree beside the first one's running stack (or with one port of
the range held by a dev server), `doctor fix --ports --yes` moved the gateway and skipped the range: "publish
'localstack' on a host port range that avoids 4510-4559: advice only", exit 1, and `up` failed on the range.
The range now moves as a block, its container side kept (`"127.0.0.1:20201-20250:4510-4559"`), and a second
preflight is clean.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_port_collision_live import compose, project_name
from test_port_range_pick import free_run, hold
from test_ports_worktrees_live import free_pool

REPLAY = Path(__file__).parent / "replay" / "localstack"
RANGE = "4510-4559:4510-4559"


def _copy(root: Path, first: int, image: str | None = None) -> Path:
    """The localstack copy with its gateway on `first` and its range on the 50 ports above it."""
    shutil.copytree(REPLAY, root)
    path = root / "docker-compose.yml"
    text = path.read_text().replace("4566:4566", f"{first}:4566").replace(RANGE, f"{first + 1}-{first + 50}:4510-4559")
    if image is not None:  # a stand-in that keeps running (no registry here)
        text = text.replace("image: localstack/localstack", f"image: {image}\n    command: [sleep, '3600']")
    path.write_text(text)
    return root


def _doctor(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    environ.update(HOME=str(root.parent / "home"), XDG_STATE_HOME=str(root.parent / "state"), **(env or {}))
    return subprocess.run([sys.executable, "-m", "doctor", *args], cwd=root, capture_output=True, text=True,
                          timeout=180, env=environ)


def _published(override: Path) -> list[str]:
    return re.findall(r'- "([^"]+)"', override.read_text())


@pytest.fixture
def holders() -> Iterator[list[subprocess.Popen[str]]]:
    """Listeners this test starts, killed by their pids at the end."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        proc.kill()
        proc.wait()


@pytest.fixture
def compose_projects(docker_engine: str) -> Iterator[list[tuple[str, Path]]]:
    """Compose projects this test starts, taken down (with their volumes and networks) at the end."""
    started: list[tuple[str, Path]] = []
    yield started
    for name, folder in started:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-v", "--timeout", "1", "--remove-orphans"],
                       cwd=folder, capture_output=True, timeout=120)


NO_ENGINE = {"DOCKER_HOST": "tcp://127.0.0.1:9"}  # no engine: the bind probes alone judge the ports


def test_a_port_of_the_range_held_moves_the_whole_range(tmp_path: Path, holders: list[subprocess.Popen[str]]) -> None:
    first = free_run(60)
    root = _copy(tmp_path / "localstack", first)
    written = (root / "docker-compose.yml").read_text()
    holders.append(hold(first + 10))  # a dev server on one port of the range
    fixed = _doctor(root, "fix", "--ports", "--yes", env=NO_ENGINE)
    assert "Traceback" not in fixed.stderr, fixed.stderr
    assert "advice only" not in fixed.stdout, fixed.stdout
    moved = re.search(rf"move 'localstack' from host ports {first + 1}-{first + 50} to (\d+)-(\d+) "
                      r"\(docker-compose.override.yml ports !override\)", fixed.stdout)
    assert moved is not None, fixed.stdout
    start, end = int(moved[1]), int(moved[2])
    assert end - start == 49 and not first <= start <= first + 50 and not first <= end <= first + 50, moved[0]
    # the gateway stays as written; the range's container side is kept
    assert _published(root / "docker-compose.override.yml") == [f"127.0.0.1:{first}:4566",
                                                                  f"127.0.0.1:{start}-{end}:4510-4559"]
    assert (root / "docker-compose.yml").read_text() == written
    again = _doctor(root, "preflight", "--select", "port-collision", env=NO_ENGINE)
    assert again.returncode == 0 and "0 errors, 0 warnings" in again.stdout, again.stdout


def test_a_range_written_with_a_variable_stays_advice(tmp_path: Path, holders: list[subprocess.Popen[str]]) -> None:
    """A range read from a variable is the author's to set: no block is written for it."""
    first = free_run(60)
    root = _copy(tmp_path / "localstack", first)
    path = root / "docker-compose.yml"
    path.write_text(path.read_text().replace(f"{first + 1}-{first + 50}:", f"${{RANGE:-{first + 1}-{first + 50}}}:"))
    holders.append(hold(first + 10))
    fixed = _doctor(root, "fix", "--ports", "--yes", env=NO_ENGINE)
    assert "Traceback" not in fixed.stderr, fixed.stderr
    assert "advice only" in fixed.stdout and "from host ports" not in fixed.stdout, fixed.stdout


def _own_pool(track: Path, first: int) -> None:
    """A tracked doctor.yaml giving this run's fixes a pool of their own, away from the copy's ports: with the
    default pool, two test runs on one engine (each with its own port registry) gave their second worktree the
    same first block, and the later `up` failed ("Bind for 127.0.0.1:20000 failed: port is already allocated")."""
    pool = free_pool()
    while pool <= first + 110 and first <= pool + 300:
        pool = free_pool()
    (track / "doctor.yaml").write_text(f"ports:\n  range: {pool}-{pool + 999}\n")


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env, timeout=60)


@pytest.mark.docker
def test_a_second_worktree_beside_the_first_ones_stack_settles_and_starts(
        tmp_path: Path, docker_engine: str, busybox_image: str, compose_projects: list[tuple[str, Path]]) -> None:
    first = free_run(110)
    track_a, track_b = tmp_path / "localstack", tmp_path / "localstack-b"
    _copy(track_a, first, busybox_image)
    _own_pool(track_a, first)
    _git(track_a, "init", "-q", "-b", "main")
    _git(track_a, "add", "-A")
    _git(track_a, "commit", "-q", "-m", "i")
    _git(track_a, "worktree", "add", "-q", str(track_b), "-b", "b")
    names = {track: project_name("doctor-test-range") for track in (track_a, track_b)}
    for track, name in names.items():  # container names of this run's own (each .env untracked)
        (track / ".env").write_text(f"LOCALSTACK_DOCKER_NAME={name}\nCOMPOSE_PROJECT_NAME={name}\n")
        compose_projects.append((name, track))
    up = compose(docker_engine, track_a, names[track_a], "up", "-d")
    assert up.returncode == 0, up.stderr
    fixed = _doctor(track_b, "fix", "--ports", "--yes")
    assert "Traceback" not in fixed.stderr, fixed.stderr
    assert f"move 'localstack' from host ports {first + 1}-{first + 50} to " in fixed.stdout, fixed.stdout
    assert "advice only" not in fixed.stdout and "0 failed" in fixed.stdout, fixed.stdout
    again = _doctor(track_b, "preflight", "--select", "port-collision")
    assert again.returncode == 0, again.stdout
    up = compose(docker_engine, track_b, names[track_b], "up", "-d")
    assert up.returncode == 0, up.stderr


@pytest.mark.docker
def test_beside_a_tracked_override_the_range_goes_to_the_worktree_ports_file_once(
        tmp_path: Path, docker_engine: str, busybox_image: str, compose_projects: list[tuple[str, Path]]) -> None:
    """With the dev override tracked, the move goes to the worktree's compose.ports.yaml; .env is tracked too, so
    COMPOSE_FILE is the shell's to export, and a second run before it keeps the planned range (it said "publish
    'localstack' on a host port range that avoids ..." and would have planned another block)."""
    first = free_run(110)
    track_a, track_b = tmp_path / "localstack", tmp_path / "localstack-b"
    _copy(track_a, first, busybox_image)
    (track_a / "docker-compose.override.yml").write_text("services:\n  localstack:\n    environment:\n"
                                                         "      - DEBUG=1\n")
    (track_a / ".env").write_text("DEBUG=1\n")  # tracked: COMPOSE_FILE cannot be set there
    _own_pool(track_a, first)
    _git(track_a, "init", "-q", "-b", "main")
    _git(track_a, "add", "-A")
    _git(track_a, "commit", "-q", "-m", "i")
    _git(track_a, "worktree", "add", "-q", str(track_b), "-b", "b")
    names = {track: project_name("doctor-test-range") for track in (track_a, track_b)}
    env = {track: {"LOCALSTACK_DOCKER_NAME": name, "COMPOSE_PROJECT_NAME": name} for track, name in names.items()}
    for track, name in names.items():
        compose_projects.append((name, track))
    up = subprocess.run([docker_engine, "compose", "up", "-d"], cwd=track_a, capture_output=True, text=True,
                        timeout=180, env={**os.environ, **env[track_a]})
    assert up.returncode == 0, up.stderr
    fixed = _doctor(track_b, "fix", "--ports", "--yes", env=env[track_b])
    moved = re.search(rf"move 'localstack' from host ports {first + 1}-{first + 50} to (\d+-\d+) \(compose.ports.yaml",
                      fixed.stdout)
    assert moved is not None and "export COMPOSE_FILE=" in fixed.stdout, fixed.stdout
    planned = (track_b / "compose.ports.yaml").read_text()
    assert f'"127.0.0.1:{moved[1]}:4510-4559"' in planned, planned
    again = _doctor(track_b, "fix", "--ports", "--yes", env=env[track_b])
    assert f"publish 'localstack' on {moved[1]}, not {first + 1}-{first + 50}, as compose.ports.yaml does" \
        in again.stdout and "applied  " not in again.stdout, again.stdout
    assert (track_b / "compose.ports.yaml").read_text() == planned
    exported = {**env[track_b], "COMPOSE_FILE": "docker-compose.yml:docker-compose.override.yml:compose.ports.yaml"}
    clean = _doctor(track_b, "preflight", "--select", "port-collision", env=exported)
    assert clean.returncode == 0, clean.stdout
    up = subprocess.run([docker_engine, "compose", "up", "-d"], cwd=track_b, capture_output=True, text=True,
                        timeout=180, env={**os.environ, **exported})
    assert up.returncode == 0, up.stderr


@pytest.mark.docker
def test_two_owners_of_the_range_get_one_move(tmp_path: Path, docker_engine: str, busybox_image: str,
                                              holders: list[subprocess.Popen[str]],
                                              compose_projects: list[tuple[str, Path]]) -> None:
    """A dev server on one port of the range, another project's container on another: each finding offers its
    own stop, and the one move of the range they share was listed (and planned) twice."""
    first = free_run(60)
    root = _copy(tmp_path / "localstack", first)
    holders.append(hold(first + 10))
    other, theirs = project_name("doctor-test-range-other"), tmp_path / "other"
    theirs.mkdir()
    (theirs / "compose.yaml").write_text(f"services:\n  srv:\n    image: {busybox_image}\n"
                                         f"    command: [sleep, '3600']\n    ports: ['{first + 20}:80']\n")
    compose_projects.append((other, theirs))
    up = compose(docker_engine, theirs, other, "up", "-d")
    assert up.returncode == 0, up.stderr
    fixed = _doctor(root, "fix", "--ports", "--yes")
    assert fixed.stdout.count(f"move 'localstack' from host ports {first + 1}-{first + 50} to ") == 1, fixed.stdout
    assert "1 applied" in fixed.stdout and "0 failed" in fixed.stdout, fixed.stdout
    again = _doctor(root, "preflight", "--select", "port-collision")
    assert again.returncode == 0, again.stdout
