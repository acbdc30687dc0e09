"""`doctor exec` and `doctor ports` take preflight's compose options (-f, --env-file, --profile, -p), meaning
the same: ckan-docker's dev stack exists only as `-f docker-compose.dev.yml` (`doctor exec -f ...` said
`No such option: -f`); a stack started with `up -p trialb-x` was 4 clashes with itself in `doctor ports`."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from test_why_live import compose, free_port

from doctor import app, commands


def doctor(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_exec_reads_the_project_the_options_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "docker-compose.dev.yml").write_text(
        "services:\n  ckan-dev:\n    image: ckan/ckan-dev:${TAG}\n  solr:\n    image: solr\n    profiles: [search]\n")
    (tmp_path / "dev.env").write_text("TAG=2.11\n")
    seen = []
    monkeypatch.setattr("doctor.execute.execute", lambda argv, project, host: seen.append((argv, project)) or 0)
    monkeypatch.chdir(tmp_path)
    target = app.PreflightOptions(path=Path(), files=(Path("docker-compose.dev.yml"),), env_files=(Path("dev.env"),),
                                  profiles=("search",), project_name="ckan-x")
    assert commands.exec_command(("pytest", "-q"), target) == 0
    ((argv, project),) = seen
    model = project.compose
    assert argv == ["pytest", "-q"] and model.project_name == "ckan-x"
    assert model.files == (tmp_path / "docker-compose.dev.yml",) and sorted(model.services) == ["ckan-dev", "solr"]
    assert model.services["ckan-dev"].image == "ckan/ckan-dev:2.11"
    from doctor.project.command_home import compose_cli

    argv = compose_cli(project)  # what `docker compose exec|run` is given: the same project
    assert argv[argv.index("-p") + 1] == "ckan-x" and "--profile" in argv and str(tmp_path / "dev.env") in argv


def test_exec_takes_the_options_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.dev.yml").write_text("services:\n  web:\n    image: x\n")
    done = doctor("exec", "-f", "docker-compose.dev.yml", "-p", "x", "--profile", "a", "--", "true", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "running 'true' on the host" in done.stderr or "running 'true' here" in done.stderr, done.stderr
    missing = doctor("exec", "-f", "nope.yml", "--", "true", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.yml: no such compose file" in missing.stderr, missing.stderr


def test_the_help_of_why_ports_and_exec_lists_the_options(tmp_path: Path) -> None:
    for command, options in (("why", ("--profile", "--project-name", "--env-file", "--file")),
                             ("ports", ("--project-name", "--profile", "--env-file", "--file")),
                             ("exec", ("--file", "--env-file", "--profile", "--project-name"))):
        done = doctor(command, "--help", cwd=tmp_path)
        assert done.returncode == 0 and all(o in done.stdout for o in options), (command, done.stdout)


@pytest.mark.docker
def test_ports_with_the_project_name_the_stack_was_started_with(tmp_path: Path, docker_engine: str,
                                                              busybox_image: str) -> None:
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    port = free_port()
    root = tmp_path / "stack"
    root.mkdir()
    (root / "compose.yaml").write_text(f"services:\n  frontend:\n    image: {busybox_image}\n"
                                       f"    command: [\"httpd\", \"-f\", \"-p\", \"80\"]\n    ports: ['{port}:80']\n")
    try:
        assert compose(docker_engine, root, name, "up", "-d").returncode == 0
        blind = doctor("ports", "--json", ".", cwd=root)
        assert blind.returncode == 1, blind.stdout  # read as project 'stack': its own container is someone else
        mine = doctor("ports", "--json", "-p", name, ".", cwd=root)
        document = json.loads(mine.stdout)
        assert mine.returncode == 0 and document["clashes"] == [], mine.stdout
        (checkout,) = document["checkouts"]
        assert checkout["project"] == name and checkout["ports"][0]["holder"] == "ours"
    finally:
        compose(docker_engine, root, name, "down", "-t", "0")
