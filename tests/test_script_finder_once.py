"""doctor.project.shipped.ScriptFinder is built once per run.

Building one reads every service (its scope). host-vs-container's image_installs built a new one for
each service it asked about (the start scripts' pip installs, this stop's ralph fix), so a
100-service preflight spent 0.4 s there, quadratic in services; the benchmark's synthetic rows
found it (benchmarks/compare.py, synth100 at 3.09x compose). Counted, not timed.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from doctor import app
from doctor.project import shipped


def test_a_preflight_builds_one_script_finder_however_many_services(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
                                                 "RUN pip install -r requirements.txt\nCMD [\"./start.sh\"]\n")
    (tmp_path / "app" / "requirements.txt").write_text("django\npytest\n")
    (tmp_path / "app" / "start.sh").write_text("#!/bin/sh\npip install -r requirements.txt\nexec python -m app\n")
    services = "".join(f"  app{i}:\n    build: ./app\n    volumes: ['./app:/app']\n    environment:\n"
                       f"      DB_HOST: db\n" for i in range(30))
    (tmp_path / "compose.yaml").write_text("services:\n  db:\n    image: postgres:16\n" + services)
    (tmp_path / "Makefile").write_text("test:\n\tpytest app\n")
    built = []
    original = shipped.ScriptFinder.__init__

    def counted(self: shipped.ScriptFinder, project: object) -> None:
        built.append(project)
        original(self, project)  # type: ignore[arg-type]

    monkeypatch.setattr(shipped.ScriptFinder, "__init__", counted)
    monkeypatch.setenv("DOCTOR_JOBS", "1")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": "unix:///nonexistent"}
    app.preflight(app.PreflightOptions(path=tmp_path, format="json", env=env), io.StringIO())
    assert len(built) == 1, len(built)
