"""`doctor exec -- mvn test` on docker/awesome-compose's spring-postgres (tests/replay/awesome-compose-spring-postgres)
where this machine has no Java: 'backend' builds with maven in its `builder` stage but runs a JRE stage holding
the jar's classes alone, and no compose service targets `builder`. exec ran mvn here and said only "'mvn' not
found"; it still runs here (no service can run it), and a note says why and what to do: install Java here, or add
a service with `target: builder`. Where a service does run the build stage (`target: builder`), no such note.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_execute import fake_docker

import doctor.execute
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions

UPSTREAM = Path(__file__).parent / "replay" / "awesome-compose-spring-postgres"


def _exec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], target: str | None = None) -> int:
    root = tmp_path / "spring-postgres"
    shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / "backend" / "src" / "main" / "java").mkdir(parents=True)  # the sources `COPY src` takes, not kept
    if target is not None:
        compose = root / "compose.yaml"
        compose.write_text(compose.read_text().replace("    build: backend\n",
                                                       f"    build:\n      context: backend\n      target: {target}\n"))
    env, _ = fake_docker(tmp_path)  # a PATH with docker alone: no java, no mvn
    env["HOME"] = str(tmp_path)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: True)
    ran = []  # never this machine's own mvn: what exec would run, and "not found" for it
    monkeypatch.setattr(doctor.execute, "run_process",
                        lambda argv, env: ran.append(argv) or (127 if argv[0] != "docker" else 0))
    monkeypatch.chdir(root / "backend")
    return doctor.execute.execute(argv, Project(ProjectOptions(path=root, env=env)), host)


@pytest.mark.parametrize(("argv", "lacked"), [(["mvn", "test"], "mvn"), (["./mvnw", "test"], "java")])
def test_a_build_stage_no_service_targets_is_named_and_the_command_stays_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str],
        argv: list[str], lacked: str) -> None:
    assert _exec(tmp_path, monkeypatch, argv) == 127  # run here
    err = capfd.readouterr().err
    assert f"running {argv[0]!r} on the host" in err
    assert (f"note: this machine has no {lacked!r}; 'backend' builds with maven:3.8.5-eclipse-temurin-17 (stage "
            "'builder', ") in err
    assert ("but runs eclipse-temurin:17-jre-focal, which holds the build's output alone, not the code: no "
            f"service runs {argv[0]!r}; install Java here, or add a compose service with `target: builder` to run "
            "it there") in err


def test_no_note_where_a_service_runs_the_build_stage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capfd: pytest.CaptureFixture[str]) -> None:
    _exec(tmp_path, monkeypatch, ["mvn", "test"], target="builder")
    assert "note: this machine has no" not in capfd.readouterr().err


GO_UPSTREAM = Path(__file__).parent / "replay" / "image-text"


@pytest.mark.parametrize("argv", [["make", "test"], ["go", "test", "./..."]])
def test_a_go_recipe_whose_image_runs_scratch_stays_here_with_the_note(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], argv: list[str]) -> None:
    """matbur/image-text: `make test` runs `go test ... ./...`; 'image-text' has go in `build-env` alone."""
    root = tmp_path / "image-text"
    shutil.copytree(GO_UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    env, _ = fake_docker(tmp_path)
    env["HOME"] = str(tmp_path)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    ran: list[list[str]] = []
    monkeypatch.setattr(doctor.execute, "run_process", lambda argv, env: ran.append(argv) or 2)
    monkeypatch.chdir(root)
    assert doctor.execute.execute(argv, Project(ProjectOptions(path=root, env=env)), host) == 2
    assert ran == [argv]  # here: no service has go
    err = capfd.readouterr().err
    assert err.count("note: this machine has no 'go'; 'image-text' builds with golang:1.26-alpine3.24 (stage "
                     "'build-env', Dockerfile:1) but runs scratch, which holds the build's output alone") == 1
    assert "add a compose service with `target: build-env` to run it there" in err


def test_preflight_says_nothing_of_a_go_recipe_no_service_runs(tmp_path: Path) -> None:
    """No service runs go: the recipe is not advised into one (a `docker compose exec` there would fail)."""
    from doctor.checks.host_vs_container import HostVsContainer

    root = tmp_path / "image-text"
    shutil.copytree(GO_UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    env = {"PATH": "/nonexistent", "HOME": str(tmp_path), "DOCKER_HOST": "unix:///nonexistent/doctor-test/x.sock"}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    assert list(HostVsContainer().run(Project(ProjectOptions(path=root, env=env)), host)) == []
