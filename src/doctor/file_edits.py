"""One file's plan in `doctor fix`: the edits accepted for it (FileEdits) as spans of its "\\n"-normalised
text, or one byte edit; an edit that is stale, overlaps another fix's or sets a key another adds is
refused (RefusedEdit, most of them for the next round: RETRY); the bytes to write, each new line
with its neighbours' ending; and the diff a dry run shows."""

from __future__ import annotations

import bisect
import contextlib
import difflib
import re
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Edit, field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.yamlbytes import TextEncoding

RETRY = "applied in the next round"  # how a RefusedEdit says a later round of the same run may apply it


class RefusedEdit(Exception):
    """An edit the fixer will not make (file changed, outside the project, overlapping...)."""


_ASSIGNED_KEY = lazy(r"^[ \t]*(?:export[ \t]+)?([A-Za-z_][\w.]*)[ \t]*=", re.MULTILINE)


def _assigned(text: str) -> set[str]:
    """The keys an env file's added text sets (`KEY=value`, `export KEY=value` lines)."""
    return set(_ASSIGNED_KEY.findall(text))


@record(frozen=False)
class FileEdits:
    """The accepted edits of one file, as (start, end, new) spans of its "\\n"-normalised text."""

    path: Path
    display: str
    original: str
    exists: bool
    crlf: bool = False
    spans: list[tuple[int, int, str, str]] = field(default_factory=list)
    data: bytes = b""  # the file's bytes as read: what byte edits work on, and what a write re-checks
    text_ok: bool = True  # False when the bytes are not UTF-8: only byte edits apply
    raw: list[tuple[int, int, bytes, str]] = field(default_factory=list)
    encoding: TextEncoding | None = None  # how the text is stored (None: UTF-8): UTF-16 stays UTF-16, its mark kept

    def copy(self) -> FileEdits:
        return FileEdits(self.path, self.display, self.original, self.exists, self.crlf, list(self.spans),
                         self.data, self.text_ok, list(self.raw), self.encoding)

    def add(self, edit: Edit, title: str) -> None:
        """Accept `edit`, or raise RefusedEdit saying why (stale text, overlap with an earlier fix)."""
        if edit.raw:
            self._add_raw(edit, title)
            return
        if not self.text_ok:
            raise RefusedEdit(f"{self.display} is not UTF-8 text")
        if self.raw:
            raise RefusedEdit(f"overlaps the fix '{self.raw[0][3]}' in {self.display}; {RETRY}")
        assert isinstance(edit.old, str) and isinstance(edit.new, str)
        start, end = self._locate(edit)
        new = edit.new.replace("\r\n", "\n")
        for s, e, other_new, other_title in self.spans:
            if (s, e, other_new) == (start, end, new):
                return  # the same edit from another finding: already planned
            if not self.exists:
                if self._merge_created(start, end, new):
                    return
                raise RefusedEdit(f"another fix creates {self.display} first; {RETRY}")
            if (s < end and start < e) or (s == e == start == end and start < len(self.original)):
                raise RefusedEdit(f"overlaps the fix '{other_title}' in {self.display}; {RETRY}")
            if s == e and start == end and _assigned(new) & _assigned(other_new):
                # two lines added for one key (env-drift's WEB_PORT from .env.example, port-collision's moved
                # WEB_PORT): the later fix edits the line the first one wrote, next round
                raise RefusedEdit(f"sets a key the fix '{other_title}' adds to {self.display}; {RETRY}")
        self.spans.append((start, end, new, title))

    def _merge_created(self, start: int, end: int, new: str) -> bool:
        """Whether a second fix creating this new YAML file (a dev override) merged into the first
        one's text, so that one round (a dry run too) writes both (doctor.project.newdocs)."""
        from doctor.project.newdocs import merge_new_documents

        created = len(self.spans) == 1 and {self.spans[0][:2], (start, end)} == {(0, 0)}
        if not created or self.path.suffix not in (".yml", ".yaml"):
            return False
        merged = merge_new_documents(self.spans[0][2], new)
        if merged is not None:
            self.spans[0] = (0, 0, merged, self.spans[0][3])
        return merged is not None

    def _add_raw(self, edit: Edit, title: str) -> None:
        old = edit.old if isinstance(edit.old, bytes) else edit.old.encode("utf-8")
        new = edit.new if isinstance(edit.new, bytes) else edit.new.encode("utf-8")
        if self.spans or self.raw:
            if self.raw and self.raw[0][2:] == (new, title) and self.data.find(old) == self.raw[0][0]:
                return  # the same edit from another finding
            other = self.raw[0][3] if self.raw else self.spans[0][3]
            raise RefusedEdit(f"overlaps the fix '{other}' in {self.display}; {RETRY}")
        if edit.line is not None or (old and self.data.count(old) != 1):
            raise RefusedEdit(f"file changed since the check read it ({self.display})")
        start = self.data.index(old) if old else len(self.data)
        self.raw.append((start, start + len(old), new, title))

    def _locate(self, edit: Edit) -> tuple[int, int]:
        assert isinstance(edit.old, str)
        text, old = self.original, edit.old.replace("\r\n", "\n")
        where = f"{self.display}:{edit.line}" if edit.line else self.display
        stale = RefusedEdit(f"file changed since the check read it ({where})")
        if edit.line is None:
            if not old:
                return len(text), len(text)
            if text.count(old) != 1:
                raise stale
            start = text.index(old)
            return start, start + len(old)
        starts = [0, *(i + 1 for i, ch in enumerate(text) if ch == "\n")]
        past_end = edit.line == len(starts) and starts[-1] == len(text) and bool(old)
        if not 1 <= edit.line <= len(starts) or past_end:
            raise stale
        begin = starts[edit.line - 1]
        end = begin + len(old)
        if text.startswith(old, begin) and (end == len(text) or old.endswith("\n") or text[end] == "\n"):
            return begin, end
        raise stale

    def new_text(self) -> str:
        """The "\\n"-normalised text after every accepted edit (appends in the order accepted)."""
        return "".join(piece for piece, _ in self._pieces())

    def _pieces(self) -> list[tuple[str, int]]:
        """The new text as pieces: (text of the original from offset n, n) or (new text, -1)."""
        text, out, pos = self.original, [], 0
        written_ends_with_break = True
        for start, end, new, _ in sorted(self.spans, key=lambda s: (s[0], s[1] > s[0])):
            if start > pos:
                out.append((text[pos:start], pos))
                written_ends_with_break = text[start - 1] == "\n"
            if start == end == len(text) and text and not written_ends_with_break and new:
                new = "\n" + new  # appending a line to a file whose last line has no break
            if new:
                out.append((new, -1))
                written_ends_with_break = new.endswith("\n")
            pos = end
        if pos < len(text):
            out.append((text[pos:], pos))
        result = "".join(piece for piece, _ in out)
        if self.original and not self.original.endswith("\n") and result.endswith("\n"):
            trimmed = result.rstrip("\n")  # keep the file's trailing-newline state
            while out and len(result) > len(trimmed):
                piece, origin = out.pop()
                cut = min(len(result) - len(trimmed), len(piece))
                if len(piece) > cut:
                    out.append((piece[: len(piece) - cut], origin))
                result = result[: len(result) - cut]
        elif self.original.endswith("\n") and result and not result.endswith("\n"):
            out.append(("\n", -1))
        return out

    @property
    def changed(self) -> bool:
        if self.raw:
            return self.rendered() != self.data or not self.exists
        return bool(self.spans) and (self.new_text() != self.original or not self.exists)

    def rendered(self) -> bytes:
        """The bytes to write: untouched text exactly as read, each new line with its neighbours' ending."""
        if self.raw:
            start, end, new, _ = self.raw[0]
            return self.data[:start] + new + self.data[end:]
        raw = self._decoded() if self.data else self.original
        if "\r\n" not in raw:
            text = self.new_text()
            return self._encoded(text.replace("\n", "\r\n") if self.crlf else text)
        crlf_at = [m.start() - n for n, m in enumerate(re.finditer("\r\n", raw))]  # their "\\n" in `original`
        out: list[str] = []
        for piece, origin in self._pieces():
            if origin < 0:
                out.append(piece.replace("\n", "\r\n") if self._crlf_near(out) else piece)
                continue
            first = origin + bisect.bisect_left(crlf_at, origin)
            last = origin + len(piece)
            out.append(raw[first: last + bisect.bisect_left(crlf_at, last)])
        return self._encoded("".join(out))

    def _decoded(self) -> str:
        """The file's text as read, its line breaks kept (its byte-order mark dropped: _encoded writes it)."""
        if self.encoding is None:
            return self.data.decode("utf-8")
        from doctor.project.yamlbytes import decode

        return decode(self.data)[0]

    def _encoded(self, text: str) -> bytes:
        if self.encoding is None:
            return text.encode("utf-8")
        from doctor.project.yamlbytes import encoded

        return encoded(text, self.encoding)

    def _crlf_near(self, written: list[str]) -> bool:
        """A new line ends like the line before it (the file's majority when it is the first)."""
        before = "".join(written[-2:])
        if "\n" in before:
            return before[: before.rindex("\n")].endswith("\r")
        return self.crlf

    def diff(self, root: Path) -> str:
        """difflib's unified diff of this file, before -> after (a byte edit shows `\\r` and
        bytes that are not UTF-8 as escapes, so a line-ending change is visible). Its paths are the
        ones findings show: from the directory doctor runs in when the file lies below it (`dev/.env`
        for `doctor fix dev` in wger's checkout, as `git apply` there reads it), else from the project.
        """
        name = self.display
        with contextlib.suppress(ValueError, OSError):  # not below it, or no cwd: the project's path
            name = self.path.relative_to(Path.cwd()).as_posix()
        if self.raw:
            return unified_diff(visible_bytes(self.data) if self.exists else "", visible_bytes(self.rendered()), name)
        return unified_diff(self.original if self.exists else "", self.new_text(), name)


def visible_bytes(data: bytes) -> str:
    """Bytes as diffable text: a CR before a line break shown as `\\r`, a BOM as `\\ufeff`."""
    text = data.decode("utf-8", "backslashreplace").replace("\r\n", "\\r\n").replace("\r", "\\r")
    return text.replace("\ufeff", "\\ufeff")


def unified_diff(old: str, new: str, name: str) -> str:
    """The unified diff `a/name` -> `b/name` (from /dev/null for a new file)."""
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=f"a/{name}" if old else "/dev/null", tofile=f"b/{name}")
    marker = "\n\\ No newline at end of file\n"
    return "".join(line if line.endswith("\n") else line + marker for line in lines)
