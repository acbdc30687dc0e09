"""README's snippets against the program a newcomer runs.

The Usage block: every option a subcommand's `--help` lists is in its lines there, every flag
written there exists, and preflight's exit codes read the same in both (`preflight --no-color` and
`why --output` were missing from it, and `preflight --help` said exit 2 meant "usage" where the
README said "usage/unreadable"). The `--format json` example: the command it names prints an
object of the same shape, its finding as shown (it said `.env` line 3 where the broken stack has
line 5, one finding where there are two, and had no `suppressed`, `facts.where` nor `facts.platform`).
The install section names the package pip and pipx know doctor by, which is not `doctor`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
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


def test_the_json_example_is_what_its_command_prints() -> None:
    text = README.read_text(encoding="utf-8")
    intro, rest = text.split("`--format json` prints one object", 1)[1].split("```json\n", 1)
    shown = json.loads(rest.split("```", 1)[0])
    command = re.search(r"here `(doctor preflight [^`]+)`", " ".join(intro.split()))
    assert command is not None, intro
    env = {**os.environ, "NO_COLOR": "1", "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": "unix:///nonexistent/d.sock"}
    done = subprocess.run([sys.executable, "-m", "doctor", *command.group(1).split()[1:]], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    printed = json.loads(done.stdout)
    assert list(printed) == list(shown)
    example = shown["findings"][0]
    found = next(f for f in printed["findings"] if f["message"] == example["message"])
    assert list(found) == list(example)
    for key in ("check", "severity", "message", "file", "line", "column", "subject"):
        assert found[key] == example[key], key
    assert found["fingerprint"].startswith(example["fingerprint"].rstrip("…"))
    assert list(found["fix"]) == list(example["fix"])
    assert {k: v for k, v in found["fix"].items() if k != "edits"} == {
        k: v for k, v in example["fix"].items() if k != "edits"}
    assert found["fix"]["edits"] == example["fix"]["edits"]
    assert [{k: v for k, v in c.items() if k != "summary"} for c in printed["checks"]] == [
        {k: v for k, v in c.items() if k != "summary"} for c in shown["checks"]]
    assert list(printed["facts"]) == list(shown["facts"])  # no notice nor partial input on this run
    assert list(printed["facts"]["context"]) == list(shown["facts"]["context"])
    assert set(shown["facts"]["platform"]) <= set(printed["facts"]["platform"])  # macOS, WSL say more
    assert printed["suppressed"] == shown["suppressed"]


def test_the_install_section_names_the_package_to_upgrade_and_uninstall() -> None:
    import tomllib

    name = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    section = README.read_text(encoding="utf-8").split("## Use doctor on your own project", 1)[1].split("\n## ", 1)[0]
    for command in (f"pipx uninstall {name}", f"pip uninstall {name}"):
        assert command in " ".join(section.split()), command


@pytest.mark.parametrize(("command", "said"), [("preflight", "print only its summary line"),
                                               ("why", "the console report is still printed")])
def test_output_and_format_help_say_what_the_readme_says(command: str, said: str) -> None:
    """`--output` does not do the same in preflight (only the summary line is printed) and why (the console report
    is printed too), and `--format` defaults to github on an Actions log: the README's Usage block said so, while
    both `--help`s said only `Write the report to this file.` and `Output: console, json, sarif, junit, github.`"""
    block = " ".join(_usage_blocks()[command].split())
    text, _ = _help(command)
    helped = " ".join(text.split())
    assert said in block and said in helped, helped
    # with --output the default is console (a file for people), as the review found the help left out
    assert "github is chosen on GitHub Actions, without --output" in " ".join(_usage_blocks()["preflight"].split())
    assert "default: github on a GitHub Actions log without --output, else console" in helped, helped


def test_the_usage_block_is_a_synopsis_a_terminal_shows() -> None:
    """`doctor exec`'s line of the Usage block was one line of 9,709 characters (every case of where a command runs,
    in a code block that does not wrap): its prose is now the paragraph under the block, and every line of the block
    is a synopsis of at most 160 characters."""
    text = README.read_text(encoding="utf-8")
    block = text.split("## Usage\n", 1)[1].split("```\n", 2)[1]
    long = [line[:60] for line in block.splitlines() if len(line) > 160]
    assert not long, long
    after = text.split("## Usage\n", 1)[1].split("```\n", 2)[2]
    assert after.lstrip().startswith("`doctor exec -- CMD` runs CMD on the host or in the service"), after[:200]


def test_doctor_help_lists_every_command_with_a_whole_summary() -> None:
    """`doctor --help`, a newcomer's first command, cut every summary at 45 characters (click's default short help):
    `preflight  Run every check on the project and this machine; exit 0...`, `why  After a failed `up` (its containers,
    else its output piped...`. Each command now has a summary of its own, whole on an 80-column terminal."""
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run([sys.executable, "-m", "doctor", "--help"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    listed = done.stdout.split("Commands:", 1)[1].splitlines()[1:]
    rows = {line.split()[0]: line.split(None, 1)[1] for line in listed if line.strip()}
    assert sorted(rows) == sorted(COMMANDS), listed
    cut = [line for line in listed if line.rstrip().endswith("...") or len(line) > 80]
    assert not cut, cut
    assert all(not line.startswith("    ") for line in listed), listed  # no summary wraps onto a second line
