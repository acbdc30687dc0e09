"""README's Usage block against the program: every option a subcommand's `--help` lists is in its
lines there, every flag written there exists, and preflight's exit codes read the same in both.

A newcomer reads the Usage block first: `preflight --no-color` and `why --output` were missing
from it, and `preflight --help` said exit 2 meant "usage" where the README said "usage/unreadable".
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
COMMANDS = ("preflight", "list", "explain", "fix", "exec", "config", "baseline", "info", "why", "ports")
_FLAG = re.compile(r"(?<![\w`'-])(--?[a-zA-Z][\w-]*)")
_EXIT = re.compile(r"exit 0 \(([^)]*)\), 1 \(([^)]*)\),? (?:or )?2 \(([^)]*)\)")


def _usage_blocks() -> dict[str, str]:
    """Each subcommand's lines of the README's Usage block: its `doctor NAME` line and the indented
    lines under it (exec's only up to `-- CMD`: the rest is prose naming compose's flags)."""
    text = README.read_text(encoding="utf-8")
    block = text.split("## Usage\n", 1)[1].split("```\n", 2)[1]
    found: dict[str, str] = {}
    current = ""
    for line in block.splitlines():
        if line.startswith("doctor "):
            current = line.split()[1]
            found[current] = line.split(" -- CMD")[0] if current == "exec" else line
        elif line.startswith(" ") and current:
            found[current] += "\n" + line
    return found


def _help(command: str) -> tuple[str, list[tuple[str, ...]]]:
    """`doctor COMMAND --help` and its options, each as its aliases (`('-f', '--file')`)."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run([sys.executable, "-m", "doctor", command, "--help"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    options = []
    for line in done.stdout.split("Options:", 1)[1].splitlines():
        head = re.match(r"\s+((?:--?[\w-]+(?:, )?)+)", line)
        if head:
            options.append(tuple(a.strip() for a in head.group(1).split(",")))
    return done.stdout, [o for o in options if o != ("--help",)]


@pytest.mark.parametrize("command", COMMANDS)
def test_the_usage_block_names_every_option_and_only_real_ones(command: str) -> None:
    block = _usage_blocks()[command]
    written = set(_FLAG.findall(block))
    text, options = _help(command)
    # fix's family flags come from the installed checks: the block shows some and `...`
    families = {o[0] for o in options
                if command == "fix" and re.search(rf"{re.escape(o[0])}\s+Only the fixes of", text)}
    missing = [o for o in options if not written & set(o) and o[0] not in families]
    assert not missing, f"doctor {command} --help has {missing}, which README's Usage block does not show"
    known = {alias for o in options for alias in o}
    unknown = sorted(written - known)
    assert not unknown, f"README's Usage block gives doctor {command} {unknown}, which its --help does not list"


def test_preflight_exit_codes_read_the_same_in_help_and_readme() -> None:
    said = _EXIT.search(_usage_blocks()["preflight"])
    text, _ = _help("preflight")
    helped = _EXIT.search(" ".join(text.split()))
    assert said is not None and helped is not None, (said, text)
    assert said.groups() == helped.groups()
