"""leaked-host-port on real projects: the host port inside a URL, as a reviewer planted it.

Copies of tests/replay/fastapi-template and tests/replay/redash (and of the same projects in
../shared/corpus, when it is there), with the database moved to another host port the way a
developer does when 5432 is taken, and the URL built from the same variable (or written with
the literal host port). doctor runs as a user runs it (`python -m doctor` in the copy); the
finding names the URL's line and never its password; the advice, done as it says, clears it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPLAY = Path(__file__).resolve().parent / "replay"
PASSWORD = "Pg-s3cret-4-replay"  # planted in the copy's .env: no output may show it
FASTAPI_URL = "postgresql://postgres:${POSTGRES_PASSWORD:?Variable not set}@db:5432/app"
REDASH_URL = "postgresql://postgres@postgres/postgres"
# where each project lives: tests/replay (always) or ../shared/corpus (skipped without it)
SOURCES = {"fastapi": [("replay", "fastapi-template"), ("corpus", "fastapi__full-stack-fastapi-template")],
           "redash": [("replay", "redash"), ("corpus", "getredash__redash")]}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name}: {old!r} found {text.count(old)} times (upstream changed?)"
    path.write_text(text.replace(old, new))


def _copy(tmp_path: Path, request: pytest.FixtureRequest, where: str, name: str) -> Path:
    base = request.getfixturevalue("shared_dir") / "corpus" if where == "corpus" else REPLAY
    root = tmp_path / name
    shutil.copytree(base / name, root, ignore=shutil.ignore_patterns("SOURCE*", "bind-sources*"))
    if (root / ".env").is_file() and "POSTGRES_PASSWORD=" in (root / ".env").read_text():
        _edit(root / ".env", "POSTGRES_PASSWORD=changethis\n", f"POSTGRES_PASSWORD={PASSWORD}\n")
    if name in ("redash", "getredash__redash"):  # redash's `make env` writes .env before any compose target
        (root / ".env").write_text("REDASH_COOKIE_SECRET=0123456789abcdef\nREDASH_SECRET_KEY=fedcba9876543210\n")
    return root


def _preflight(root: Path, fmt: str = "json") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "POSTGRES_", "REDASH_"))}
    env.update(DOCTOR_NO_CACHE="1", XDG_STATE_HOME=str(root.parent / "state"), COLUMNS="200")
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--select", "leaked-host-port",
                           "--format", fmt], cwd=root, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stdout[-2000:] + done.stderr[-2000:]
    assert PASSWORD not in done.stdout + done.stderr
    return done


def _loud(root: Path) -> list[dict[str, object]]:
    found = json.loads(_preflight(root).stdout)["findings"]
    return [f for f in found if f["severity"] in ("warning", "error")]


def _line_of(path: Path, text: str) -> int:
    lines = [n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    assert len(lines) == 1, f"{path.name}: {text!r} on lines {lines}"
    return lines[0]


def _fastapi_variable(root: Path) -> None:
    _edit(root / "compose.override.yml", '"5432:5432"', '"${POSTGRES_PORT}:5432"')
    _edit(root / "compose.yml", "@db:5432/app", "@db:${POSTGRES_PORT}/app")
    with (root / ".env").open("a") as env:
        env.write("POSTGRES_PORT=5433\n")


def _fastapi_literal(root: Path) -> None:
    _edit(root / "compose.override.yml", '"5432:5432"', '"5433:5432"')
    _edit(root / "compose.yml", "@db:5432/app", "@db:5433/app")


def _fastapi_by_hand(root: Path) -> None:
    """The advice: the backend's DATABASE_URL with db's container port, in the dev override (in the
    backend's environment there: a second `environment:` key is a file compose rejects, whose partial
    load dropped db's ports and made any address to db look right)."""
    _edit(root / "compose.override.yml", '      FASTAPI_ENV: "development"\n',
          f'      FASTAPI_ENV: "development"\n      DATABASE_URL: {FASTAPI_URL}\n')


def _redash_default(root: Path) -> None:
    _edit(root / "compose.yaml", '"15432:5432"', '"${POSTGRES_PORT:-15432}:5432"')
    _edit(root / "compose.yaml", REDASH_URL, "postgresql://postgres@postgres:${POSTGRES_PORT}/postgres")
    with (root / ".env").open("a") as env:
        env.write("POSTGRES_PORT=15433\n")


def _redash_by_hand(root: Path) -> None:
    """The advice, with no dev override upstream: one beside compose.yaml, which compose loads."""
    body = "".join(f"  {s}:\n    environment:\n      REDASH_DATABASE_URL: postgresql://postgres@postgres:5432/postgres\n"
                   for s in ("scheduler", "server", "worker"))
    (root / "compose.override.yaml").write_text("services:\n" + body)


Plant = Callable[[Path], None]
# id -> (project, plant, file, marker on the URL's line, subject, address dialled, by hand)
FAULTS: dict[str, tuple[str, Plant, str, str, str, str, Plant]] = {
    "fastapi-url-variable": ("fastapi", _fastapi_variable, "compose.yml", "DATABASE_URL:", "backend:DATABASE_URL",
                             "db:5433", _fastapi_by_hand),
    "fastapi-url-literal": ("fastapi", _fastapi_literal, "compose.yml", "DATABASE_URL:", "backend:DATABASE_URL",
                            "db:5433", _fastapi_by_hand),
    "redash-url-default": ("redash", _redash_default, "compose.yaml", "REDASH_DATABASE_URL:",
                           "scheduler,server,worker:REDASH_DATABASE_URL", "postgres:15433", _redash_by_hand),
}
CASES = [pytest.param(fault, where, name, id=f"{fault}-{where}")
         for fault, (project, *_) in FAULTS.items() for where, name in SOURCES[project]]


@pytest.mark.parametrize(("fault", "where", "name"), CASES)
def test_host_port_in_a_real_projects_url_is_found_and_the_advice_clears_it(
        fault: str, where: str, name: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    _, plant, file, marker, subject, address, by_hand = FAULTS[fault]
    root = _copy(tmp_path, request, where, name)
    assert _loud(root) == []  # the copy as upstream wrote it
    plant(root)
    found = _loud(root)
    assert [(f["file"], f["line"], f["subject"]) for f in found] == [(file, _line_of(root / file, marker), subject)]
    message = str(found[0]["message"])
    assert message.startswith(f"{subject.split(':')[1]} dials {address}, the host port of "), message
    assert "which listens on 5432 inside the network" in message
    assert address in _preflight(root, "console").stdout
    by_hand(root)
    assert _loud(root) == []


def _fastapi_container_port(root: Path) -> None:
    _edit(root / "compose.override.yml", '"5432:5432"', '"${POSTGRES_PORT}:5432"')
    with (root / ".env").open("a") as env:
        env.write("POSTGRES_PORT=5433\n")


def _fastapi_host_gateway(root: Path) -> None:
    _fastapi_container_port(root)
    _edit(root / "compose.yml", "@db:5432/app", "@host.docker.internal:${POSTGRES_PORT}/app")
    _edit(root / "compose.override.yml", '      - "8000:8000"\n',
          '      - "8000:8000"\n    extra_hosts:\n      - "host.docker.internal:host-gateway"\n')


@pytest.mark.parametrize(("plant", "where", "name"), [
    pytest.param(plant, where, name, id=f"{plant.__name__.lstrip('_')}-{where}")
    for plant in (_fastapi_container_port, _fastapi_host_gateway) for where, name in SOURCES["fastapi"]])
def test_db_moved_on_the_host_with_a_right_url_stays_quiet(plant: Plant, where: str, name: str, tmp_path: Path,
                                                           request: pytest.FixtureRequest) -> None:
    """db published on 5433, the URL dials db:5432 (its container port) or the host's 5433 through
    host.docker.internal: both are right."""
    root = _copy(tmp_path, request, where, name)
    plant(root)
    assert _loud(root) == []
