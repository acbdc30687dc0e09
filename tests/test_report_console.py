"""The console reporter's terminal behaviour: wrapping, paths from the cwd, links, partial marks."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from reports.canonical import canonical_report, write_project

from doctor.engine import Report
from doctor.model import CheckResult, Finding, Location, Severity, Status
from doctor.redact import Redactor
from doctor.report import RenderOptions
from doctor.report.console import PARTIAL_INPUT, Line, Piece, Progress, color_diff, render, supports_hyperlinks, wrap

COMPOSE_CONFIG = "compose-config"

ANSI = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\\\")


def text_of(rows: list[list[Piece]]) -> list[str]:
    return ["".join(p.text for p in row) for row in rows]


def test_wrap_hangs_continuation_lines_and_never_breaks_a_path() -> None:
    path = "examples/broken-stack/a/very/long/path/that/does/not/fit.yaml:12"
    line = Line((Piece("    warning "), Piece(path, whole=True)), hang=12)
    assert text_of(wrap(line, 30)) == ["    warning " + path]  # too long: it runs past, whole
    message = Line((Piece(" " * 12), Piece("one two three four five six seven eight nine ten")), hang=14)
    rows = text_of(wrap(message, 30))
    assert rows == ["            one two three four", "              five six seven", "              eight nine ten"]
    assert all(len(r) <= 30 for r in rows)
    assert text_of(wrap(message, None)) == [" " * 12 + "one two three four five six seven eight nine ten"]


@pytest.mark.parametrize("width", [1, 5, 13, 14, 15, 22])
def test_wrap_ends_at_any_width_even_one_narrower_than_the_hanging_indent(width: int) -> None:
    # a pty of 22 columns (20 to wrap at) or 0x0 looped forever: a break behind the row's start was taken
    message = Line((Piece(" " * 12), Piece("one two three four five six seven eight nine ten")), hang=14)
    rows = text_of(wrap(message, width))
    words = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    assert "".join(r.strip() + " " for r in rows).split() == words


def test_a_terminal_too_narrow_to_wrap_at_is_taken_as_the_fallback_width(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from doctor.report.console import terminal_width

    monkeypatch.setattr(os, "get_terminal_size", lambda *a: os.terminal_size((0, 0)))
    assert terminal_width({}) == 100
    monkeypatch.setattr(os, "get_terminal_size", lambda *a: os.terminal_size((22, 5)))
    assert terminal_width({}) == 20


def test_piped_output_is_plain_and_unwrapped(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj")
    text = render(canonical_report(root), Redactor(), RenderOptions(cwd=root))
    assert "\x1b" not in text
    assert max(len(line) for line in text.splitlines()) > 100  # no width given: nothing wraps


def test_terminal_output_fits_and_paths_open_from_the_cwd(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj")
    options = RenderOptions(color=True, width=80, cwd=tmp_path)
    text = ANSI.sub("", render(canonical_report(root), Redactor(), options))
    lines = text.splitlines()
    assert lines[0] == "doctor preflight proj"
    assert max(len(line) for line in lines) <= 80
    assert "    error   proj/.env:1" in lines
    assert "    warning proj/.env" in lines


def test_the_header_names_a_compose_file_given_as_path_in_place_of_its_folder(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj")
    options = RenderOptions(cwd=tmp_path, given="-f extra.yml", given_file=root / "docker-compose.dev.yml")
    assert render(canonical_report(root), Redactor(), options).splitlines()[0] == (
        "doctor preflight proj/docker-compose.dev.yml -f extra.yml")
    out = io.StringIO()  # on a terminal the header is printed before the run, by Progress
    Progress(out, options, live=False).begin(root, "host")
    assert out.getvalue() == "doctor preflight proj/docker-compose.dev.yml -f extra.yml  (runs on: host)\n\n"


def test_the_header_quotes_a_path_as_a_shell_reads_it(tmp_path: Path) -> None:
    """`doctor preflight x y/clean stack` copied from the header ran `doctor preflight x y/clean
    stack`: three arguments, a folder that is not there. Quoted as shlex quotes; a plain path as before."""
    root = write_project(tmp_path / "x y" / "clean stack")
    options = RenderOptions(cwd=tmp_path)
    assert render(canonical_report(root), Redactor(), options).splitlines()[0] == "doctor preflight 'x y/clean stack'"
    out = io.StringIO()
    Progress(out, options, live=False).begin(root, "host")
    assert out.getvalue() == "doctor preflight 'x y/clean stack'  (runs on: host)\n\n"
    odd = RenderOptions(cwd=tmp_path, given="-p demo", given_file=tmp_path / "it's $HOME" / "compose.yaml")
    assert render(canonical_report(root), Redactor(), odd).splitlines()[0] == (
        "doctor preflight 'it'\"'\"'s $HOME/compose.yaml' -p demo")
    inside = RenderOptions(cwd=tmp_path / "x y")
    assert render(canonical_report(root), Redactor(), inside).splitlines()[0] == "doctor preflight 'clean stack'"
    assert render(canonical_report(root), Redactor(), RenderOptions(cwd=root)).splitlines()[0] == "doctor preflight ."


def test_links_only_when_asked(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj")
    report = canonical_report(root)
    linked = render(report, Redactor(), RenderOptions(links=True, cwd=root))
    assert "\x1b]8;id=" in linked or f"\x1b]8;;{(root / '.env').as_uri()}" in linked
    assert (root / ".env").as_uri() in linked
    assert "\x1b]8" not in render(report, Redactor(), RenderOptions(color=True, cwd=root))


def test_hyperlink_support_is_detected_from_the_terminal() -> None:
    assert supports_hyperlinks({"TERM_PROGRAM": "iTerm.app"})
    assert supports_hyperlinks({"VTE_VERSION": "7200"})
    assert not supports_hyperlinks({"TERM": "xterm-256color"})
    assert not supports_hyperlinks({"TERM_PROGRAM": "iTerm.app", "TMUX": "/tmp/tmux-0/default"})
    assert not supports_hyperlinks({"TERM_PROGRAM": "iTerm.app", "DOCTOR_HYPERLINKS": "0"})
    assert supports_hyperlinks({"DOCTOR_HYPERLINKS": "1"})


def _report(tmp_path: Path, *results: CheckResult, facts: dict[str, object] | None = None) -> Report:
    return Report(tmp_path, results, facts=facts or {})


def test_checks_after_a_yaml_error_are_partial(tmp_path: Path) -> None:
    yaml_error = Finding(COMPOSE_CONFIG, Severity.ERROR, "yaml: did not find expected key",
                         Location(tmp_path / "compose.yaml", 3), "yaml")
    partial = {"reason": "the compose files did not fully load", "reported_by": [COMPOSE_CONFIG]}
    report = _report(tmp_path, CheckResult(COMPOSE_CONFIG, "compose", Status.FAILED, (yaml_error,)),
                     CheckResult("env-drift", "variables", Status.PASSED), facts={PARTIAL_INPUT: partial})
    lines = render(report, Redactor(), RenderOptions(cwd=tmp_path)).splitlines()
    assert "~ env-drift            variables (partial: the compose files did not fully load)" in lines
    assert lines[-1].endswith("(1 failed, 1 partial)")  # each check counted once
    assert lines[2].startswith("✗ compose-config")  # the check that reports the problems saw them all


def test_a_check_without_the_engine_is_partial_not_passed(tmp_path: Path) -> None:
    note = Finding("port-collision", Severity.INFO, "docker engine unavailable: permission denied", None, "engine")
    report = _report(tmp_path, CheckResult(COMPOSE_CONFIG, "compose", Status.PASSED),
                     CheckResult("port-collision", "ports", Status.PASSED, (note,)),
                     CheckResult("path-gap", "tools", Status.SKIPPED, reason="no login shell"))
    lines = render(report, Redactor(), RenderOptions(cwd=tmp_path)).splitlines()
    assert "~ port-collision       ports (partial: docker engine unavailable: permission denied)" in lines
    assert "- path-gap             tools (no login shell)" in lines
    assert not any(line.startswith("✓ port-collision") for line in lines)
    assert sum("permission denied" in line for line in lines) == 1  # said once, on the check's line


def test_fix_line_is_not_dim_and_diffs_are_coloured(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj")
    text = render(canonical_report(root), Redactor(), RenderOptions(color=True, cwd=root))
    fix_lines = [line for line in text.splitlines() if "fix:" in line]
    assert fix_lines and not any("\x1b[2m" in line for line in fix_lines)
    coloured = color_diff("--- a/.env\n+++ b/.env\n@@ -1 +1 @@\n-X=1\n+X=2\napplied 1\n")
    assert "\x1b[31m-X=1" in coloured and "\x1b[32m+X=2" in coloured and "applied 1\n" in coloured


def test_a_yaml_error_marks_the_other_checks_partial_end_to_end(tmp_path: Path) -> None:
    from doctor.app import PreflightOptions, preflight

    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: x\n   bad: [\n")
    out = io.StringIO()
    status = preflight(PreflightOptions(path=tmp_path, select=("compose-config", "env-drift"), format="console",
                                        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}), out)
    lines = out.getvalue().splitlines()
    assert status == 1
    assert any(line.startswith("✗ compose-config") for line in lines), lines
    assert any(line.startswith("~ env-drift") and "(partial: the compose files did not fully load)" in line
               for line in lines), lines


def _as_rich_printed(rows: list[list[Piece]], color: bool, strip: bool = True) -> str:
    """What the reporter printed through rich before it wrote the escapes itself (link ids dropped)."""
    from rich.console import Console
    from rich.style import Style
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", no_color=not color,
                      width=10_000, highlight=False, emoji=False, markup=False)
    for row in rows:
        text = Text()
        for piece in row:
            style = Style.parse(piece.style) if piece.style and color else Style()
            if piece.link:
                style += Style(link=piece.link)
            text.append(piece.text, style=style)
        if strip:
            text.rstrip()
        console.print(text, overflow="ignore", crop=False, soft_wrap=True)
    return re.sub(r"\x1b\]8;id=[^;]*;", "\x1b]8;;", buffer.getvalue())


def test_terminal_escapes_are_byte_for_byte_what_rich_wrote(tmp_path: Path) -> None:
    from doctor.report.console import _lines

    root = write_project(tmp_path / "proj")
    report = canonical_report(root)
    odd = [Line((Piece("✗", "bold red"), Piece(" "), Piece("id", "bold"), Piece(" bell\x07 cr\r ff\x0c esc "),
                 Piece("   ", "dim"))),
           Line((Piece("    warning ", "yellow"), Piece("a.env:1", "underline", link="file:///a.env", whole=True))),
           Line(()), Line((Piece("   "),)),
           Line((Piece("x", "magenta"), Piece(" y ", "bold green"), Piece("z", "cyan")))]
    for options in (RenderOptions(color=True, width=60, cwd=root), RenderOptions(color=True, cwd=root),
                    RenderOptions(links=True, width=40, cwd=root), RenderOptions(color=True, links=True, cwd=root)):
        rows = [row for line in _lines(report, Redactor(), options) for row in wrap(line, options.width)]
        assert render(report, Redactor(), options) == _as_rich_printed(rows, options.color)
        rows = [row for line in odd for row in wrap(line, options.width)]
        from doctor.report.console import _ansi

        assert "".join(_ansi(row, options.color) + "\n" for row in rows) == _as_rich_printed(rows, options.color)
    # an ESC of the project's text is shown, never obeyed (rich passed it through): `^[`
    assert _ansi([Piece(" esc\x1b[1m ", "")], True) == " esc^[[1m"
    diff = "--- a/.env\n+++ b/.env\n@@ -1,2 +1,2 @@\n-X=1 \n+X=2\n keep  \n\\ No newline\nnote\n- not diff\n\n"
    plain = [[Piece(line, style)] for line, style in zip(diff.splitlines(), (
        "bold", "bold", "cyan", "red", "green", "", "", "", "", ""), strict=True)]
    assert color_diff(diff) == _as_rich_printed(plain, True, strip=False)


@pytest.mark.parametrize(("env", "colour"), [
    ({}, True), ({"NO_COLOR": "1"}, False), ({"NO_COLOR": ""}, True), ({"TERM": "dumb"}, False),
])
def test_no_color_counts_only_when_set_to_something(env: dict[str, str], colour: bool) -> None:
    """no-color.org: NO_COLOR "present and not an empty string" turns colour off; `NO_COLOR=` does not."""
    import io

    from doctor.app import wants_color

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert wants_color(Tty(), env) is colour


def test_a_hang_that_leaves_no_room_for_words_is_dropped_to_a_short_one() -> None:
    # 30 columns leave 5 beside a check's id (hang 23): one word a row; the rows now hang 4
    summary = Line((Piece("✓ compose-config       "), Piece("compose files and env files that compose itself would "
                                                            "reject or cannot read")), hang=23)
    rows = text_of(wrap(summary, 28))
    assert rows[1:] == ["    files and env files that", "    compose itself would", "    reject or cannot read"]
    assert all(len(r) <= 28 for r in rows[1:])
