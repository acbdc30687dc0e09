"""env-drift: `.env.EXAMPLE` (a template suffix in capitals) is a template of `.env`: ipl-dagster-pipeline.

mobidata-bw/ipl-dagster-pipeline (tests/replay/ipl-dagster-pipeline) ships `.env.EXAMPLE`; its Makefile's
`.env` rule writes only `DOCKER_LOCAL_USER=uid:gid` (for docker-compose.dev.yml). With that `.env`,
`doctor preflight` said nine times "'DAGSTER_POSTGRES_USER' is not set ... fix: set DAGSTER_POSTGRES_USER
in .env or give it a default", never naming the template beside it, and `doctor fix` could change none
of them, while the same project with `.env.example` gets every key added from it in one run. A lower-case
name still wins where both are there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "ipl-dagster-pipeline"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
CHECKS = ("env-drift", "compose-config")
MADE = "DOCKER_LOCAL_USER=1000:1000\n"  # what the Makefile's `.env:` rule writes


def _pipeline(tmp_path: Path) -> Path:
    root = tmp_path / "ipl-dagster-pipeline"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / ".env").write_text(MADE)
    return root


def _options(root: Path) -> ProjectOptions:
    # a shell's PWD, which `.env.EXAMPLE`'s `$PWD/pipeline/var/gtfs` and the compose file's ${PWD} read
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root), "PWD": str(root)})


def _found(root: Path, checks: tuple[str, ...] = CHECKS) -> list[tuple[str, str | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=checks, env=dict(options.env)), load_registry()).report
    return [(f.message, f.fix.title if f.fix else None) for f in report.findings]


def test_a_capitalised_template_gives_the_missing_keys_and_one_fix_adds_them(tmp_path: Path) -> None:
    root = _pipeline(tmp_path)
    found = _found(root)
    assert found[0] == ("'DAGSTER_POSTGRES_USER' is not set: compose passes an empty environment value on "
                        "(and warns too)", "add DAGSTER_POSTGRES_USER to .env from .env.EXAMPLE")
    assert all(title is not None and title.endswith(" to .env from .env.EXAMPLE") for _, title in found)
    template = (root / ".env.EXAMPLE").read_text()
    options = _options(root)
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    assert (root / ".env.EXAMPLE").read_text() == template
    dotenv = (root / ".env").read_text()
    assert dotenv.startswith(MADE) and "IPL_POSTGIS_VERSION_TAG=15-3.3-alpine\n" in dotenv
    assert "IPL_WEBCAM" not in dotenv  # the template's lines with no `=`, which compose refuses, stay out
    assert _found(root, ("env-drift", "compose-config", "leaked-host-port")) == []
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    assert (root / ".env").read_text() == dotenv


def test_a_lower_case_template_wins_beside_a_capitalised_one(tmp_path: Path) -> None:
    root = _pipeline(tmp_path)
    if (root / ".env.example").exists():
        pytest.skip("a file system that ignores case: .env.example is .env.EXAMPLE")
    (root / ".env.example").write_text((root / ".env.EXAMPLE").read_text())
    found = _found(root)
    assert found and all(title is not None and title.endswith(" to .env from .env.example") for _, title in found)
