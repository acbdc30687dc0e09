"""A command doctor prints with the project's path in it is quoted as a shell reads it.

A folder named `my stack` printed bare in `doctor why my stack`, or in the advice to run
`doctor preflight my stack/docker`, pastes as two arguments. Each such command quotes its
paths with shlex.quote, so a plain path prints exactly as before.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from doctor.engine import Report
from doctor.redact import Redactor


def test_the_why_header_quotes_the_project_folder(tmp_path: Path) -> None:
    from doctor.why.render import console_lines

    lines = list(console_lines(Report(tmp_path / "my stack", ()), [], Redactor.from_environment({}), "p", tmp_path))
    assert lines[0] == "doctor why 'my stack' (compose project 'p')"
    plain = list(console_lines(Report(tmp_path / "stack", ()), [], Redactor.from_environment({}), "p", tmp_path))
    assert plain[0] == "doctor why stack (compose project 'p')"


@pytest.mark.parametrize(("below", "command"), [
    ("docker/compose.yaml", "`doctor preflight '{root}/docker'`"),
    ("docker/docker-compose.dev.yml", "`doctor preflight -f '{root}/docker/docker-compose.dev.yml'`"),
])
def test_the_folder_or_file_to_give_is_quoted(tmp_path: Path, below: str, command: str) -> None:
    from doctor import app

    root = tmp_path / "my stack"
    (root / below).parent.mkdir(parents=True)
    (root / below).write_text("services:\n  web:\n    image: busybox\n")
    env = {"PATH": "/usr/bin", "HOME": str(tmp_path)}
    with pytest.raises(app.UsageError, match=re.escape(command.format(root=root)) + r"\)$"):
        app.run_preflight(app.PreflightOptions(path=root, env=env))


def test_the_ports_header_quotes_a_repository_named_by_its_folder() -> None:
    from doctor.portmap_render import lines

    assert lines("/src/my stack", [], [])[0] == "doctor ports '/src/my stack' (0 checkouts)"
    assert lines("git@github.com:org/app.git", [], [])[0] == "doctor ports git@github.com:org/app.git (0 checkouts)"


def test_the_fix_note_on_a_wrapper_quotes_the_override_to_add(tmp_path: Path) -> None:
    from doctor.fix_report import FileDiff, FixReport
    from doctor.fixer import _with_wrapper_notes

    (tmp_path / "my stack").mkdir()
    (tmp_path / "my stack" / "compose.yaml").write_text("services: {}\n")
    (tmp_path / "Makefile").write_text('up:\n\tdocker compose -f "my stack/compose.yaml" up\n')
    override = tmp_path / "my stack" / "compose.override.yaml"
    [note] = _with_wrapper_notes(FixReport(tmp_path, diffs=(FileDiff(override, ""),))).notes
    assert note.endswith("add -f 'my stack/compose.override.yaml' there for its commands to get this fix")
