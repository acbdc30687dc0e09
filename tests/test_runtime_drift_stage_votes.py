"""runtime-drift: a multi-stage Dockerfile is one voice in the vote that settles the project's version.

Each FROM counted as a vote of its own made a Dockerfile's stage count its weight: docker-django-example
(tests/replay/docker-django-example: `app-build` and `app` both on python:3.14.5) beside a
`.python-version` saying 3.15 was told to change the file, where one FROM on 3.14.5 ties it and the
newer wins (the single-stage joanie is told to change its FROM). The voice is the stage the image runs
(its target's, else the last stage's); every FROM is still compared and reported where it differs.

Each test copies files into a git checkout of its own; no tool of the project runs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding
from doctor.project import ProjectOptions

CHECK = "runtime-drift"
REPLAY = Path(__file__).parent / "replay"


def _findings(root: Path, home: Path, cwd: Path | None = None) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DOCTOR_NO_CACHE": "1"}
    options = RunOptions(project=ProjectOptions(path=root, env=env, cwd=cwd), select=(CHECK,), env=env)
    return [f for f in preflight(options, load_registry()).report.findings if f.check == CHECK]


def _checkout(tmp_path: Path, replay: str | None, files: dict[str, str]) -> Path:
    top = tmp_path / "repo"
    if replay is not None:
        shutil.copytree(REPLAY / replay, top)
        for example in top.rglob(".env.example"):
            shutil.copy(example, example.parent / ".env")
    for name, text in files.items():
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text(text)
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top


def _said(findings: list[Finding], top: Path) -> list[tuple[str, str]]:
    return [(f"{f.location.path.relative_to(top).as_posix()}:{f.location.line}" if f.location else "",
             f.fix.title if f.fix else "") for f in findings]


def test_two_stages_do_not_outvote_a_python_version(tmp_path: Path) -> None:
    top = _checkout(tmp_path, "docker-django-example", {".python-version": "3.15\n"})
    assert _said(_findings(top, tmp_path), top) == [
        ("Dockerfile:36", "change python 3.14.5 to 3.15 in Dockerfile:36"),
        ("Dockerfile:72", "change python 3.14.5 to 3.15 in Dockerfile:72"),
    ]


def test_healthchecks_builder_and_final_stage_are_one_voice(tmp_path: Path) -> None:
    # a .python-version beside its compose file in docker/, the matrix of tests.yml at the top
    top = _checkout(tmp_path, "healthchecks-3d018c0", {"docker/.python-version": "3.15\n"})
    findings = _findings(top / "docker", tmp_path, cwd=top)
    assert _said(findings, top) == [
        ("docker/Dockerfile:1", "change python 3.13.7 to 3.15 in docker/Dockerfile:1"),
        ("docker/Dockerfile:18", "change python 3.13.7 to 3.15 in docker/Dockerfile:18"),
        (".github/workflows/tests.yml:15", "add python 3.15 to the matrix in .github/workflows/tests.yml:15, "
                                           "or move docker/.python-version:1 to python 3.12, which it tests"),
    ]


def test_the_voice_is_the_stage_the_image_runs_and_the_others_are_still_compared(tmp_path: Path) -> None:
    # `app` runs on base's 3.12; the builder's 3.13 is no vote (else a three-way tie, the newest winning)
    dockerfile = ("FROM python:3.12-slim AS base\nFROM python:3.13-slim AS builder\nRUN pip wheel -w /wheels x\n"
                  "FROM base AS app\nCOPY --from=builder /wheels /wheels\n")
    top = _checkout(tmp_path, None, {"compose.yaml": "services:\n  app:\n    build: .\n",
                                     "Dockerfile": dockerfile, ".python-version": "3.11\n"})
    assert _said(_findings(top, tmp_path), top) == [
        (".python-version:1", "change python 3.11 to 3.12 in .python-version:1"),
        ("Dockerfile:2", "change python 3.13 to 3.12 in Dockerfile:2"),
    ]


def test_two_dockerfiles_are_two_voices(tmp_path: Path) -> None:
    # uv-docker-example builds Dockerfile and keeps multistage.Dockerfile (two stages): 3.12 twice, not three times
    top = _checkout(tmp_path, "uv-docker-example", {".python-version": "3.15\n"})
    assert _said(_findings(top, tmp_path), top) == [
        (".python-version:1", "change python 3.15 to 3.12 in .python-version:1")]
