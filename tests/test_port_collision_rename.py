"""port-collision: a checkout that shares its compose project name with another one's running stack
gets its own name written where compose reads it, so one `doctor fix --ports` leaves a stack that starts.

nickjj/docker-flask-example (MIT, 0f36a9d7): `cp .env.example .env` in two worktrees gives both
`export COMPOSE_PROJECT_NAME=helloflask` in a `.env` git ignores. With worktree a up, `doctor fix
--ports --yes` in b printed `skipped ... advice only` and changed nothing: the rename was left to
the developer, then a second `fix --ports` had to move 8000 (which a's web holds once b has a name
of its own). The line is in an untracked file, as a port variable's line is, which fix --ports
does edit. The fake-engine tests need no docker; the docker-marked one uses the real engine with
per-run `doctor-test-<hex>` project names and ports free at run time, and removes what it creates.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine
from test_port_collision_review import free_ports, git, repository
from test_ports_worktrees_live import free_pool

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fix_report import FixStatus, render_fix_report
from doctor.fixer import FixOptions, fix
from doctor.model import Finding, Safety, Severity
from doctor.project import ProjectOptions

# the lines of docker-flask-example's compose.yaml and .env.example that name the project and its port
COMPOSE = ("services:\n"
           "  web:\n"
           "    image: {image}\n"
           "    command: [httpd, -f, -p, '8000']\n"
           "    ports:\n"
           "      - \"${{DOCKER_WEB_PORT_FORWARD:-127.0.0.1:8000}}:${{PORT:-8000}}\"\n")
DOTENV = ("# Which environment is running?\n"
          "export COMPOSE_PROJECT_NAME={name}\n"
          "export DOCKER_WEB_PORT_FORWARD={port}\n")


def worktrees(root: Path, name: str, port: int, image: str = "busybox",
              pool: int | None = None) -> tuple[Path, Path]:
    """Worktrees a and b of one repository, each with its own untracked `.env` copied from the template; with
    `pool`, a doctor.yaml giving fix --ports this run's own pool (two runs on one engine each take their own)."""
    files = {"compose.yaml": COMPOSE.format(image=image), ".gitignore": ".env\n"}
    if pool is not None:
        files["doctor.yaml"] = f"ports:\n  range: {pool}-{pool + 999}\n"
    a = repository(root / "a", files)
    git(a, "worktree", "add", "-q", "-b", "b", "../b")
    b = root / "b"
    for checkout in (a, b):
        (checkout / ".env").write_text(DOTENV.format(name=name, port=port))
    return a, b


def namesake(b: Path, env: dict[str, str], project_name: str | None = None) -> Finding:
    run = preflight(RunOptions(project=ProjectOptions(path=b, env=env, project_name=project_name),
                               select=("port-collision",), env=env), load_registry())
    (result,) = run.report.results
    (found,) = [f for f in result.findings if f.subject.startswith("project:")]
    return found


def engine_routes(name: str, a: Path, port: int) -> dict[str, object]:
    listed = [{"Id": "ab" * 32, "Names": [f"/{name}-web-1"], "State": "running",
               "Ports": [{"IP": "0.0.0.0", "PrivatePort": 8000, "PublicPort": port, "Type": "tcp"}],
               "Labels": {"com.docker.compose.project": name, "com.docker.compose.service": "web",
                          "com.docker.compose.project.working_dir": str(a)}}]
    return {"/containers/json": listed}


def test_an_untracked_env_file_gets_this_checkouts_own_name(short_dir: Path) -> None:
    a, b = worktrees(short_dir, "helloflask", 8000)
    fake = FakeEngine(short_dir / "e.sock", engine_routes("helloflask", a, 8000))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(short_dir), "DOCKER_HOST": fake.url}
    try:
        found = namesake(b, env)
        given = namesake(b, env, project_name="helloflask")  # -p on the command line: no file names it
    finally:
        fake.close()
    assert found.severity is Severity.ERROR and found.fix is not None
    assert found.fix.safety is Safety.UNSAFE, found.fix  # the checkout's own volumes from now on: asked
    (edit,) = found.fix.edits
    assert (edit.path, edit.line) == (b / ".env", 2)
    assert (edit.old, edit.new) == ("export COMPOSE_PROJECT_NAME=helloflask",
                                    "export COMPOSE_PROJECT_NAME=helloflask-b")
    assert found.fix.title == ("give this checkout its own compose project name: COMPOSE_PROJECT_NAME=helloflask-b "
                               "(.env COMPOSE_PROJECT_NAME, which git does not track)")
    assert given.fix is not None and given.fix.safety is Safety.ADVICE and not given.fix.edits
    assert given.fix.command[given.fix.command.index("-p") + 1] == "helloflask-b"


def test_a_name_from_the_shell_or_a_tracked_env_file_stays_advice(short_dir: Path) -> None:
    a, b = worktrees(short_dir, "helloflask", 8000)
    fake = FakeEngine(short_dir / "e.sock", engine_routes("helloflask", a, 8000))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(short_dir), "DOCKER_HOST": fake.url}
    try:
        shell = namesake(b, {**env, "COMPOSE_PROJECT_NAME": "helloflask"})  # wins over .env: editing it does nothing
        (b / ".gitignore").write_text("")
        git(b, "add", ".env", ".gitignore")  # every checkout's tracked .env names them alike
        committed = namesake(b, env)
    finally:
        fake.close()
    for found in (shell, committed):
        assert found.fix is not None and found.fix.safety is Safety.ADVICE and not found.fix.edits, found.fix
    assert committed.fix is not None and "`export COMPOSE_PROJECT_NAME=helloflask-b`" in committed.fix.title


@pytest.mark.docker
def test_one_fix_run_renames_the_second_worktree_and_moves_the_port_its_namesake_holds(
        tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    shared, port = f"doctor-test-{secrets.token_hex(4)}", free_ports()
    a, b = worktrees(tmp_path / "flask", shared, port, busybox_image, free_pool())
    env = {k: v for k, v in os.environ.items() if k not in ("COMPOSE_PROJECT_NAME", "DOCKER_WEB_PORT_FORWARD")}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    names = [(shared, a), (f"{shared}-b", b)]
    try:
        up = subprocess.run([docker_engine, "compose", "up", "-d"], cwd=a, capture_output=True, text=True,
                            timeout=180, env=env)
        assert up.returncode == 0, up.stderr
        options = FixOptions(ProjectOptions(path=b, env=env), families=frozenset({"ports"}), yes=True, env=env)
        report = fix(options, load_registry())
        text = render_fix_report(report)
        assert [r.status for r in report.results] == [FixStatus.APPLIED] * 2, text
        dotenv = (b / ".env").read_text()
        assert f"export COMPOSE_PROJECT_NAME={shared}-b\n" in dotenv, dotenv
        assert f"export DOCKER_WEB_PORT_FORWARD={port}\n" not in dotenv, dotenv
        again = fix(options, load_registry())
        assert again.results == (), render_fix_report(again)
        up_b = subprocess.run([docker_engine, "compose", "up", "-d"], cwd=b, capture_output=True, text=True,
                              timeout=180, env=env)
        assert up_b.returncode == 0, up_b.stderr
        ps = subprocess.run([docker_engine, "ps", "--format", "{{.Names}}"], capture_output=True, text=True,
                            timeout=60).stdout.split()
        assert f"{shared}-web-1" in ps and f"{shared}-b-web-1" in ps  # a's stack still runs beside b's
    finally:
        for name, cwd in names:
            subprocess.run([docker_engine, "compose", "-p", name, "down", "-v", "--timeout", "1"], cwd=cwd,
                           capture_output=True, timeout=120, env=env)
