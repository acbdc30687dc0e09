"""host-gateway for a `.env` line the service that loads it never reads: peerdb (tests/replay/peerdb).

PeerDB-io/peerdb's README has a developer `cp .env.example .env`; that file is the host tests' (its first
line `CI_MONGO_HOST=host.docker.internal`, `CI_MONGO_ADMIN_URI=mongodb://host.docker.internal:11017`), and
docker-compose-dev.yml's 'peerdb-ui' loads it (`env_file: path: ./.env, required: false`) beside the
settings compose sets. The Next.js UI reads PEERDB_* and NEXTAUTH_* (ui/app/config/config.ts,
ui/rpc/http.ts, ui/peerdb-env/), never a CI_ key; on a Linux engine doctor said `.env:1 'peerdb-ui' dials
host.docker.internal (CI_MONGO_HOST)` and offered it an `extra_hosts` entry. leaked-host-port already
takes no such line for a dial (a `.env` variable whose readable code never names it); host-gateway now
judges it the same way, one service loading the line or several, where the host tests' programs read the
key (tests/test_host_gateway_env_elsewhere.py). A UI whose code reads the key, or whose program doctor cannot
read, still dials it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from fake_docker_engine import host_gateway_findings

REPLAY = Path(__file__).parent / "replay" / "peerdb"
COMPOSE = "docker-compose-dev.yml"
UI_CODE = ("ui/next.config.js", "ui/app", "ui/rpc", "ui/peerdb-env")


def _peerdb(tmp_path: Path) -> Path:
    root = tmp_path / "peerdb"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copyfile(root / ".env.example", root / ".env")  # the README's first step
    return root


def _found(root: Path) -> list[tuple[str, str | None, int | None]]:
    return [(f.message, f.location.path.name if f.location else None, f.location.line if f.location else None)
            for f in host_gateway_findings(root, COMPOSE)]


def test_the_ui_never_reads_the_host_tests_keys(tmp_path: Path) -> None:
    assert _found(_peerdb(tmp_path)) == []


def test_a_ui_reading_the_key_still_dials_it(tmp_path: Path) -> None:
    root = _peerdb(tmp_path)
    (root / "ui/lib").mkdir()
    (root / "ui/lib/mongo.ts").write_text("export const mongoHost = process.env.CI_MONGO_HOST;\n")
    found = _found(root)
    assert [(message.split(" (")[0], path, line) for message, path, line in found] == [
        ("'peerdb-ui' dials host.docker.internal", ".env", 1)]


def test_a_ui_whose_program_doctor_cannot_read_keeps_the_finding(tmp_path: Path) -> None:
    root = _peerdb(tmp_path)
    for name in UI_CODE:
        path = root / name
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    found = _found(root)
    assert [(message.split(" (")[0], path, line) for message, path, line in found] == [
        ("'peerdb-ui' dials host.docker.internal", ".env", 1)]
