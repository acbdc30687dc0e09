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


def test_the_ports_header_is_the_command_that_ran_and_the_repository_is_named_apart(tmp_path: Path) -> None:
    """It said `doctor ports /work/main (1 checkout)`, the repository's origin, for a run of `doctor ports
    examples/broken-stack` in a clone of it: pasted, that looked at /work/main (exit 2, no compose file)."""
    import io
    import os
    import subprocess

    from doctor.portmap import PortsOptions, ports

    stack = tmp_path / "my stack"
    stack.mkdir()
    (stack / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    ports: ['8080:80']\n")
    subprocess.run(["git", "init", "-q", str(stack)], check=True)
    subprocess.run(["git", "-C", str(stack), "remote", "add", "origin", "git@github.com:org/app.git"], check=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCKER_HOST": f"unix://{tmp_path}/none.sock"}
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        for options, command in ((PortsOptions(path=Path("my stack"), env=env), "doctor ports 'my stack'"),
                                 (PortsOptions(path=Path("my stack/compose.yaml"), env=env, profiles=("dev",),
                                               project_name="ab"),
                                  "doctor ports 'my stack/compose.yaml' --profile dev -p ab")):
            out = io.StringIO()
            ports(options, out)
            head, repository = out.getvalue().splitlines()[:2]
            assert head == f"{command} (1 checkout)"
            assert repository == "repository git@github.com:org/app"  # the origin as doctor matches clones by it
    finally:
        os.chdir(here)


def test_the_fix_note_on_a_wrapper_quotes_the_override_to_add(tmp_path: Path) -> None:
    from doctor.fix_report import FileDiff, FixReport
    from doctor.fixer import _with_wrapper_notes

    (tmp_path / "my stack").mkdir()
    (tmp_path / "my stack" / "compose.yaml").write_text("services: {}\n")
    (tmp_path / "Makefile").write_text('up:\n\tdocker compose -f "my stack/compose.yaml" up\n')
    override = tmp_path / "my stack" / "compose.override.yaml"
    [note] = _with_wrapper_notes(FixReport(tmp_path, diffs=(FileDiff(override, ""),))).notes
    assert note.endswith("add -f 'my stack/compose.override.yaml' there for its commands to get this fix")
