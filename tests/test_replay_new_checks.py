"""A real project (tests/replay/fastapi-template, see its SOURCE.txt) with each issue-13 fault planted:
the check finds it, and after its fix (applied by `doctor fix`, or the advice done by hand) it is gone.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Severity
from doctor.project import ProjectOptions

UPSTREAM = Path(__file__).parent / "replay" / "fastapi-template"
LINUX = {"OperatingSystem": "Debian GNU/Linux 12 (bookworm)", "OSType": "linux", "Architecture": "x86_64"}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"upstream changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def _crlf(root: Path) -> None:
    script = root / "backend" / "scripts" / "prestart.sh"
    script.write_bytes(script.read_bytes().replace(b"\n", b"\r\n"))


def _old_compose(root: Path) -> None:
    (root / "bin").mkdir()
    stand_in = '#!/bin/sh\n[ "$1 $2" = "compose version" ] && echo v2.21.0 && exit 0\nexit 1\n'
    (root / "bin" / "docker").write_text(stand_in)
    (root / "bin" / "docker").chmod(0o755)


Plant = Callable[[Path], None]
# check id -> (plant the fault, subject found, undo by hand for advice-only fixes or None to run `doctor fix`)
CASES: dict[str, tuple[Plant, str, Plant | None]] = {
    "script-line-endings": (_crlf, "backend/scripts/prestart.sh", None),
    "runtime-drift": (lambda r: _edit(r / "backend" / "Dockerfile", "FROM python:3.14\n", "FROM python:3.13\n"),
                      "python:backend/Dockerfile",
                      lambda r: _edit(r / "backend" / "Dockerfile", "FROM python:3.13\n", "FROM python:3.14\n")),
    "image-availability": (lambda r: _edit(r / "compose.yml", "\n  backend:\n",
                                           "\n  prestart:\n    image: backend:latest\n"
                                           "    command: bash scripts/prestart.sh\n\n  backend:\n"),
                           "prestart:backend:latest", None),
    "compose-version": (_old_compose, "services.backend.develop", lambda r: shutil.rmtree(r / "bin")),
    "volume-shadowing": (lambda r: _edit(r / "compose.override.yml", "      - ./frontend/blob-report:",
                                         "      - ./frontend:/app/frontend\n      - ./frontend/blob-report:"),
                         "playwright:/app/frontend/node_modules",
                         lambda r: _edit(r / "compose.override.yml", "      - ./frontend:/app/frontend\n",
                                         "      - ./frontend:/app/frontend\n      - /app/frontend/node_modules\n")),
    "host-gateway": (lambda r: _edit(r / "compose.override.yml", 'SMTP_HOST: "mailpit"',
                                     'SMTP_HOST: "host.docker.internal"'),
                     "backend:host.docker.internal", None),
}


def _loud(root: Path, check: str, env: dict[str, str]) -> set[str]:
    if (root / "bin").is_dir():
        env = {**env, "PATH": f"{root / 'bin'}:{env['PATH']}"}
    options = ProjectOptions(path=root, env=env)
    report = preflight(RunOptions(project=options, select=(check,), env=env), load_registry()).report
    return {f.subject for f in report.findings if f.check == check and f.severity >= Severity.WARNING}


@pytest.mark.parametrize("check", list(CASES))
def test_planted_fault_is_found_and_gone_after_its_fix(check: str, tmp_path: Path) -> None:
    plant, subject, by_hand = CASES[check]
    root = tmp_path / "fastapi"
    shutil.copytree(UPSTREAM, root)
    # image-availability: the engine has no image yet ('backend' was never built): a 404 for it
    engine = FakeEngine(tmp_path / "e.sock", {"/info": LINUX})
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1",
           "XDG_STATE_HOME": str(tmp_path / "state"), "DOCKER_HOST": engine.url}
    try:
        assert subject not in _loud(root, check, env), "upstream itself must be clean"
        plant(root)
        assert subject in _loud(root, check, env)
        if by_hand is not None:
            by_hand(root)
        elif check == "image-availability":  # `docker compose build backend` made the image
            engine.routes["/images/backend:latest/json"] = {"Id": "sha256:1", "Os": "linux", "Architecture": "amd64"}
        else:
            family = load_registry().checks[check].fix_family
            options = FixOptions(project=ProjectOptions(path=root, env=env), families=frozenset({family}),
                                 yes=True, env=env)
            report = fix(options, load_registry())
            assert report.results and all(r.fixed for r in report.results), report.results
        assert _loud(root, check, env) == set()
    finally:
        engine.close()
