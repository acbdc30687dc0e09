"""`doctor why` and `doctor ports` through the command line: options, formats, exit codes, one-line errors."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest


def doctor(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # stdin closed: text piped to the test run would add `why`'s note that it was not read
    return subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env=env, stdin=subprocess.DEVNULL)


def test_why_refuses_an_unknown_format_and_an_unknown_service(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: x\n")
    bad = doctor("why", "--format", "yaml", cwd=tmp_path)
    assert bad.returncode == 2 and "unknown format" in bad.stderr
    unknown = doctor("why", "--service", "nope", cwd=tmp_path)
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1, unknown.stderr
    assert "no service 'nope'" in unknown.stderr and "web" in unknown.stderr


def test_why_without_an_engine_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: x\n")
    done = doctor("why", cwd=tmp_path, env={"DOCKER_HOST": "tcp://127.0.0.1:9", "PATH": "/usr/bin:/bin",
                                            "HOME": str(tmp_path)})
    assert done.returncode == 2 and done.stdout == "", done
    assert done.stderr.startswith("doctor: cannot look at the containers:") and done.stderr.count("\n") == 1


@pytest.mark.parametrize("as_json", [False, True])
def test_ports_outside_a_repository_maps_the_folder_alone(tmp_path: Path, as_json: bool) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    image: x\n    ports: ['127.0.0.1:{port}:80']\n  db:\n    image: x\n"
    )
    done = doctor("ports", *(["--json"] if as_json else []), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    if as_json:
        document = json.loads(done.stdout)
        (checkout,) = document["checkouts"]
        assert checkout["kind"] == "folder" and checkout["ports"][0]["port"] == port
        assert document["clashes"] == []
    else:
        assert "(folder, project" in done.stdout and f"{port}/tcp -> web:80" in done.stdout, done.stdout


def test_ports_on_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    done = doctor("ports", str(tmp_path / "gone"), cwd=tmp_path)
    assert done.returncode == 2 and "no such file or directory" in done.stderr
