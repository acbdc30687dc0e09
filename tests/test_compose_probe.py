"""`docker compose version` started first thing in a preflight that may need it: adopted once, or killed.

The `docker` here is a fake script in tmp that logs each run (and its pid) and answers like the
CLI; the real docker is never run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from doctor import app, engine
from doctor.host import Host, compose_cache, compose_probe, early
from doctor.host.facts import compose_version
from doctor.model import Check

DOCKER = """#!/bin/sh
echo "$$" >> "{log}"
{delay}
[ "$1" = compose ] && [ "$2" = version ] && echo "Docker Compose version v{version}" && exit {status}
exit 1
"""
DEVELOP = "services:\n  web:\n    image: busybox\n    develop:\n      watch: []\n"
PLAIN = "services:\n  web:\n    image: busybox\n    environment:\n      MODE: development\n"


@pytest.fixture(autouse=True)
def no_leftover() -> Iterator[None]:
    """Each test starts and ends with no probe pending and no child alive."""
    early.discard_all()
    yield
    assert not compose_probe._early and not early._live
    early.discard_all()


def fake_docker(folder: Path, log: Path, version: str = "2.40.3", delay: str = "", status: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "docker"
    program.write_text(DOCKER.format(log=log, version=version, delay=delay, status=status))
    program.chmod(0o755)
    return program


def runs(log: Path) -> list[int]:
    """The pids of the fake docker's runs, once each has logged (a started probe logs within ~1 s)."""
    return [int(p) for p in log.read_text().split()] if log.exists() else []


def wait_for_runs(log: Path, count: int) -> list[int]:
    deadline = time.monotonic() + 5
    while len(runs(log)) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return runs(log)


def gone(pid: int) -> bool:
    return not os.path.exists(f"/proc/{pid}")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "home").mkdir()
    return {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path / "home"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"), "DOCTOR_NO_CACHE": "1"}


def project(tmp_path: Path, compose: str = DEVELOP, name: str = "compose.yaml") -> Path:
    folder = tmp_path / "proj"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(compose)
    return folder


def test_a_project_using_a_versioned_feature_starts_the_probe_and_compose_version_adopts_it(
        tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    compose_probe.start_early(env, project(tmp_path), None, None)
    assert len(compose_probe._early) == 1
    assert len(wait_for_runs(log, 1)) == 1  # running before anything asked for the version
    assert compose_version(env, 5) == (2, 40, 3)
    assert len(runs(log)) == 1 and not early._live  # adopted and reaped, not run again
    assert compose_version(env, 5) == (2, 40, 3)  # a later ask (cache off) runs the program as before
    assert len(runs(log)) == 2


def test_nothing_starts_when_the_files_use_no_versioned_feature(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    compose_probe.start_early(env, project(tmp_path, PLAIN), None, None)
    assert not compose_probe._early and not early._live


@pytest.mark.parametrize(("select", "ignore"), [(("path-gap",), None), (None, ("compose-version",))])
def test_nothing_starts_when_compose_version_does_not_run(tmp_path: Path, env: dict[str, str],
                                                          select: tuple[str, ...] | None,
                                                          ignore: tuple[str, ...] | None) -> None:
    fake_docker(tmp_path / "bin", tmp_path / "log")
    compose_probe.start_early(env, project(tmp_path), select, ignore)
    assert not compose_probe._early and not early._live


def test_nothing_starts_while_the_cache_answers(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    cached = {k: v for k, v in env.items() if k != "DOCTOR_NO_CACHE"}
    assert compose_version(cached, 5) == (2, 40, 3)  # fills the cache
    compose_probe.start_early(cached, project(tmp_path), None, None)
    assert not compose_probe._early
    assert compose_version(cached, 5) == (2, 40, 3)
    assert len(runs(log)) == 1


def test_an_unused_probe_is_killed_with_its_session(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log, delay="sleep 30")
    compose_probe.start_early(env, project(tmp_path), None, None)
    (pid,) = wait_for_runs(log, 1)
    started = time.monotonic()
    early.discard_all()  # what runs at interpreter exit
    assert time.monotonic() - started < 2
    assert not compose_probe._early and gone(pid)


def test_a_probe_for_another_environment_is_not_adopted(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    compose_probe.start_early({**env, "DOCKER_HOST": "unix:///elsewhere.sock"}, project(tmp_path), None, None)
    assert compose_version(env, 5) == (2, 40, 3)
    assert len(compose_probe._early) == 1  # left for its own run; killed at exit
    wait_for_runs(log, 2)  # the early probe ran too (on a loaded machine it may not have started yet)
    early.discard_all()
    assert len(runs(log)) == 2


def test_the_timeout_counts_from_the_probe_start_and_a_late_probe_is_killed(tmp_path: Path,
                                                                             env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log, delay="sleep 30")
    cached = {k: v for k, v in env.items() if k != "DOCTOR_NO_CACHE"}
    compose_probe.start_early(cached, project(tmp_path), None, None)
    (pid,) = wait_for_runs(log, 1)
    time.sleep(0.4)
    started = time.monotonic()
    assert compose_version(cached, 0.6) is None  # could not look
    assert time.monotonic() - started < 0.5  # the probe had run 0.4 s of its 0.6 already
    assert len(runs(log)) == 1
    assert gone(pid)
    assert not (tmp_path / "cache" / "doctor" / compose_cache.FILE).exists()  # a timeout is not remembered


def test_a_probe_that_fails_falls_back_to_docker_compose(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log, status=1)
    standalone = tmp_path / "bin" / "docker-compose"
    standalone.write_text('#!/bin/sh\necho "docker-compose version 1.29.2, build 5becea4c"\n')
    standalone.chmod(0o755)
    compose_probe.start_early(env, project(tmp_path), None, None)
    assert compose_version(env, 5) == (1, 29, 2)
    assert len(runs(log)) == 1


def test_a_preflight_runs_docker_compose_version_once_and_early(tmp_path: Path, env: dict[str, str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log, version="2.21.0")
    folder = project(tmp_path)
    adopted: list[compose_probe.Probe | None] = []
    real = compose_probe.take

    def take(program: str, env: dict[str, str]) -> compose_probe.Probe | None:
        adopted.append(real(program, env))
        return adopted[-1]

    monkeypatch.setattr(compose_probe, "take", take)
    run_env = {**env, "SHELL": "/bin/false"}
    run, _ = app.run_preflight(app.PreflightOptions(path=folder, select=("compose-version",), env=run_env))
    messages = [f.message for r in run.report.results for f in r.findings]
    assert messages == ["'services.web.develop' needs docker compose 2.22.0; this machine has 2.21.0"]
    assert len(runs(log)) == 1 and len(adopted) == 1 and adopted[0] is not None  # started by start_early
    assert not early._live


@pytest.mark.parametrize(("text", "uses"), [
    (DEVELOP, True),
    (PLAIN, False),
    ("services:\n  web:\n    command: --providers.docker --include=x\n", False),
    ('{"services": {"web": {"image": "x", "develop": {}}}}', True),
    ("services:\n  web:\n    env_file:\n      - path: .env\n        required : false\n", True),
    ("services:\n  web:\n    ports: !reset []\n", True),
    ("services:\n  web:\n    ports: !override ['80:80']\n", True),
    ("include:\n  - other.yaml\n", True),
    ("models:\n  m: {}\n", True),
    ("services:\n  web:\n    labels: {x-provider: a, not_required: b}\n", False),
])
def test_what_counts_as_a_versioned_feature(text: str, uses: bool) -> None:
    assert compose_probe.uses_feature(text.encode()) is uses


def test_may_need_follows_discovery(tmp_path: Path) -> None:
    folder = project(tmp_path, PLAIN)
    assert not compose_probe.may_need({}, folder)
    (folder / "compose.override.yml").write_text(DEVELOP)
    assert compose_probe.may_need({}, folder)
    (folder / "compose.override.yml").unlink()
    sub = folder / "sub"
    sub.mkdir()
    assert not compose_probe.may_need({}, sub)  # found upward, as compose does
    (folder / "compose.yaml").write_text(DEVELOP)
    assert compose_probe.may_need({}, sub)
    (folder / "compose.yaml").write_text(PLAIN)
    assert compose_probe.may_need({"COMPOSE_FILE": "other.yaml"}, folder)  # other files: not looked into
    (folder / ".env").write_text("COMPOSE_FILE=other.yaml\n")
    assert compose_probe.may_need({}, folder)
    (folder / ".env").unlink()
    assert not compose_probe.may_need({}, tmp_path / "missing")
    (folder / "other.yaml").write_text(DEVELOP)
    assert compose_probe.may_need({}, folder / "other.yaml")  # a compose file as the project
    assert not compose_probe.may_need({}, folder / "compose.yaml")


def test_a_doctor_configuration_leaves_the_start_to_the_engine(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    folder = project(tmp_path)
    (folder / "doctor.yaml").write_text("select: [compose-config]\n")
    compose_probe.start_early(env, folder, None, None)
    assert not compose_probe._early and not early._live
    Host({**env, "OTHER": "1"}).prefetch("compose_version")  # another run's environment: nothing
    assert not compose_probe._early
    host = Host(env)
    host.prefetch("compose_version")  # the engine, once compose-version is known to run
    assert len(compose_probe._early) == 1
    assert host.compose_version == (2, 40, 3)
    assert len(runs(log)) == 1 and not early._live


def test_a_configured_preflight_starts_the_probe_before_the_checks_and_runs_compose_version_last(
        tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log, version="2.21.0")
    folder = project(tmp_path)
    (folder / "doctor.yaml").write_text("select: [compose-config, compose-version, env-drift]\n")
    order: list[str] = []
    adopted: list[compose_probe.Probe | None] = []
    real_take, real_run = compose_probe.take, engine._run_one

    def take(program: str, env: dict[str, str]) -> compose_probe.Probe | None:
        adopted.append(real_take(program, env))
        return adopted[-1]

    def run_one(check: Check, *args: object, **kwargs: object) -> object:
        order.append(check.id)
        return real_run(check, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(compose_probe, "take", take)
    monkeypatch.setattr(engine, "_run_one", run_one)
    # every check in this process, to see their order (else the project-only ones may run in
    # doctor.forked's helper; tests/test_forked.py sees a waiting check run last there too)
    monkeypatch.setenv("DOCTOR_JOBS", "1")
    run, _ = app.run_preflight(app.PreflightOptions(path=folder, env=env))
    messages = [f.message for r in run.report.results for f in r.findings]
    assert messages == ["'services.web.develop' needs docker compose 2.22.0; this machine has 2.21.0"]
    assert len(runs(log)) == 1 and len(adopted) == 1 and adopted[0] is not None
    assert order == ["compose-config", "env-drift", "compose-version"]


def test_a_probe_that_answered_in_time_is_read_even_when_asked_later(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    compose_probe.start_early(env, project(tmp_path), None, None)
    wait_for_runs(log, 1)
    time.sleep(0.5)
    assert compose_version(env, 0.3) == (2, 40, 3)
    assert len(runs(log)) == 1


def test_a_late_probe_deaf_to_sigterm_is_killed_at_once(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log, delay="trap '' TERM; while :; do sleep 0.05; done")
    compose_probe.start_early(env, project(tmp_path), None, None)
    (pid,) = wait_for_runs(log, 1)
    started = time.monotonic()
    assert compose_version(env, 0.3) is None
    assert time.monotonic() - started < 0.7  # no login-shell grace (0.5 s) on top of the 0.3 s timeout
    assert gone(pid)
