"""The check/fix contract: a new check with a safe fix and a fix family needs no engine, fixer,
CLI or reporter change; docs are parsed by exact heading; an edit can change bytes; the one
dev-override rule; "applied" only when something was written.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from doctor.cli import build_cli
from doctor.engine import Registry, load_registry
from doctor.fix_report import FixStatus, render_fix_report
from doctor.fixer import FixOptions, fix, fix_families
from doctor.model import DOC_HEADINGS, Check, Edit, Finding, Fix, Location, Safety
from doctor.project import ProjectOptions

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


class CrlfScripts(Check):
    """throwaway: shell scripts with CRLF line endings

    What it finds
        `*.sh` files with CRLF line endings.

    Why it matters
        `bash\\r: bad interpreter`.

    Example
        run.sh  CRLF line endings

    Fix
        Rewrite the line endings.

    Fix safety
        Safe: only the line endings change.
    """

    id: ClassVar[str] = "throwaway-crlf"
    fix_family: ClassVar[str] = "scripts"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        for path in sorted(project.root.glob("*.sh")):
            data = path.read_bytes()
            if b"\r\n" in data:
                fix = Fix(f"rewrite {path.name} with LF line endings", Safety.SAFE,
                          (Edit(path, data, data.replace(b"\r\n", b"\n")),))
                yield self.finding(f"{path.name} has CRLF line endings", Location(path, 1), path.name, fix)


class SaysAlreadyDone(Check):
    """throwaway: a fix whose edit changes nothing

    What it finds
        a marker file.

    Why it matters
        none.

    Example
        x

    Fix
        x

    Fix safety
        x
    """

    id: ClassVar[str] = "throwaway-noop"
    fix_family: ClassVar[str] = "noop"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / "marker.txt"
        text = path.read_text()
        yield self.finding("marker", Location(path, 1), "marker", Fix("rewrite marker", Safety.SAFE,
                                                                        (Edit(path, text, text),)))


def _options(root: Path, state: Path, **kw: Any) -> FixOptions:
    env = {"HOME": str(state), "XDG_STATE_HOME": str(state / "xdg"), "PATH": os.environ.get("PATH", "")}
    return FixOptions(project=ProjectOptions(path=root, env=env), env=env, **kw)


def _project(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n")
    return root


def test_a_new_check_with_a_byte_fix_and_family_needs_no_engine_fixer_or_cli_change(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    script = root / "run.sh"
    script.write_bytes(b"#!/bin/sh\r\necho hi \xff\r\n")  # not UTF-8 either: a byte edit still applies
    registry = Registry({CrlfScripts.id: CrlfScripts})
    assert fix_families(registry) == {"scripts": ("throwaway-crlf",)}

    report = fix(_options(root, tmp_path / "s", families=frozenset({"scripts"})), registry)
    assert [(r.status, r.fixed) for r in report.results] == [(FixStatus.APPLIED, True)]
    assert script.read_bytes() == b"#!/bin/sh\necho hi \xff\n"
    assert "\\r" in render_fix_report(report)  # the diff shows the line-ending change

    again = fix(_options(root, tmp_path / "s", families=frozenset({"scripts"})), registry)
    assert again.results == () and script.read_bytes() == b"#!/bin/sh\necho hi \xff\n"


def test_the_cli_builds_the_family_flag_from_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    cli = build_cli(fix_families(Registry({CrlfScripts.id: CrlfScripts})))
    with pytest.raises(SystemExit):
        cli(args=["fix", "--help"], prog_name="doctor")
    assert "--scripts" in capsys.readouterr().out


def test_applied_is_never_said_when_nothing_was_written(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    (root / "marker.txt").write_text("same\n")
    report = fix(_options(root, tmp_path / "s"), Registry({SaysAlreadyDone.id: SaysAlreadyDone}))
    assert [r.status for r in report.results] == [FixStatus.SKIPPED]
    assert "applied" not in render_fix_report(report).split("\n")[0]


def test_every_check_documents_itself_under_the_exact_headings() -> None:
    for check_id, check in load_registry().checks.items():
        sections = check.doc_sections()
        missing = [h for h in DOC_HEADINGS if not sections.get(h)]
        assert not missing, f"{check_id}: no text under {missing}"
        near = [line for line in check.documentation().splitlines()
                if line.rstrip(":") in DOC_HEADINGS and line not in DOC_HEADINGS]
        assert not near, f"{check_id}: headings must stand alone, without a colon: {near}"


def test_headings_are_matched_exactly_not_as_words_in_prose() -> None:
    class Sloppy(Check):
        """sloppy

        What it finds: things.
        The Fix is easy; Example below.
        Why it matters
            it does
        """

    assert set(Sloppy.doc_sections()) == {"Why it matters"}


def test_dev_override_is_never_a_file_compose_would_not_read(tmp_path: Path) -> None:
    """COMPOSE_FILE=compose.yaml in .env: compose reads no override, so no fix may write one."""
    copy = tmp_path / "broken-stack"
    shutil.copytree(EXAMPLES / "broken-stack", copy)
    override = copy / "compose.override.yaml"
    before = override.read_bytes()
    with (copy / ".env").open("a") as env:
        env.write("COMPOSE_FILE=compose.yaml\n")
    report = fix(_options(copy, tmp_path / "s", families=frozenset({"env", "mounts"}), yes=True))
    assert override.read_bytes() == before
    leaked = [r for r in report.results if r.check == "leaked-host-port"]
    assert leaked and all(r.status is not FixStatus.APPLIED for r in leaked)
    assert all("advice only" in r.reason for r in leaked)


class OneLineManyKeys(Check):
    """throwaway: one line whose edit settles several findings

    What it finds
        `override=True` in app.py, once per key it overrides.

    Why it matters
        x

    Example
        app.py:1  A overrides compose's value

    Fix
        Drop override=True.

    Fix safety
        Safe.
    """

    id: ClassVar[str] = "throwaway-shared-fix"
    fix_family: ClassVar[str] = "shared"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / "app.py"
        text = path.read_text()
        if "override=True" in text:
            fix = Fix("drop override=True at app.py:1", Safety.SAFE,
                      (Edit(path, text, text.replace("override=True", "")),))
            for key in ("A", "B", "C"):
                yield self.finding(f"{key} overrides compose's value", Location(path, 1), key, fix)


def test_one_fix_several_findings_share_is_planned_asked_and_listed_once(tmp_path: Path) -> None:
    """testdrivenio/django-celery: one `load_dotenv(override=True)` overriding four keys listed its
    fix four times in `doctor fix --dry-run`."""
    root = _project(tmp_path / "p")
    (root / "app.py").write_text("load_dotenv(override=True)\n")
    registry = Registry({OneLineManyKeys.id: OneLineManyKeys})
    preview = fix(_options(root, tmp_path / "s", dry_run=True), registry)
    assert [r.status for r in preview.results] == [FixStatus.DRY_RUN]
    report = fix(_options(root, tmp_path / "s", yes=True), registry)
    assert [(r.status, r.fixed) for r in report.results] == [(FixStatus.APPLIED, True)]
    assert (root / "app.py").read_text() == "load_dotenv()\n"
