"""A fix the re-check still reports is undone: the user told "NOT fixed" gets the files as they were.

Before, `doctor fix` applied an edit, re-ran the checks, reported `(NOT fixed: the check still reports
it)` and left the edit on disk. Now, under the project lock, the fix's files get back the exact bytes
they held before the run (a file it made is removed), all of them or none; a file that also holds a
fix that worked, or one edited since doctor wrote it, is left as written and the line says why.
"""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from test_fixer import EnvValueCheck, make_project, options, run_fix, tree_hash
from test_port_collision_live import free_port

from doctor.engine import Registry
from doctor.fix_report import FixStatus, render_fix_report
from doctor.fixer import fix
from doctor.model import Check, Edit, Finding, Fix, Location, Safety


class WrongValue(Check):
    """Fake env-drift: wants COLOR=blue, but its fix writes COLOR=green (the check still reports it)"""

    id: ClassVar[str] = "env-drift"
    fix_family: ClassVar[str] = "env"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / ".env"
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.startswith("COLOR=") and line != "COLOR=blue":
                yield self.finding("COLOR is not blue", Location(path, number), "COLOR",
                                   Fix("set COLOR", Safety.SAFE, (Edit(path, line, "COLOR=green", number),
                                                                  Edit(root_of(path) / "extra.env", "", "X=1\n"))))


def root_of(path: Path) -> Path:
    return path.parent


def test_a_fix_the_check_still_reports_is_put_back_byte_for_byte(tmp_path: Path) -> None:
    data = b"# colours\r\nCOLOR=red\r\nOTHER=x"  # CRLF, no trailing newline
    root = make_project(tmp_path / "p", data)
    os.chmod(root / ".env", 0o600)
    before = tree_hash(root)
    report = run_fix(root, tmp_path / "s", WrongValue)
    [result] = report.results
    assert result.status is FixStatus.APPLIED and result.fixed is False
    assert (root / ".env").read_bytes() == data
    assert stat.S_IMODE((root / ".env").stat().st_mode) == 0o600
    assert not (root / "extra.env").exists()  # made by the fix: removed
    assert tree_hash(root) == before
    text = render_fix_report(report)
    assert ("applied  env-drift          set COLOR (NOT fixed: the check still reports it): undone: "
            ".env put back as it was, extra.env removed (this run made it)") in text
    assert "+COLOR=green" not in text  # no diff of a file left as it was
    assert report.exit_code == 1
    assert "  env-drift: COLOR is not blue (the check still reports it; undone: .env put back" in text
    assert "1 applied (0 verified fixed, 1 undone), 0 skipped, 0 failed" in text  # the count says so too


class Both(Check):
    """Fake env-drift: COLOR must be blue (its fix works) and SIZE must be big (its fix writes small)"""

    id: ClassVar[str] = "env-drift"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / ".env"
        for number, line in enumerate(path.read_text().splitlines(), 1):
            key, _, value = line.partition("=")
            want = {"COLOR": "blue", "SIZE": "big"}.get(key)
            if want and value != want:
                new = f"{key}={'blue' if key == 'COLOR' else 'small'}"
                yield self.finding(f"{key} is not {want}", Location(path, number), key,
                                   Fix(f"set {key}", Safety.SAFE, (Edit(path, line, new, number),)))


def test_a_file_that_also_holds_a_fix_that_worked_is_left_as_written_and_says_so(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", "COLOR=red\nSIZE=tiny\n")
    report = run_fix(root, tmp_path / "s", Both)
    assert (root / ".env").read_text() == "COLOR=blue\nSIZE=small\n"
    size = next(r for r in report.results if r.title == "set SIZE")
    assert size.fixed is False
    assert size.undone == ("left as written (the diff above): .env: it also holds the edits of 'set COLOR', "
                           "which putting it back would undo")
    text = render_fix_report(report)
    # what was changed, and the copy to undo it by
    assert "+SIZE=small" in text and "/p/.env (not tracked by git) to " in text


def test_a_file_edited_after_doctor_wrote_it_is_not_put_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import doctor.engine as engine

    root = make_project(tmp_path / "p")
    real, calls = engine.preflight, []

    def meanwhile(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:  # the re-check: the user saves the file in an editor meanwhile
            (root / ".env").write_text("COLOR=purple\n")
        return real(*args, **kw)

    monkeypatch.setattr(engine, "preflight", meanwhile)
    report = run_fix(root, tmp_path / "s", WrongValue)
    [result] = report.results
    assert (root / ".env").read_text() == "COLOR=purple\n"
    assert result.undone.startswith("left as written (the diff above): .env, extra.env: .env changed after doctor "
                                    "wrote it")
    assert (root / "extra.env").exists()  # all of the fix's files, or none


def test_a_dry_run_says_the_run_would_undo_it_and_shows_no_diff(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    before = tree_hash(root)
    report = fix(options(root, tmp_path / "s", dry_run=True), Registry({"env-drift": WrongValue}))
    text = render_fix_report(report)
    assert "would be undone: .env put back as it was, extra.env removed (this run made it)" in text
    assert "(0 verified fixed in a scratch copy, 1 would be undone)" in text, text
    assert "---" not in text
    assert tree_hash(root) == before and report.exit_code == 1


def test_a_fix_that_works_is_kept(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    report = run_fix(root, tmp_path / "s", EnvValueCheck)
    assert [(r.fixed, r.undone) for r in report.results] == [(True, "")]
    assert (root / ".env").read_text() == "COLOR=blue\n"


def test_a_port_move_compose_does_not_publish_leaves_env_as_it_was(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The real port move, its port held: `.env` moved to the next free port, and the move's verify step
    asks `docker compose config`, which here (forced: as where compose merged the old port back) still
    publishes the old one: NOT verified fixed, and `.env` is the user's again, byte for byte."""
    from doctor.checks.port_collision import fix as port_fix

    from doctor.fixer import FixOptions
    from doctor.project import ProjectOptions

    port = free_port()
    root = tmp_path / "p"
    root.mkdir()
    published = f'["${{WEB_PORT:-{port}}}:80"]'
    (root / "compose.yaml").write_text(f"services:\n  web:\n    image: nginx\n    ports: {published}\n")
    original = f"# the web port\nWEB_PORT={port}\n".encode()
    (root / ".env").write_bytes(original)
    monkeypatch.setattr(port_fix, "compose_config", lambda project: {
        "services": {"web": {"ports": [{"target": 80, "published": str(port), "protocol": "tcp"}]}}})
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state"),
           "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    with socket.socket() as held:
        held.bind(("0.0.0.0", port))
        held.listen()
        report = fix(FixOptions(project=ProjectOptions(path=root, env=env), families=frozenset({"ports"}), env=env))
    text = render_fix_report(report)
    [result] = report.results
    assert result.fixed is False and result.reason.startswith("docker compose config publishes"), text
    assert (root / ".env").read_bytes() == original, text
    assert "(NOT verified fixed): docker compose config publishes" in text
    assert "; undone: .env put back as it was" in text
    assert report.exit_code == 1


def test_a_round_after_which_compose_cannot_read_the_project_is_undone(tmp_path: Path) -> None:
    from doctor.checks.compose_config import ComposeConfig
    from test_fixer import BreaksCompose

    root = make_project(tmp_path / "p")
    report = fix(options(root, tmp_path / "s"), Registry({"env-drift": BreaksCompose, "compose-config": ComposeConfig}))
    [result] = [r for r in report.results if r.title == "change it"]
    assert result.reason.startswith("compose cannot read the project after this round (compose.yaml")
    assert result.undone == "undone: compose.yaml put back as it was"
    assert (root / "compose.yaml").read_text() == "services:\n  web:\n    image: busybox\n"
    assert report.left == () and report.exit_code == 1
