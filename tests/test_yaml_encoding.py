"""Compose files in the encodings compose reads (doctor.project.yamlbytes): UTF-16 with its byte-order
mark (Windows PowerShell 5's `>`, Notepad's "Unicode") and UTF-8 with one load, lines counted in the
decoded text; UTF-16 without its mark and UTF-32, which compose refuses, are named with the fix."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from doctor.project.edits import line_text
from doctor.project.wholefile import read_text
from doctor.project.yamlbytes import UTF8, compose_text, decode, encoded, encoding_of
from doctor.project.yamlload import YamlError, parse_bytes

TEXT = "# dev stack\r\nservices:\r\n  app:\r\n    image: busybox\r\n    ports:\r\n      - \"8080:80\"  # é ✓ 🐳\r\n"
READ = {  # what compose v2.40.3's `config -q` says of each (0: it loads)
    "utf-16": 0, "utf-16-be-bom": 0, "utf-8-sig": 0, "utf-16-le": 1, "utf-16-be": 1, "utf-32": 1,
}


def _bytes(encoding: str, text: str = TEXT) -> bytes:
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(encoding)  # Python's utf-16 and utf-32 write a mark (little-endian here)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom", "utf-8-sig"])
def test_a_file_compose_reads_loads_with_its_lines(encoding: str) -> None:
    docs, _ = parse_bytes(_bytes(encoding), Path("compose.yaml"))
    assert docs == parse_bytes(TEXT.encode(), Path("compose.yaml"))[0]
    app = docs[0]["services"]["app"]  # type: ignore[index]
    assert app["ports"] == ["8080:80"]
    assert app.locs["ports"].line == 5
    assert app["ports"].loc_of(0).line == 6


def test_a_yaml_error_in_utf16_is_at_its_decoded_line() -> None:
    with pytest.raises(YamlError) as raised:
        parse_bytes(_bytes("utf-16", "services:\n  app:\n    image: busybox\n\tports: []\n"), Path("c.yaml"))
    assert raised.value.line == 4 and "tab" in raised.value.message


@pytest.mark.parametrize(("encoding", "message"), [
    ("utf-16-le", "saved as UTF-16LE without its byte-order mark, which compose cannot read: "
                  "save it as UTF-8 (`iconv -f UTF-16LE -t UTF-8`)"),
    ("utf-16-be", "saved as UTF-16BE without its byte-order mark, which compose cannot read: "
                  "save it as UTF-8 (`iconv -f UTF-16BE -t UTF-8`)"),
    ("utf-32", "saved as UTF-32, which compose cannot read: save it as UTF-8 (`iconv -f UTF-32 -t UTF-8`)"),
])
def test_an_encoding_compose_refuses_is_named_with_the_fix(encoding: str, message: str) -> None:
    with pytest.raises(YamlError) as raised:
        parse_bytes(_bytes(encoding, "services:\n  app:\n    image: busybox\n"), Path("c.yaml"))
    assert (raised.value.message, raised.value.line) == (message, 1)


def test_broken_utf16_and_binary_files_are_still_called_so() -> None:
    with pytest.raises(YamlError) as raised:
        parse_bytes(_bytes("utf-16", "services:\n  app:\n") + b"\x00\xd8x\x00", Path("c.yaml"))  # a lone surrogate
    assert (raised.value.message, raised.value.line) == ("invalid UTF-16LE: not a text file", 3)
    with pytest.raises(YamlError) as raised:
        parse_bytes(b"services:\n  app: {}\n\x00\x01\x02\x03binary", Path("c.yaml"))
    assert raised.value.message == "binary file: not YAML"


def test_the_line_readers_of_fixes_read_utf16_as_compose_does(tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    path.write_bytes(_bytes("utf-16"))
    assert line_text(path, 6) == '      - "8080:80"  # é ✓ 🐳'
    assert read_text(path) == TEXT.replace("\r\n", "\n")


def test_a_fix_reads_lines_by_newline_alone(tmp_path: Path) -> None:
    """The line a fix reads is the one its finding names, counted at "\\n", CRLF or a lone CR as the readers
    count (universal newlines): a form feed, a file separator, NEL, U+2028 or U+2029 ends none."""
    path = tmp_path / "app.env"
    path.write_bytes("A=1 \x0c x\r\nB=2 \x1c \x85 y\nC=\u2028\u2029z\rD=4\n\n".encode())
    assert [line_text(path, n) for n in range(1, 7)] == ["A=1 \x0c x", "B=2 \x1c \x85 y", "C=\u2028\u2029z", "D=4", "",
                                                          None]
    path.write_text("E=5")
    assert [line_text(path, n) for n in (0, 1, 2)] == [None, "E=5", None]


@pytest.mark.parametrize("brk", ["\u2028", "\x85", "\u2029"])
def test_a_line_break_pyyaml_counts_in_a_quoted_value_moves_no_location(brk: str) -> None:
    """PyYAML (as YAML 1.1 and go-yaml) ends a line at a NEL, U+2028 or U+2029 inside a quoted value; doctor's
    lines, an editor's and the fixer's, do not end there: every place below it stays on its line and column,
    and so does a YAML error's."""
    text = f'x-note: "one{brk}two"  # {brk}\nservices:\n  app: {{image: busybox, ports: ["80"]}}\n'
    docs, _ = parse_bytes(text.encode(), Path("compose.yaml"))
    doc = docs[0]
    assert doc is not None and doc.locs["services"].line == 2
    app = doc["services"]["app"]
    assert (app.loc.line, app.locs["image"].line, app.locs["image"].column) == (3, 3, 9)
    assert (app["ports"].loc_of(0).line, app["ports"].loc_of(0).column) == (3, 33)
    with pytest.raises(YamlError) as raised:
        parse_bytes((text + "  app: {}\n").encode(), Path("compose.yaml"))
    assert raised.value.line == 4 and raised.value.message == 'mapping key "app" already defined at line 3'


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom", "utf-8-sig", "utf-8"])
def test_text_goes_back_to_the_same_bytes(encoding: str) -> None:
    data = _bytes(encoding)
    text, found = decode(data)
    assert text == TEXT == compose_text(data)
    assert encoded(text, found) == data
    assert (found is UTF8) == (encoding == "utf-8") and encoding_of(data) == found


@pytest.mark.parametrize("encoding", list(READ))
def test_compose_itself_reads_exactly_these(encoding: str, tmp_path: Path, compose_bin: str) -> None:
    (tmp_path / "compose.yaml").write_bytes(_bytes(encoding))
    done = subprocess.run([compose_bin, "config", "-q"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == READ[encoding], done.stderr
    doctor_reads = True
    try:
        parse_bytes(_bytes(encoding), tmp_path / "compose.yaml")
    except YamlError:
        doctor_reads = False
    assert doctor_reads == (READ[encoding] == 0)
