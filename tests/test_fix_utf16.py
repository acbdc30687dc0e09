"""A fix round on compose files saved as UTF-16 with their byte-order mark (Windows PowerShell 5's `>`),
which compose reads: the fixer writes them back in UTF-16, mark kept, every other byte as it was."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPLAY = Path(__file__).parent / "replay"


def _run(root: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "POSTGRES_", "DOCKER_DEFAULT_"))}
    env.update(COMPOSE_PROJECT_NAME=f"doctor-test-u16-{os.getpid()}", XDG_STATE_HOME=str(tmp_path / "state"))
    done = subprocess.run([sys.executable, "-m", "doctor", *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=180)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def _utf16(path: Path) -> bytes:
    data = b"\xff\xfe" + path.read_text(encoding="utf-8").encode("utf-16-le")
    path.write_bytes(data)
    return data


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        return int(probe.getsockname()[1])


def test_service_name_drift_fix_keeps_ctfd_compose_file_utf16(tmp_path: Path) -> None:
    root = tmp_path / "ctfd"
    shutil.copytree(REPLAY / "ctfd", root, ignore=shutil.ignore_patterns("SOURCE.md"))
    compose = root / "docker-compose.yml"
    text = compose.read_text().replace("ctfd:ctfd@db/ctfd", "ctfd:ctfd@mariadb/ctfd")
    compose.write_text(text)
    before = _utf16(compose)
    found = json.loads(_run(root, tmp_path, "preflight", "--format", "json", "--select", "service-name-drift").stdout)
    assert [(f["file"], f["line"]) for f in found["findings"]] == [("docker-compose.yml", 9)]
    done = _run(root, tmp_path, "fix", "--yes")
    assert "applied  service-name-drift replace 'mariadb' by 'db'" in done.stdout, done.stdout + done.stderr
    after = compose.read_bytes()
    assert after == before.replace("@mariadb".encode("utf-16-le"), "@db".encode("utf-16-le"))


def test_fix_ports_moves_a_held_port_in_fastapi_override_saved_as_utf16(tmp_path: Path) -> None:
    root = tmp_path / "fastapi"
    shutil.copytree(REPLAY / "fastapi-template-0.11", root, ignore=shutil.ignore_patterns("SOURCE.md"))
    override = root / "compose.override.yml"
    old = override.read_text()
    ports = {port: _free_port() for port in (80, 8090, 5432, 8080, 8000, 1080, 1025, 9323)}
    for port, moved in ports.items():
        old = old.replace(f"{port}:", f"{moved}:")
    override.write_text(old)
    before = _utf16(override)
    holder = socket.socket()
    try:
        holder.bind(("0.0.0.0", ports[8000]))
        holder.listen()
        done = _run(root, tmp_path, "fix", "--yes", "--ports")
        assert "applied  port-collision" in done.stdout, done.stdout + done.stderr
    finally:
        holder.close()
    after = override.read_bytes()
    assert after.startswith(b"\xff\xfe") and after != before
    new = after[2:].decode("utf-16-le")
    changed = [(a, b) for a, b in zip(old.splitlines(), new.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and f'"{ports[8000]}:8000"' in changed[0][0], changed
    assert f":{ports[8000]}:" not in changed[0][1]


@pytest.mark.parametrize("mark", [b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"])
def test_file_edits_write_back_the_encoding_they_read(mark: bytes, tmp_path: Path) -> None:
    from doctor.file_edits import FileEdits
    from doctor.fixfiles import decode
    from doctor.model import Edit

    codec = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be", b"\xef\xbb\xbf": "utf-8"}[mark]
    data = mark + "services:\r\n  app:\r\n    image: busybox  # ✓ 🐳\r\n    ports: [\"8080:80\"]\r\n".encode(codec)
    text, crlf, encoding = decode(data)
    plan = FileEdits(tmp_path / "compose.yaml", "compose.yaml", text, True, crlf, data=data, encoding=encoding)
    plan.add(Edit(plan.path, '    ports: ["8080:80"]', '    ports: ["8081:80"]', 4), "move")
    assert plan.rendered() == data.replace('8080'.encode(codec), '8081'.encode(codec))
