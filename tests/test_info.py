"""doctor info: versions, context, engine endpoint, PATH diff; every probe bounded, every secret masked."""

from __future__ import annotations

import io
import json
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from doctor.host.shell import MARK
from doctor.info import collect_info, render_info, run_version, show_info

SECRET = "hunter2pass"


def tool(bin_dir: Path, name: str, body: str) -> Path:
    """An executable shell script `name` in bin_dir."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


def rows(text: str) -> dict[str, str]:
    """`name  value` lines (names may hold one space, the gap is two or more) as a dict."""
    return dict(re.split(r" {2,}", line, maxsplit=1) for line in text.splitlines())


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def machine(tmp_path: Path) -> dict[str, str]:
    """A fake machine: docker and compose on PATH, a login shell that adds /opt/homebrew/bin."""
    bin_dir = tmp_path / "bin"
    tool(bin_dir, "docker", """case "$1" in
  --version) echo "Docker version 27.3.1, build ce12230" ;;
  compose) echo "2.40.3" ;;
  *) exit 2 ;;
esac""")
    shell = tool(tmp_path / "shells", "zsh", f'printf "{MARK}%s{MARK}" "/opt/homebrew/bin:$PATH"')
    return {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "SHELL": str(shell),
        "DOCKER_HOST": f"tcp://admin:{SECRET}@127.0.0.1:{closed_port()}",
        "GITHUB_ACTIONS": "true",
    }


def test_versions_context_engine_and_path_diff(machine: dict[str, str]) -> None:
    info = collect_info(machine, timeout=1.0)
    docker = info["docker"]
    assert isinstance(docker, dict)
    assert docker["cli"]["version"] == "27.3.1" and docker["cli"]["error"] is None
    assert docker["compose"]["version"] == "2.40.3"
    context = info["context"]
    assert isinstance(context, dict) and context["ci"] == "GitHub Actions"
    engine = info["engine"]
    assert isinstance(engine, dict)
    assert engine["source"] == "DOCKER_HOST" and engine["available"] is False
    assert "nothing listens" in str(engine["reason"])
    path = info["path"]
    assert isinstance(path, dict)
    assert path["only_in_login"] == ["/opt/homebrew/bin"] and path["only_inherited"] == []
    assert path["inherited"] == machine["PATH"].split(":")
    checks = info["checks"]
    assert isinstance(checks, dict) and "env-drift" in checks["loaded"] and "compose-config" in checks["loaded"]
    python, doctor = info["python"], info["doctor"]
    assert isinstance(python, dict) and isinstance(doctor, dict)
    assert python["version"].count(".") == 2 and doctor["version"]


def test_docker_host_credentials_are_masked_everywhere(machine: dict[str, str]) -> None:
    info = collect_info(machine, timeout=1.0)
    text = json.dumps(info) + render_info(info)
    assert SECRET not in text
    engine = info["engine"]
    assert isinstance(engine, dict)
    assert str(engine["endpoint"]).startswith("tcp://admin:***@127.0.0.1:")
    assert "admin:***@" in str(engine["reason"])  # the reason names the endpoint, masked too


def test_secret_values_from_the_environment_are_masked(machine: dict[str, str], tmp_path: Path) -> None:
    # a tool that echoes a token it found in the environment (a wrapper script gone wrong)
    token = "ghp_abcdefghijklmnop0123"
    tool(tmp_path / "bin", "docker", 'echo "Docker version 27.3.1, build $GITHUB_TOKEN"; exit 1')
    info = collect_info({**machine, "GITHUB_TOKEN": token}, timeout=1.0)
    assert token not in json.dumps(info)
    docker = info["docker"]
    assert isinstance(docker, dict) and "***" in docker["cli"]["error"]


def test_a_hung_tool_costs_the_timeout_not_the_run(machine: dict[str, str], tmp_path: Path) -> None:
    tool(tmp_path / "bin", "docker", "exec sleep 30")
    started = time.monotonic()
    info = collect_info(machine, timeout=0.5)
    assert time.monotonic() - started < 5
    docker = info["docker"]
    assert isinstance(docker, dict)
    assert docker["cli"] == {"command": f"{tmp_path}/bin/docker --version", "version": None,
                             "error": "no answer in 0.5 s"}
    assert docker["compose"]["version"] is None


def test_no_docker_at_all(machine: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "bin" / "docker").unlink()
    info = collect_info({**machine, "PATH": f"{tmp_path}/bin"}, timeout=1.0)
    docker = info["docker"]
    assert isinstance(docker, dict)
    assert docker["cli"]["error"] == "not found on PATH" and docker["cli"]["version"] is None
    assert docker["compose"]["version"] is None and "not found" in docker["compose"]["error"]


def test_standalone_docker_compose_when_the_plugin_is_missing(machine: dict[str, str], tmp_path: Path) -> None:
    tool(tmp_path / "bin", "docker", """case "$1" in
  --version) echo "Docker version 20.10.24+dfsg1, build 297e128" ;;
  *) echo "docker: '$1' is not a docker command." >&2; exit 1 ;;
esac""")
    tool(tmp_path / "bin", "docker-compose", 'echo "v2.20.0"')
    docker = collect_info(machine, timeout=1.0)["docker"]
    assert isinstance(docker, dict)
    assert docker["cli"]["version"] == "20.10.24+dfsg1"
    assert docker["compose"] == {"command": f"{tmp_path}/bin/docker-compose version --short",
                                 "version": "2.20.0", "error": None}


def test_login_shell_failure_is_a_fact(machine: dict[str, str], tmp_path: Path) -> None:
    info = collect_info({**machine, "SHELL": str(tmp_path / "no-such-shell")}, timeout=1.0)
    path = info["path"]
    assert isinstance(path, dict)
    assert path["login"] is None and path["only_in_login"] is None
    assert "cannot start login shell" in str(path["login_error"])
    assert rows(render_info(info))["login PATH"].startswith("unknown: cannot start login shell")


def test_run_version_reports_exit_status(tmp_path: Path) -> None:
    broken = tool(tmp_path, "tool", 'echo "boom: config unreadable" >&2; exit 3')
    result = run_version([str(broken), "--version"], {"PATH": "/usr/bin:/bin"}, 1.0)
    assert result.version is None and result.error == "exit 3: boom: config unreadable"


def test_show_info_prints_one_json_object_or_aligned_lines(machine: dict[str, str]) -> None:
    out = io.StringIO()
    assert show_info(True, out, machine) == 0
    parsed = json.loads(out.getvalue())
    assert parsed["version"] == 1 and SECRET not in out.getvalue()
    text = io.StringIO()
    assert show_info(False, text, machine) == 0
    lines = rows(text.getvalue())
    assert lines["compose"] == "2.40.3" and lines["docker CLI"] == "27.3.1"
    assert lines["context"].endswith(" in GitHub Actions")
    assert lines["login adds"] == "/opt/homebrew/bin" and lines["login lacks"] == "(nothing)"
    assert lines["engine"].startswith("tcp://admin:***@127.0.0.1:")
    assert ": unavailable: nothing listens" in lines["engine"]


@pytest.mark.docker
def test_real_engine_and_tools(docker_engine: str) -> None:
    import os

    info = collect_info(dict(os.environ))
    engine, docker = info["engine"], info["docker"]
    assert isinstance(engine, dict) and isinstance(docker, dict)
    assert engine["available"] is True, engine["reason"]
    server = subprocess.run([docker_engine, "version", "--format", "{{.Server.Version}}"],
                            capture_output=True, text=True, timeout=20, check=True).stdout.strip()
    assert engine["server_version"] == server
    compose = subprocess.run([docker_engine, "compose", "version", "--short"], capture_output=True, text=True,
                             timeout=20)
    if compose.returncode == 0:
        assert docker["compose"]["version"] == compose.stdout.strip().removeprefix("v")
    client = subprocess.run([docker_engine, "version", "--format", "{{.Client.Version}}"],
                            capture_output=True, text=True, timeout=20).stdout.strip()
    assert docker["cli"]["version"] == client
