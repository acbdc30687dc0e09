"""Every service in a profile that is off: the checks that judge services judged none, never ✓.

nickjj/docker-django-example without its `.env` (COMPOSE_PROFILES unset): compose-config warned that
"the other checks judge none of them", yet port-collision, script-line-endings and a dozen more
said ✓ (`"status": "passed"`), exit 0, with port 8000 held and a CRLF entrypoint.

Its advice named no profile ("add --profile NAME to the command"): a newcomer on
nickjj/docker-rails-example, whose `.env.example` sets COMPOSE_PROFILES, had to read the compose
file to learn what NAME is. It names the profiles, or the template line that sets them, and
doing what it says gives a project compose starts services of.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from portprobe import republish

RAILS_SHAPED = """\
services:
  web:
    image: busybox
    profiles: ["web"]
  worker:
    image: busybox
    profiles: ["worker"]
  postgres:
    image: busybox
    profiles: ["postgres"]
"""


def _profiles_advice(project: Path, *args: str) -> tuple[dict[str, object], list[str]]:
    """compose-config's finding on every service in a profile that is off (or None), and the names
    of the checks that are partial."""
    env = {**os.environ, "NO_COLOR": "1", "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": "unix:///nonexistent/d.sock"}
    for name in ("GITHUB_ACTIONS", "COMPOSE_PROFILES", "COMPOSE_FILE", "COMPOSE_ENV_FILES"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", *args, "--format", "json", "--select",
                           "compose-config,port-collision"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=120)
    report = json.loads(done.stdout)
    found = [f for f in report["findings"] if f["subject"] == "profiles:none-active"]
    partial = [c["id"] for c in report["checks"] if c["status"] == "partial"]
    return (found[0] if found else {}), partial


def _services(compose_bin: str, project: Path, *args: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COMPOSE_PROFILES", "COMPOSE_FILE")}
    done = subprocess.run([compose_bin, *args, "config", "--services"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return sorted(done.stdout.split())


def test_checks_that_judge_services_are_partial_when_every_service_is_off(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: busybox\n    profiles: [web]\n    ports: ['8000:8000']\n"
        "  worker:\n    image: busybox\n    profiles: [worker]\n")
    env = {**os.environ, "NO_COLOR": "1", "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": "unix:///nonexistent/d.sock"}
    env.pop("GITHUB_ACTIONS", None)
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--format", "json", "--select",
                           "compose-config,port-collision,env-drift,root-owned-files"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    checks = {c["id"]: c for c in json.loads(done.stdout)["checks"]}
    for judged in ("port-collision", "env-drift"):
        assert checks[judged]["status"] == "partial", checks[judged]
        assert checks[judged]["reason"] == "every service (2) sits in a profile that is off", checks[judged]
    assert checks["root-owned-files"]["status"] != "partial"  # it walks the files, whatever compose enables
    assert checks["compose-config"]["status"] == "failed"  # the check that says so


def test_the_advice_names_the_profiles_to_pass(tmp_path: Path, compose_bin: str) -> None:
    (tmp_path / "compose.yaml").write_text(RAILS_SHAPED)
    found, partial = _profiles_advice(tmp_path)
    fix = found["fix"]
    assert isinstance(fix, dict)
    assert fix["title"] == ("add --profile NAME to the command, once per profile to start ('postgres', 'web', "
                            "'worker'), or set COMPOSE_PROFILES=NAME,NAME"), fix
    assert partial == ["port-collision"]
    # what it says, as typed: compose starts those services, and doctor judges them
    assert _services(compose_bin, tmp_path, "--profile", "web", "--profile", "postgres") == ["postgres", "web"]
    assert _profiles_advice(tmp_path, "--profile", "web", "--profile", "postgres") == ({}, [])


def test_one_profile_is_named_in_a_command_that_pastes(tmp_path: Path, compose_bin: str) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    profiles: [dev]\n"
                                           "  db:\n    image: busybox\n    profiles: [dev]\n")
    found, _ = _profiles_advice(tmp_path)
    fix = found["fix"]
    assert isinstance(fix, dict)
    assert fix["title"] == "add --profile dev to the command (or set COMPOSE_PROFILES=dev)", fix
    flag = shlex.split(str(fix["title"]).split(" to the command")[0].removeprefix("add "))
    assert _services(compose_bin, tmp_path, *flag) == ["app", "db"]
    assert _profiles_advice(tmp_path, *flag) == ({}, [])


def test_the_template_that_sets_compose_profiles_is_the_advice(tmp_path: Path, compose_bin: str) -> None:
    """docker-rails-example: `.env.example` has `export COMPOSE_PROFILES=...`, and a fresh clone no `.env`."""
    (tmp_path / "compose.yaml").write_text(RAILS_SHAPED)
    (tmp_path / ".env.example").write_text("# profiles to start\nexport COMPOSE_PROFILES=postgres,web\n")
    found, _ = _profiles_advice(tmp_path)
    fix = found["fix"]
    assert isinstance(fix, dict)
    assert fix["title"] == "copy .env.example to .env, which sets COMPOSE_PROFILES=postgres,web", fix
    assert [a["title"] for a in fix["alternatives"]] == [  # type: ignore[union-attr]
        "add --profile NAME to the command, once per profile to start ('postgres', 'web', 'worker'), "
        "or set COMPOSE_PROFILES=NAME,NAME"]
    (tmp_path / ".env").write_text("SECRET_KEY=x\n")  # a .env without the line: add it
    found, _ = _profiles_advice(tmp_path)
    assert found["fix"]["title"] == "add COMPOSE_PROFILES=postgres,web to .env, as .env.example sets it"  # type: ignore[index]
    (tmp_path / ".env").unlink()
    (tmp_path / ".env").write_bytes((tmp_path / ".env.example").read_bytes())  # the copy it advised
    assert _services(compose_bin, tmp_path) == ["postgres", "web"]
    assert _profiles_advice(tmp_path) == ({}, [])


def test_a_warning_the_profiles_hid_is_not_blamed_on_the_fix_that_turned_them_on(tmp_path: Path) -> None:
    """nickjj/docker-rails-example, fresh clone: `doctor fix` copied .env.example to .env, which turns every
    profile on, and then called that copy `NOT verified fixed` ("it left a new warning in its place") and
    exited 1 for volume-shadowing's warning on 'css' and 'js', services no check had judged before it."""
    project = tmp_path / "rails"
    shutil.copytree(Path(__file__).resolve().parent / "replay" / "docker-rails-example", project)
    # the template's web and cable on host ports free now: a developer's own stack on 8000 would add a port move
    republish(project, ((".env.example", "DOCKER_WEB_PORT_FORWARD=@", 8000),
                        (".env.example", "DOCKER_CABLE_PORT_FORWARD=@", 28080)))
    env = {**os.environ, "NO_COLOR": "1", "DOCTOR_NO_CACHE": "1", "HOME": str(tmp_path),
           "XDG_STATE_HOME": str(tmp_path / "state"), "DOCKER_HOST": "unix:///nonexistent/d.sock"}
    for name in ("GITHUB_ACTIONS", "CI", "COMPOSE_PROFILES", "COMPOSE_FILE"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-m", "doctor", "fix"], cwd=project, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300)
    lines = [line for line in done.stdout.splitlines() if not line.startswith(("---", "+", "@@", " "))]
    assert (project / ".env").read_bytes() == (project / ".env.example").read_bytes()
    assert "applied  env-drift          copy .env.example to .env (fixed)" in lines, done.stdout
    assert "NOT verified" not in done.stdout and "did not work" not in done.stdout, done.stdout
    assert any(line.startswith("skipped  volume-shadowing") for line in lines), done.stdout  # still said
    assert done.returncode == 0, done.stdout + done.stderr
