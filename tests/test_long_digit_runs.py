"""A run of thousands of digits where doctor reads a version or a port (CI review).

Before: `.nvmrc` holding `v` and 5000 nines beside `FROM node:20` ended runtime-drift with `ValueError: Exceeds the
limit (4300 digits) for integer string conversion`, exit 1 (int() of any digit run). So did such a port in `ports:`
end the whole run (`doctor: internal error: ValueError ...`, no check run), an `expose:` entry leaked-host-port and
service-name-drift, and a `.env` URL's port, a Rails database.yml port, a Poetry python constraint and a `-p`
default others. Now such a version is no version (runtime-drift passes over it), such a port compose's refusal
(`invalid port`, as `docker compose config` says `invalid hostPort`), and no check ends in an error.
"""

from __future__ import annotations

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
