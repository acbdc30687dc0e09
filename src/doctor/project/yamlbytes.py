"""Compose YAML bytes as compose decodes them: UTF-8, or UTF-16 after its byte-order mark.

go-yaml v3's reader (readerc.go, yaml_parser_determine_encoding) looks at the first bytes only:
FF FE is UTF-16LE, FE FF is UTF-16BE, EF BB BF is UTF-8 (each mark dropped), anything else is
UTF-8. So a compose file Windows PowerShell 5's `>` writes (Notepad's "Unicode": UTF-16 with its
mark) loads (compose v2.40.3: `docker compose config` exits 0), while UTF-16 without its mark and
UTF-32 stop compose with "yaml: control characters are not allowed", naming no encoding and no line.
Line numbers count lines of the decoded text, as compose's do; a fix writes the file back in its
own encoding, mark included (`encoded`).
"""

from __future__ import annotations

from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record
from doctor.regular import read_bytes

YAML_BREAK = lazy(r"\r\n|[\n\r\x85\u2028\u2029]")  # a line break as PyYAML's Reader counts one


@record
class TextEncoding:
    """How a compose file's text is stored: its name, Python's codec for it, its byte-order mark."""

    name: str
    codec: str
    bom: bytes = b""


UTF8 = TextEncoding("UTF-8", "utf-8")
_MARKED = (  # go-yaml's order; a UTF-32LE mark (FF FE 00 00) reads as UTF-16LE and then a NUL
    TextEncoding("UTF-16LE", "utf-16-le", b"\xff\xfe"),
    TextEncoding("UTF-16BE", "utf-16-be", b"\xfe\xff"),
    TextEncoding("UTF-8 with a byte-order mark", "utf-8", b"\xef\xbb\xbf"),
)
_FIX = "save it as UTF-8 (`iconv -f {0} -t UTF-8`)"


class RefusedEncoding(ValueError):
    """Bytes compose cannot read as text, with the 1-based line where known."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def encoding_of(data: bytes) -> TextEncoding:
    """The encoding go-yaml reads `data` in: the one its byte-order mark names, else UTF-8."""
    return next((each for each in _MARKED if data.startswith(each.bom)), UTF8)


def compose_text(data: bytes) -> str:
    """The text of compose YAML bytes as go-yaml decodes them, the mark dropped and line breaks kept;
    RefusedEncoding for bytes compose refuses (UTF-32, UTF-16 without its mark, invalid bytes, NULs)."""
    refused = _unmarked(data)
    if refused:
        raise RefusedEncoding(refused)
    if encoding_of(data).codec == "utf-8" and b"\x00" in data[:65536]:  # before its bytes are judged UTF-8
        raise RefusedEncoding("binary file: not YAML")
    try:
        text, encoding = decode(data)
    except UnicodeDecodeError as exc:
        encoding = encoding_of(data)
        body = data[len(encoding.bom):]
        line = body[: exc.start].decode(encoding.codec, "replace").count("\n") + 1
        what = "UTF-8" if encoding.codec == "utf-8" else encoding.name
        raise RefusedEncoding(f"invalid {what}: not a text file", line) from None
    if "\0" in text[:65536]:
        raise RefusedEncoding("binary file: not YAML")
    return text


def decode(data: bytes) -> tuple[str, TextEncoding]:
    """(the text, its encoding) of a file's bytes as go-yaml decodes them, the mark dropped and line
    breaks kept; UnicodeDecodeError where they are not that encoding. For the readers that give
    compose files' lines and the fixer that edits them: line N is compose's line N."""
    encoding = encoding_of(data)
    return data[len(encoding.bom):].decode(encoding.codec), encoding


def read_text(path: Path, limit: int) -> str:
    """A compose file's text as `decode` reads it, with universal newlines (doctor.regular.read_text's
    with errors="strict": UnicodeDecodeError, RefusedFile or the OSError of the read)."""
    text, _ = decode(read_bytes(path, limit))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def pyyaml_lines(text: str) -> list[tuple[int, int]] | None:
    """Where PyYAML's count of lines differs from doctor's, None where the two agree. doctor counts lines at
    "\\n", CRLF and a lone CR (universal newlines, doctor.regular.text_lines), as editors do; PyYAML's Reader, as
    YAML 1.1 and go-yaml, also ends one at a NEL, U+2028 or U+2029. Else, for each line PyYAML counts (0-based
    index), doctor's 1-based line and how many characters of it come before that line's first."""
    if not any(c in text for c in "\x85\u2028\u2029"):
        return None
    table, line, start = [(1, 0)], 1, 0
    for found in YAML_BREAK.finditer(text):
        if found[0] in ("\r\n", "\n", "\r"):
            line, start = line + 1, found.end()
        table.append((line, found.end() - start))
    return table


def encoded(text: str, encoding: TextEncoding) -> bytes:
    """`text` stored as `encoding` stores it, its byte-order mark first."""
    return encoding.bom + text.encode(encoding.codec)


def _unmarked(data: bytes) -> str:
    """What compose cannot read in text it would read once saved as UTF-8 ("" when none): UTF-32 (with
    its mark), or UTF-16 without its mark (a NUL beside each ASCII character)."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "saved as UTF-32, which compose cannot read: " + _FIX.format("UTF-32")
    if encoding_of(data) is not UTF8:
        return ""
    sample = data[:200]
    for name, ascii_half, nul_half in (("UTF-16LE", sample[0::2], sample[1::2]),
                                       ("UTF-16BE", sample[1::2], sample[0::2])):
        if nul_half and set(nul_half) == {0} and 0 not in ascii_half:
            return (f"saved as {name} without its byte-order mark, which compose cannot read: "
                    + _FIX.format(name))
    return ""
