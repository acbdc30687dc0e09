"""A run of thousands of digits where doctor reads a version or a port (CI review).

Before: `.nvmrc` holding `v` and 5000 nines beside `FROM node:20` ended runtime-drift with `ValueError: Exceeds the
limit (4300 digits) for integer string conversion`, exit 1 (int() of any digit run). So did such a port in `ports:`
end the whole run (`doctor: internal error: ValueError ...`, no check run), an `expose:` entry leaked-host-port and
service-name-drift, and a `.env` URL's port, a Rails database.yml port, a Poetry python constraint and a `-p`
default others. Now such a version is no version (runtime-drift passes over it), such a port compose's refusal
(`invalid port`, as `docker compose config` says `invalid hostPort`), and no check ends in an error.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Status
from doctor.project import ProjectOptions
from doctor.project.digits import written_number

NINES = "9" * 5000
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": "unix:///nonexistent"}


def _run(root: Path, *select: str) -> tuple[dict[str, tuple[Status, str]], list[tuple[str, str]]]:
    env = {**ENV, "HOME": str(root)}
    report = preflight(RunOptions(project=ProjectOptions(path=root, env=env), select=select, env=env),
                       load_registry()).report
    return ({r.check: (r.status, r.reason) for r in report.results},
            [(f.check, f.message) for f in report.findings])


def test_a_version_of_thousands_of_digits_is_no_version(tmp_path: Path) -> None:
    (tmp_path / ".nvmrc").write_text(f"v{NINES}\n")
    (tmp_path / "Dockerfile").write_text("FROM node:20\n")
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    build: .\n")
    results, findings = _run(tmp_path, "runtime-drift")
    assert results["runtime-drift"] == (Status.PASSED, "")
    assert findings == []


def test_a_port_of_thousands_of_digits_is_compose_s_refusal_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(f'services:\n  web:\n    image: busybox\n    ports: ["{NINES}:80"]\n')
    results, findings = _run(tmp_path, "compose-config")
    assert results["compose-config"][0] is Status.FAILED
    assert [m[:14] for _, m in findings] == ["invalid port '"]


@pytest.mark.compose
def test_compose_refuses_that_port_too(tmp_path: Path, compose_bin: str) -> None:
    (tmp_path / "compose.yaml").write_text(f'services:\n  web:\n    image: busybox\n    ports: ["{NINES}:80"]\n')
    done = subprocess.run([compose_bin, "config", "-q"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode != 0 and "invalid hostPort" in done.stderr


def test_no_check_ends_in_an_error_over_digit_runs_anywhere(tmp_path: Path) -> None:
    n = NINES
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    build: .\n"
        f'    command: ["uvicorn", "app:app", "--port", "{n}"]\n'
        f'    ports: ["${{PORT:-{n}}}:80", "{n}-{n}:81", "8080:${{T:-{n}}}"]\n'
        f'    environment:\n      DB_PORT: "{n}"\n      DATABASE_URL: postgres://u:p@db:{n}/x\n'
        f'      CONN: "Server=db,{n};Database=x"\n'
        f'  db:\n    image: postgres:16\n    expose: ["{n}"]\n    ports: ["{n}:5432"]\n')
    (tmp_path / ".env").write_text(f"PORT={n}\nREDIS_URL=redis://localhost:{n}/0\nDB_HOST=db\nDB_PORT={n}\n")
    (tmp_path / "Dockerfile").write_text(f"FROM python:3.{n}\nEXPOSE {n}\n")
    (tmp_path / ".python-version").write_text(f"3.{n}\n")
    (tmp_path / "pyproject.toml").write_text(f"[project]\nname = 'x'\nrequires-python = '>=3.{n}'\n"
                                             f"[tool.poetry.dependencies]\npython = '^3.{n}'\n")
    (tmp_path / ".nvmrc").write_text(f"v{n}\n")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "database.yml").write_text(
        f"development:\n  adapter: postgresql\n  host: localhost\n  port: {n}\n")
    results, _ = _run(tmp_path)
    assert {check: reason for check, (status, reason) in results.items() if status is Status.ERROR} == {}


def test_written_number() -> None:
    assert written_number("8080") == 8080
    assert written_number("008080") == 8080
    assert written_number("123456") is None
    assert written_number("123456", 9) == 123456
    assert written_number(NINES) is None
    assert written_number("²") is None
    assert written_number("") is None


# A second review: digit runs and `²` still reached int() behind str.isdigit() (true of `²`) in a .env's bare
# port, a Makefile's $(word N,...), a tox env list's range, a Dockerfile's `find -maxdepth`, and the uids
# root-owned-files reads (`user:`, USER, `useradd -u`); and a tox range of millions was expanded whole.
SUP = "1²"
FLASK = ("services:\n  web:\n    image: web\n    env_file: [.env]\n    depends_on: [db]\n"
         "  db:\n    image: postgres:13\n    ports:\n      - 5433:5432\n")


def _errors(results: dict[str, tuple[Status, str]]) -> dict[str, str]:
    return {check: reason for check, (status, reason) in results.items() if status is Status.ERROR}


@pytest.mark.parametrize("port", [NINES, "5433²"])
def test_a_bare_port_beside_its_host_of_digit_runs_is_no_port(tmp_path: Path, port: str) -> None:
    (tmp_path / "compose.yaml").write_text(FLASK)
    (tmp_path / ".env").write_text(f"SQL_HOST=database\nSQL_PORT={port}\n")
    results, findings = _run(tmp_path, "leaked-host-port")
    assert _errors(results) == {} and findings == []
    (tmp_path / ".env").write_text("SQL_HOST=database\nSQL_PORT=5433\n")  # the same project, read as before
    _, findings = _run(tmp_path, "leaked-host-port")
    assert [m[:40] for _, m in findings] == ["SQL_PORT dials database:5433, the host p"]


@pytest.mark.parametrize("index", [NINES, SUP])
def test_a_makefile_word_index_of_digit_runs_is_not_expanded(tmp_path: Path, index: str) -> None:
    (tmp_path / "Makefile").write_text(f"Y := $(word {index},a b)\ntest:\n\tpytest $(Y)\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nCOPY . /app\nRUN pip install pytest\n")
    (tmp_path / "compose.yaml").write_text('services:\n  web:\n    build: .\n    volumes: [".:/app"]\n')
    results, _ = _run(tmp_path, "host-vs-container", "path-gap", "script-line-endings", "service-name-drift",
                      "missing-mount")
    assert _errors(results) == {}


@pytest.mark.parametrize("envlist", ["py{38-3²}", f"py{{38-{NINES}}}"])
def test_a_tox_env_list_of_digit_runs_is_no_version(tmp_path: Path, envlist: str) -> None:
    (tmp_path / "tox.ini").write_text(f"[tox]\nenvlist = {envlist}\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\n")
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    build: .\n")
    results, findings = _run(tmp_path, "runtime-drift")
    assert results["runtime-drift"] == (Status.PASSED, "") and findings == []


def test_a_tox_range_of_thousands_is_no_version_list(tmp_path: Path) -> None:
    """`py{1-30000000}` took 103 s and 4.2 GB of preflight: a range past a few hundred names (or a product of
    groups past that) lists no Python versions and is read as nothing; a real list still is."""
    from doctor.project.tox_envs import env_python, read_tox

    assert env_python("py3²") is None and env_python("py311") == "3.11"
    for envlist in ("py{1-100000}", "py{2-9}{0-99}-{0-9}"):
        (tmp_path / "tox.ini").write_text(f"[tox]\nenvlist = {envlist}\n")
        assert read_tox(tmp_path) == [], envlist
    (tmp_path / "tox.ini").write_text("[tox]\nenvlist = py3{8-13}-django{42,50}, lint\n")
    [declared] = read_tox(tmp_path)
    assert declared.versions == ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13")


@pytest.mark.parametrize("number", [NINES, SUP])
def test_uids_and_depths_of_digit_runs_end_no_check(tmp_path: Path, number: str) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "run.sh").write_bytes(b"#!/bin/sh\r\necho hi\r\n")
    (tmp_path / "Dockerfile").write_text(
        f"FROM python:3.12\nRUN useradd -u {number} app && useradd -u{number} b\n"
        f"RUN find /app -maxdepth {number} -name '*.sh' -exec sed -i 's/\\r$//' {{}} +\n"
        f'USER {number}\nCOPY app /app\nCMD ["/app/run.sh"]\n')
    (tmp_path / "compose.yaml").write_text(
        f'services:\n  web:\n    build: .\n    volumes: ["./app:/app"]\n    user: "{number}"\n'
        f'    command: ["sh", "-c", "chown -R {number} /app && /app/run.sh"]\n')
    if os.geteuid() == 0:  # a root-owned file in a repo owned by someone else: root-owned-files reads the uids
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
        (tmp_path / "app" / "data").mkdir()
        for path in tmp_path.rglob("*"):
            os.chown(path, 1000, 1000, follow_symlinks=False)
        os.chown(tmp_path, 1000, 1000)
        os.chown(tmp_path / "app" / "data", 0, 0)
    results, _ = _run(tmp_path, "script-line-endings", "root-owned-files")
    assert _errors(results) == {} and (os.geteuid() != 0 or results["root-owned-files"][0] is Status.FAILED)
    assert results["script-line-endings"][0] is Status.FAILED  # the CRLF script, read past the odd depth
