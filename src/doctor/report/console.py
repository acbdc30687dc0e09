"""The human report: a doctor's checklist (✓ ! ✗ i ~ -), each finding with file:line and its fix.

Piped, the text is plain and stable: no colour, no links, no wrapping. On a terminal
(`RenderOptions.width`), lines wrap at the terminal's width with hanging indents and never
break inside a word, so a path stays whole; colour (SGR) and OSC 8 hyperlinks are written
as rich wrote them, without importing it (that cost more than the rest of a run). Paths are
printed as a terminal or editor opens them from the current directory: relative below it,
absolute elsewhere.

A check that could not run is `-` with the reason; one that ran on part of what it needed (the
compose files did not load, the engine could not be asked) is `~`, "partial", with the reason.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from doctor.engine import Report
from doctor.model import CheckResult, Finding, Severity, Status, record
from doctor.model import shown_path as shown_path  # re-exported: app.py and the tests read it here
from doctor.report import PARTIAL_INPUT as PARTIAL_INPUT  # re-exported with partial_reason: tests read them here
from doctor.report import RenderOptions, fail_note, suppressed_by
from doctor.report import partial_reason as partial_reason

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

    from doctor.model import Location
    from doctor.redact import Redactor  # the run's, built beside the checks (app.redactor_for): not imported here

MARKS = {Status.PASSED: "✓", Status.FAILED: "✗", Status.SKIPPED: "-", Status.ERROR: "✗"}
PARTIAL = "~"
STYLES = {"✓": "green", "✗": "bold red", "!": "yellow", "-": "dim", "i": "cyan", PARTIAL: "magenta"}
SEVERITY_STYLES = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
ID_WIDTH = 20
DETAIL = 12  # where a finding's message and fix start
MIN_ROOM = 12  # the least room beside a hanging indent; narrower, continuation rows hang NARROW_HANG
NARROW_HANG = 4


@record
class Piece:
    """A run of text with one style and, on a terminal that supports it, a hyperlink."""

    text: str
    style: str = ""
    link: str = ""
    whole: bool = False  # never split at its spaces (a path, a location)


@record
class Line:
    """One logical line: its pieces, and the indent of the lines it wraps onto."""

    pieces: tuple[Piece, ...]
    hang: int = 0


def _shown_command(argv: tuple[str, ...], cwd: Path | None) -> str:
    """A fix's command as typed from the current directory: absolute paths below it made relative."""
    import shlex

    def shown(word: str) -> str:
        if not word.startswith("/"):
            return word
        if ":" not in word:
            return shown_path(Path(word), cwd)
        # a volume `HOST:CONTAINER`: its host side made relative (the current folder `.`, not `../here`, the
        # project's own folder named from its parent by root-owned-files' `-v /src/app:/w`), keeping its `./`:
        # `tests:/app/tests` names a volume
        host, inside = word.split(":", 1)
        relative = shown_path(Path(host), cwd)
        return f"{relative if relative.startswith(('/', '.', '~')) else f'./{relative}'}:{inside}"

    return shlex.join(shown(word) for word in argv)


def _where(location: Location, cwd: Path | None) -> str:
    shown = shown_path(location.path, cwd)
    return shown if location.line is None else f"{shown}:{location.line}"


def _mark(result: CheckResult, partial: str) -> str:
    worst = max((f.severity for f in result.findings), default=None)
    if result.status in (Status.FAILED, Status.PASSED) and worst is not None and worst > Severity.INFO:
        return {Severity.ERROR: "✗", Severity.WARNING: "!"}[worst]
    if partial:
        return PARTIAL
    if result.status in (Status.FAILED, Status.PASSED) and worst is not None:
        return "i"
    return MARKS[result.status]


def header(report_dir: Path, options: RenderOptions, where: str = "") -> str:
    """The first line of the report (printed before the checks run, on a terminal): the project
    (or the compose file given as PATH, RenderOptions.given_file: the folder would name another
    run), what the command line named beside it (RenderOptions.given) and where doctor runs (a
    fact of the report, not a finding). The path is shell-quoted, as `given` is: the header reads as
    the command that ran, so a folder named `my stack` copied from it must stay one argument.
    """
    import shlex

    runs = f"  (runs on: {where})" if where else ""
    named = f" {options.given}" if options.given else ""
    path = shlex.quote(shown_path(options.given_file or report_dir, options.cwd))
    return f"doctor preflight {path}{named}{runs}"


def _lines(report: Report, redact: Redactor, options: RenderOptions) -> Iterator[Line]:
    if options.header:
        where = report.facts.get("where")
        yield Line((Piece(header(report.project_dir, options, where if isinstance(where, str) else ""), "bold"),))
        yield Line(())
    notices = report.facts.get("notices")
    for notice in notices if isinstance(notices, list) else ():
        yield Line((Piece("! ", "yellow"), Piece(str(notice))))
    if isinstance(notices, list) and notices:
        yield Line(())
    for result in report.results:
        partial = partial_reason(result, report)
        mark = _mark(result, partial)
        reason = result.reason or partial
        label = "partial: " if partial and not result.reason else ""
        pieces = [Piece(mark, STYLES.get(mark, "")), Piece(" "), Piece(f"{result.check:<{ID_WIDTH}}", "bold"),
                  Piece(" "), Piece(result.summary, "dim" if mark == "✓" else "")]
        if reason:
            pieces.append(Piece(f" ({label}{redact.text(reason)})", STYLES.get(mark, "")))
        yield Line(tuple(pieces), hang=ID_WIDTH + 3)
        for finding in result.findings:
            if _on_check_line(finding, partial):
                continue  # said on the check's own line
            yield from _finding_lines(finding, redact, options)
    yield Line(())
    yield Line((Piece(summary(report, options.fail_on), "bold"),))


def _on_check_line(finding: Finding, partial: str) -> bool:
    """Whether a finding is the partial note its check's line says (`partial: docker engine unavailable...`)."""
    return bool(partial) and finding.message == partial and finding.location is None


def _finding_lines(finding: Finding, redact: Redactor, options: RenderOptions) -> Iterator[Line]:
    style = SEVERITY_STYLES[finding.severity]
    if finding.location is not None:
        where = Piece(_where(finding.location, options.cwd), "underline" if options.links else "",
                      link=finding.location.path.resolve().as_uri() if options.links else "", whole=True)
    else:
        where = Piece("(this machine)", "dim", whole=True)
    yield Line((Piece(f"    {finding.severity.label:<7} ", style), where), hang=DETAIL)
    yield Line((Piece(" " * DETAIL), Piece(redact.text(finding.message))), hang=DETAIL + 2)
    if finding.fix is not None:
        command = f": {_shown_command(finding.fix.command, options.cwd)}" if finding.fix.command else ""
        yield Line((Piece(" " * DETAIL), Piece("fix:", "bold green"),
                    Piece(" " + redact.text(finding.fix.title + command))), hang=DETAIL + 5)
        for alternative in finding.fix.alternatives:
            instead = f": {_shown_command(alternative.command, options.cwd)}" if alternative.command else ""
            yield Line((Piece(" " * DETAIL), Piece("or: ", "bold yellow"),
                        Piece(" " + redact.text(alternative.title + instead))), hang=DETAIL + 5)


def summary(report: Report, fail_on: Severity = Severity.ERROR) -> str:
    """The last line: findings by severity, then checks by status (a partial pass counted apart),
    and why the run fails where no check did (`fail_note`)."""
    reasons = [(r, partial_reason(r, report)) for r in report.results]
    # as the lines above show them: the note a partial check's own line says is no finding of its own
    folded = {id(f) for r, reason in reasons for f in r.findings if _on_check_line(f, reason)}
    severities = Counter(f.severity for f in report.findings if id(f) not in folded)
    # a check that passed on part of its input is partial, not passed: each check counted once
    # (one that found something stays failed; its mark shows what)
    partial = sum(1 for r, reason in reasons if r.status is Status.PASSED and reason)
    statuses = Counter(r.status for r in report.results)
    statuses[Status.PASSED] -= partial
    found = ", ".join(
        f"{severities[s]} {s.label}{'s' if severities[s] != 1 and s is not Severity.INFO else ''}"
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
    )
    ran = [f"{statuses[s]} {s.value}" for s in Status if statuses[s]]
    if partial:
        ran.append(f"{partial} partial")
    checks = f"{len(report.results)} check{'' if len(report.results) == 1 else 's'}"
    # findings the baseline or a suppression kept out are counted, never silently gone
    kept_out = f" · {len(report.suppressed)} suppressed ({suppressed_by(report)})" if report.suppressed else ""
    note = fail_note(report, fail_on)
    return f"{found} · {checks} ({', '.join(ran)}){kept_out}{f' · {note}' if note else ''}"


def _breaks(line: Line) -> list[int]:
    """Offsets of the spaces a line may wrap at: past its hanging indent, outside whole pieces."""
    allowed: list[int] = []
    offset = 0
    for piece in line.pieces:
        if not piece.whole:
            allowed.extend(offset + n for n, char in enumerate(piece.text) if char == " ")
        offset += len(piece.text)
    return [n for n in allowed if n >= line.hang]


def wrap(line: Line, width: int | None) -> list[list[Piece]]:
    """The physical lines of a logical line at `width` columns (None: one line, as it is).

    Continuation lines start at the line's hanging indent. A line breaks only at a space, never
    inside a whole piece (a path): a word longer than the room left runs past the width.
    """
    text = "".join(p.text for p in line.pieces)
    if width is None or len(text.rstrip()) <= width:
        return [list(line.pieces)]
    cuts: list[tuple[int, int]] = []  # (start, end) of each row's text
    start, room = 0, width
    breaks = _breaks(line)
    # a terminal too narrow for the hanging indent plus a few words (30 columns leave 7 beside a
    # check's id): continuation rows start near the left instead of one word a row
    hang = line.hang if width - line.hang >= MIN_ROOM else min(line.hang, NARROW_HANG)
    while len(text) - start > room:
        fits = [n for n in breaks if start < n <= start + room]
        after = [n for n in breaks if n > start + max(room, 0)]  # never a break behind `start`
        cut = fits[-1] if fits else (after[0] if after else None)
        if cut is None:
            break
        cuts.append((start, cut))
        start = cut + 1
        while start < len(text) and text[start] == " " and start in breaks:
            start += 1
        room = max(1, width - hang)  # a hang wider than the width: a word a row, never no progress
    cuts.append((start, len(text)))
    return [([Piece(" " * hang)] if n else []) + _slice(line.pieces, a, b) for n, (a, b) in enumerate(cuts)]


def _slice(pieces: tuple[Piece, ...], start: int, end: int) -> list[Piece]:
    """The parts of `pieces` between two offsets of their joined text."""
    found: list[Piece] = []
    offset = 0
    for piece in pieces:
        lo, hi = max(start, offset), min(end, offset + len(piece.text))
        if lo < hi:
            found.append(Piece(piece.text[lo - offset:hi - offset], piece.style, piece.link, piece.whole))
        offset += len(piece.text)
    return found


def render(report: Report, redactor: Redactor, options: RenderOptions) -> str:
    """The checklist as text; on a terminal wrapped, with colour and links as the options allow."""
    rows = [row for line in _lines(report, redactor, options) for row in wrap(line, options.width)]
    if not (options.color or options.links):
        return "".join(visible("".join(p.text for p in row)).rstrip() + "\n" for row in rows)
    return "".join(_ansi(row, options.color) + "\n" for row in rows)


# SGR parameters of the styles the report uses, as rich writes them for a "standard" terminal:
# attributes first, then the colour
_ATTRIBUTES = {"bold": "1", "dim": "2", "underline": "4"}
_COLOURS = {"red": "31", "green": "32", "yellow": "33", "magenta": "35", "cyan": "36"}
# what rich's Text drops from the text it prints (bell, backspace, vertical tab, form feed, CR)
_CONTROL = dict.fromkeys((7, 8, 11, 12, 13))
# every other control character of a project's text in caret notation (`^[` for ESC), a C1 one escaped:
# an ESC from a `.env` value, a folder name or a container's log (`]0;title`, OSC 52's clipboard write,
# `[2J`) would otherwise drive the terminal showing the report
_VISIBLE = {**{c: f"^{chr(c + 64)}" for c in range(32) if c not in (9, 10)}, **_CONTROL, 127: "^?",
            **{c: f"\\x{c:02x}" for c in range(0x80, 0xA0)}}


def visible(text: str) -> str:
    """The text with its control characters shown or dropped (_VISIBLE), tabs and line breaks kept:
    what a console report prints of the project's and its containers' text, before doctor's own
    colours and links are added."""
    return text.translate(_VISIBLE)


def _sgr(style: str) -> str:
    words = style.split()
    codes = [code for word, code in _ATTRIBUTES.items() if word in words]
    codes += [code for word, code in _COLOURS.items() if word in words]
    return ";".join(codes)


def _ansi(row: list[Piece], color: bool, strip: bool = True) -> str:
    """A row with SGR styles (when `color`) and OSC 8 links (trailing blanks dropped when `strip`),
    byte for byte as rich printed it. Written here: importing rich cost a terminal run more than
    the whole rest of a preflight.
    """
    pieces = [Piece(visible(p.text), p.style if color else "", p.link) for p in row]
    while strip and pieces and not pieces[-1].text.rstrip():
        pieces.pop()
    if strip and pieces:
        last = pieces[-1]
        pieces[-1] = Piece(last.text.rstrip(), last.style, last.link)
    out = []
    for piece in pieces:
        text = piece.text
        if not text:
            continue
        codes = _sgr(piece.style)
        if codes:
            text = f"\x1b[{codes}m{text}\x1b[0m"
        if piece.link:
            text = f"\x1b]8;;{piece.link}\x1b\\{text}\x1b]8;;\x1b\\"
        out.append(text)
    return "".join(out)


def supports_hyperlinks(env: Mapping[str, str]) -> bool:
    """Whether the terminal shows OSC 8 hyperlinks (others would print them as garbage or nothing)."""
    if "DOCTOR_HYPERLINKS" in env:
        return env["DOCTOR_HYPERLINKS"] not in ("0", "")
    if env.get("TERM") in ("dumb", "linux") or env.get("TMUX") or env.get("STY"):
        return False  # the Linux console, and multiplexers that may not pass OSC 8 through
    if env.get("TERM_PROGRAM") in ("iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper", "Tabby"):
        return True
    if env.get("KITTY_WINDOW_ID") or env.get("WT_SESSION") or env.get("DOMTERM") or env.get("KONSOLE_VERSION"):
        return True
    vte = env.get("VTE_VERSION", "")
    return vte.isdigit() and int(vte) >= 5000


def color_diff(text: str) -> str:
    """A unified diff coloured for a terminal: additions green, removals red, hunks cyan."""
    rows = []
    in_hunk = False  # only lines inside a hunk are diff lines: a note starting with "-" stays plain
    for line in text.splitlines():
        style = ""
        if line.startswith(("+++ ", "--- ")):
            style, in_hunk = "bold", False
        elif line.startswith("@@"):
            style, in_hunk = "cyan", True
        elif in_hunk and line.startswith("+"):
            style = "green"
        elif in_hunk and line.startswith("-"):
            style = "red"
        elif not line.startswith((" ", "\\")):
            in_hunk = False
        rows.append(_ansi([Piece(line, style)], color=True, strip=False) + "\n")
    return "".join(rows)


WIDTH_MARGIN = 2
SLOW_AFTER = 1.0  # seconds before the status line appears: a fast run shows none


class Progress:
    """While the checks run: the header at once, then, on a terminal, a status line of what runs.

    Piped, only the header is written (the report that follows is byte-for-byte the same).
    """

    def __init__(self, out: TextIO, options: RenderOptions, live: bool) -> None:
        self.out = out
        self.options = options
        self.live = live
        self._status: Any = None
        self._started = self._shown = 0.0

    def begin(self, project_dir: Path, where: str = "") -> None:
        """Print the header; on a terminal, the line below it shows what runs until the report comes."""
        self.out.write(header(project_dir, self.options, where) + "\n")
        if self.live:
            import time

            self._status = True
            self._started = self._shown = time.monotonic()
        else:
            self.out.write("\n")
        self.out.flush()

    def step(self, what: str) -> None:
        """Say what runs now (a check id, a probe) on the status line: only once the run is slow
        (a hung engine, a large ownership scan), and at most a few times a second.
        """
        if not self._status:
            return
        import time

        now = time.monotonic()
        if now - self._started < SLOW_AFTER or now - self._shown < 0.25:
            return
        self._shown = now
        width = self.options.width or 80
        self.out.write(f"\r\x1b[2Krunning {what}"[: width + 4])
        self.out.flush()

    def end(self) -> None:
        """Clear the status line; it stays as the blank line between the header and the report."""
        if self._status:
            self.out.write("\r\x1b[2K\n")
            self.out.flush()
            self._status = None


def progress_callback(progress: Progress | None) -> Callable[[str], None] | None:
    """The engine's `progress` hook for a Progress (None: no hook)."""
    return progress.step if progress is not None else None


def terminal_width(env: Mapping[str, str], fallback: int = 100) -> int:
    """The width to wrap at: the terminal's columns (COLUMNS when set, else the tty's size) less a
    margin of two, so no line reaches the last column (where some terminals wrap early, and where a
    tool that counts bytes sees a line with a 3-byte mark as too wide).
    """
    columns = env.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 20:
        return int(columns) - WIDTH_MARGIN
    try:
        columns_now = os.get_terminal_size().columns
    except OSError:
        return fallback
    # a pty that reports 0x0 (`script` in CI) or a sliver of a window: wrap as if 80 wide, as
    # COLUMNS under 21 is ignored above, rather than at a width no hanging indent fits in
    return columns_now - WIDTH_MARGIN if columns_now > 20 else fallback
