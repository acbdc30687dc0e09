"""Compose's dotenv reader: compose-go v2.9.1's dotenv tests ported, plus doctor's own rules
(a bad line is a Problem at its line and the rest of the file still counts)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from doctor.model import Location
from doctor.project.envfile import (
    parse_env_text,
    parse_raw_env_text,
    read_dotenv_files,
    read_env_file,
    read_service_env_files,
)
from doctor.project.types import EnvFile, ProblemKind

HERE = Path("/p/.env")


def parse(text: str, lookup: dict[str, str] | None = None) -> EnvFile:
    return parse_env_text(text, HERE, lookup)


def values(text: str, lookup: dict[str, str] | None = None) -> dict[str, str]:
    parsed = parse(text, lookup)
    assert parsed.problems == (), parsed.problems
    return parsed.as_dict()


# godotenv_test.go TestParsing: (line, key, value)
PARSING = [
    ("FOO=bar", "FOO", "bar"),
    ("FOO =bar", "FOO", "bar"),
    ("FOO= bar", "FOO", "bar"),
    ('FOO="bar"', "FOO", "bar"),
    ("FOO='bar'", "FOO", "bar"),
    ('FOO="escaped\\"bar"', "FOO", 'escaped"bar'),
    ('FOO="\\"quoted\\""', "FOO", '"quoted"'),
    ("FOO=\"'d'\"", "FOO", "'d'"),
    ("OPTION_A: 1", "OPTION_A", "1"),
    ("OPTION_A: Foo=bar", "OPTION_A", "Foo=bar"),
    ("OPTION_A=1:B", "OPTION_A", "1:B"),
    ("export OPTION_A=2", "OPTION_A", "2"),
    ("export OPTION_B='\\n'", "OPTION_B", "\\n"),
    ("export exportFoo=2", "exportFoo", "2"),
    ("exportFOO=2", "exportFOO", "2"),
    ("export_FOO =2", "export_FOO", "2"),
    ("export.FOO= 2", "export.FOO", "2"),
    ("export\tOPTION_A=2", "OPTION_A", "2"),
    ("  export OPTION_A=2", "OPTION_A", "2"),
    ("\texport OPTION_A=2", "OPTION_A", "2"),
    ('export OPTION_A="export A"', "OPTION_A", "export A"),
    ('FOO="bar\\nbaz"', "FOO", "bar\nbaz"),
    ("FOO=a\\tb", "FOO", "a\\tb"),
    ('FOO="a\\tb"', "FOO", "a\tb"),
    ('KEY="Z\\aZ\\bZ\\fZ\\nZ\\rZ\\tZ\\vZ\\\\Z\\0123Z"', "KEY", "Z\aZ\bZ\fZ\nZ\rZ\tZ\vZ\\ZSZ"),
    ("FOO.BAR=foobar", "FOO.BAR", "foobar"),
    ("FOO=foobar=", "FOO", "foobar="),
    ("FOO=bar ", "FOO", "bar"),
    ("FOO=bar # this is foo", "FOO", "bar"),
    ("FOO=bar #this is foo", "FOO", "bar"),
    ("FOO=bar #", "FOO", "bar"),
    ("FOO=123#not-an-inline-comment", "FOO", "123#not-an-inline-comment"),
    ('FOO="bar#baz"', "FOO", "bar#baz"),
    ('FOO="bar#baz"#', "FOO", "bar#baz"),
    ('FOO="bar#baz" # comment', "FOO", "bar#baz"),
    ("FOO='bar#baz' # comment", "FOO", "bar#baz"),
    ('FOO="bar#baz#bang" # comment', "FOO", "bar#baz#bang"),
    ('FOO="ba#r"', "FOO", "ba#r"),
    ("FOO='ba#r'", "FOO", "ba#r"),
    ('FOO="bar\\n\\ b\\az"', "FOO", "bar\n\\ b\az"),
    ('FOO="bar\\\\\\n\\ b\\az"', "FOO", "bar\\\n\\ b\az"),
    ('FOO="bar\\\\r\\ b\\az"', "FOO", "bar\\r\\ b\az"),
    ('="value"', "", "value"),
    (" KEY =value", "KEY", "value"),
    ("   KEY=value", "KEY", "value"),
    ("\tKEY=value", "KEY", "value"),
    ('KEY="\\0123"', "KEY", "S"),
    ('KEY="\\x07"', "KEY", "\\x07"),
    ('KEY="\\u12e4"', "KEY", "\\u12e4"),
    ('KEY="\\U00101234"', "KEY", "\\U00101234"),
    # COMPOSE-SEMANTICS.md §3 and v2.40.3 runs
    ("K=v\t# c", "K", "v\t# c"),
    ("K=a\\nb", "K", "a\\nb"),
    ("K=$$lit", "K", "$lit"),
    ('K="\\$lit"', "K", "$lit"),
    ("K='$lit \\' \\n'", "K", "$lit ' \\n"),
    ("1NUM=x", "1NUM", "x"),
    ("K.k-[0]=v", "K.k-[0]", "v"),
    ("é=1", "é", "1"),
    ("A\tB=1", "A\tB", "1"),
    ('E="a\\01b\\0c\\0400\\c\\x41"', "E", "a\\1b\\c\\400\\c\\x41"),  # verified with v2.40.3
    ('K="\\0044HOME"', "K", ""),  # an octal $ is expanded afterwards: $HOME is unset here
    ('Z="a\\\\"', "Z", "a\\"),
    ("K=v\r", "K", "v"),
]


@pytest.mark.parametrize(("line", "key", "value"), PARSING)
def test_parsing(line: str, key: str, value: str) -> None:
    parsed = values(line)
    assert key in parsed, parsed
    assert parsed[key] == value


def test_parse_several() -> None:  # TestParse
    assert values("ONE=1\nTWO='2'\nTHREE = \"3\"") == {"ONE": "1", "TWO": "2", "THREE": "3"}


def test_parse_bytes() -> None:  # parser_test.go TestParseBytes
    text = "\na=b\na[1]=c\na.propertyKey=d\nárvíztűrő-TÜKÖRFÚRÓGÉP=ÁRVÍZTŰRŐ-tükörfúrógép\n"
    assert values(text) == {"a": "b", "a[1]": "c", "a.propertyKey": "d",
                            "árvíztűrő-TÜKÖRFÚRÓGÉP": "ÁRVÍZTŰRŐ-tükörfúrógép"}


def test_multiline_double_quoted() -> None:  # TestVariableStringValueSeparator
    text = 'TEST_URLS="stratum+tcp://stratum.antpool.com:3333\nstratum+tcp://stratum.antpool.com:443"'
    assert values(text) == {"TEST_URLS": "stratum+tcp://stratum.antpool.com:3333\n"
                                         "stratum+tcp://stratum.antpool.com:443"}


@pytest.mark.parametrize(("text", "expected"), [  # TestExpanding
    ("FOO=test\nBAR=$FOO", {"FOO": "test", "BAR": "test"}),
    ("FOO=test\nBAR=${FOO}bar", {"FOO": "test", "BAR": "testbar"}),
    ("BAR=$FOO", {"BAR": ""}),
    ('FOO=test\nBAR="quote $FOO"', {"FOO": "test", "BAR": "quote test"}),
    ("BAR='quote $FOO'", {"BAR": "quote $FOO"}),
    ('FOO="foo\\$BAR"', {"FOO": "foo$BAR"}),
    ('FOO="foo\\${BAR}"', {"FOO": "foo${BAR}"}),
    ('FOO=test\nBAR="foo\\${FOO} ${FOO}"', {"FOO": "test", "BAR": "foo${FOO} test"}),
])
def test_expanding(text: str, expected: dict[str, str]) -> None:
    assert values(text) == expected


EXPANSION_ENV = {"EMPTY_VAR": "", "TEST_VAR": "Test Value"}


@pytest.mark.parametrize(("value", "expected"), [  # godotenv_var_expansion_test.go
    ("${UNSET_VAR:-Default Value}", "Default Value"),
    ("${EMPTY_VAR:-Default Value}", "Default Value"),
    ("${TEST_VAR:-Default Value}", "Test Value"),
    ("${UNSET_VAR-Default Value}", "Default Value"),
    ("${EMPTY_VAR-Default Value}", ""),
    ("${TEST_VAR-Default Value}", "Test Value"),
    ("${TEST_VAR:?Default Value}", "Test Value"),
    ("${EMPTY_VAR?Test error}", ""),
    ("${TEST_VAR?Default Value}", "Test Value"),
    ("${TEST_VAR:+alt}", "alt"),
    ("${EMPTY_VAR+alt}", "alt"),
])
def test_expansion_operators(value: str, expected: str) -> None:
    assert values(f"RESULT={value}", EXPANSION_ENV) == {"RESULT": expected}


@pytest.mark.parametrize(("value", "message"), [
    ("${UNSET_VAR:?Test error}", "required variable UNSET_VAR is missing a value: Test error"),
    ("${EMPTY_VAR:?Test error}", "required variable EMPTY_VAR is missing a value: Test error"),
    ("${UNSET_VAR?Test error}", "required variable UNSET_VAR is missing a value: Test error"),
    ('"${UNSET_VAR?in quotes}"', "required variable UNSET_VAR is missing a value: in quotes"),
])
def test_expansion_errors_are_problems(value: str, message: str) -> None:
    parsed = parse(f"A=1\nRESULT={value}\nB=2\n", EXPANSION_ENV)
    assert parsed.as_dict() == {"A": "1", "B": "2"}
    assert [(p.kind, p.message, p.location) for p in parsed.problems] == [
        (ProblemKind.ENV_FILE, message, Location(HERE, 2))]


def test_invalid_template_problem_does_not_echo_the_value() -> None:
    parsed = parse("PASSWORD=s3cr${t\nB=2\n")
    assert parsed.as_dict() == {"B": "2"}
    assert len(parsed.problems) == 1
    assert "s3cr" not in parsed.problems[0].message
    assert "PASSWORD" in parsed.problems[0].message


@pytest.mark.parametrize("line", [  # TestUnterminatedQuotes
    'KEY="', 'KEY="value', 'KEY="value\\"', "KEY=\"value'", "KEY='", "KEY='value", "KEY='value\\'",
    "KEY='value\"",
])
def test_unterminated_quotes(line: str) -> None:
    parsed = parse(line)
    assert parsed.entries == ()
    assert [p.message for p in parsed.problems] == ['unterminated quoted value for "KEY"']


def test_unterminated_quote_resumes_on_the_next_line() -> None:
    parsed = parse('A=1\nB="never closed\nC=3\n')
    assert parsed.as_dict() == {"A": "1", "C": "3"}
    assert [p.location for p in parsed.problems] == [Location(HERE, 2)]


@pytest.mark.parametrize("text", ["\n", "\r\n", "\t\t ", "# Comment", "\t # comment"])
def test_lines_to_ignore(text: str) -> None:  # TestLinesToIgnore
    parsed = parse(text)
    assert parsed.entries == () and parsed.problems == ()


@pytest.mark.parametrize(("text", "message"), [
    ("lol$wut", 'unexpected character "$" in variable name "lol$wut"'),
    ("%!(EXTRA string)=foo", 'unexpected character "%" in variable name "%!(EXTRA string)"'),  # parser_test
    ("A!B=secret", 'unexpected character "!" in variable name "A!B"'),
    ("INVALID LINE", 'key "INVALID LINE" cannot contain a space'),
    ("MY KEY=v", 'key "MY KEY" cannot contain a space'),
    ('A="x" "y"\n', 'unexpected character "\\"" in variable name "\\"y\\""'),
])
def test_bad_keys(text: str, message: str) -> None:
    parsed = parse(f"FIRST=1\n{text}\nLAST=2\n")
    assert parsed.as_dict().get("LAST") == "2"
    assert [(p.message, p.location) for p in parsed.problems] == [(message, Location(HERE, 2))]


def test_text_after_closing_quote_starts_a_statement() -> None:
    assert values('A="abc"def\n', {"def": "D"}) == {"A": "abc", "def": "D"}
    assert values('A="abc"def\n') == {"A": "abc"}


def test_last_line_without_newline_quirk() -> None:
    # compose-go reads a final bare `FOO` (no "\n") as the value of the empty key (verified)
    assert values("FOO") == {"": "FOO"}
    assert values('A="abc"def') == {"A": "abc", "": "def"}


def test_export_quirks() -> None:
    assert values("export\nFOO=1\n") == {"FOO": "1"}
    assert values("export \n") == {}
    assert [p.message for p in parse("export ").problems] == ["zero length string"]


def test_lookup_precedes_earlier_keys() -> None:
    # OS env first, then keys parsed earlier (GetEnvFromFile; verified with PLAIN=shell)
    assert values("X=file\nY=${X}\n", {"X": "shell"}) == {"X": "file", "Y": "shell"}
    assert values("X=file\nY=${X}\n") == {"X": "file", "Y": "file"}
    assert parse_env_text("A=${B}", HERE, lambda name: "fn-" + name).as_dict() == {"A": "fn-B"}


def test_bare_keys_inherit() -> None:  # TestInheritedEnvVariable*
    os_env = {"VAR_TO_BE_LOADED_FROM_OS_ENV": "v"}
    assert values("foo=bar\nVAR_TO_BE_LOADED_FROM_OS_ENV\nbar=baz\n", os_env) == {
        "foo": "bar", "VAR_TO_BE_LOADED_FROM_OS_ENV": "v", "bar": "baz"}
    assert values("VARIABLE_NOT_FOUND\n") == {}
    # an unresolved bare key leaves an earlier value alone; bare keys do not see earlier keys
    assert values("A=1\nA\n") == {"A": "1"}
    assert values("A=1\nA\n", {"A": "os"}) == {"A": "os"}


def test_entries_keep_lines_and_raw_text() -> None:
    text = "# c\nA=1 # note\nB='multi\nline'\n\nexport C: \"q $A\"\nD\n"
    parsed = parse(text, {"D": "from-os"})
    assert [(e.key, e.value, e.line, e.raw) for e in parsed.entries] == [
        ("A", "1", 2, "1"),
        ("B", "multi\nline", 3, "'multi\nline'"),
        ("C", "q 1", 6, '"q $A"'),
        ("D", "from-os", 7, ""),
    ]
    assert parsed.entry("C") == parsed.entries[2]


def test_bom_and_crlf() -> None:
    assert values("\ufeffA=1\r\nB = 2 \r\n") == {"A": "1", "B": "2"}


def test_many_lines() -> None:  # TestMemoryExplosion, as a linear-time sanity check
    text = "\n".join(f"KEY{i}=VALUE{i}" for i in range(1000))
    assert len(values(text)) == 1000


# --- files ----------------------------------------------------------------------------------


FIXTURE_VALUES = {  # godotenv_test.go expectations per fixture
    "plain.env": {"OPTION_A": "1", "OPTION_B": "2", "OPTION_C": "3", "OPTION_D": "4", "OPTION_E": "5",
                  "456": "ABC", "OPTION_F": "", "OPTION_G": "", "OPTION_H": "my string"},
    "exported.env": {"OPTION_A": "2", "OPTION_B": "\\n"},
    "equals.env": {"OPTION_A": "postgres://localhost:5432/database?sslmode=disable"},
    "quoted.env": {"OPTION_A": "1", "OPTION_B": "2", "OPTION_C": "", "OPTION_D": "\\n", "OPTION_E": "1",
                   "OPTION_F": "2", "OPTION_G": "", "OPTION_H": "\n", "OPTION_I": "echo 'asd'",
                   "OPTION_J": "first line\nsecond line\nthird line\nand so on", "OPTION_K": "Let's go!",
                   "OPTION_Z": "last value"},
    "unquoted.env": {"OPTION_A": "some quoted phrase", "OPTION_B": "first one with an unquoted phrase",
                     "OPTION_C": "then another one with an unquoted phrase",
                     "OPTION_D": "then another one with an unquoted phrase special è char",
                     "OPTION_E": "then another one quoted phrase"},
    "substitutions.env": {"OPTION_A": "1", "OPTION_B": "1", "OPTION_C": "1", "OPTION_D": "1_1",
                          "OPTION_E": ""},
    "special.env": {"VAR.WITH.DOTS": "dots", "VAR_WITH_UNDERSCORES": "underscores",
                    "VAR-WITH-DASHES": "dashes"},
    "utf8-bom.env": {"OPTION_A": "1", "OPTION_B": "2", "OPTION_C": "3", "OPTION_D": "4", "OPTION_E": "5",
                     "456": "ABC", "OPTION_F": "", "OPTION_G": "", "OPTION_H": "my string"},
    "custom.format": {"FOO": "BAR", "ZOT": "QIX"},
}


@pytest.mark.parametrize("name", sorted(FIXTURE_VALUES))
def test_compose_go_fixtures(shared_dir: Path, name: str) -> None:
    parsed = read_env_file(shared_dir / "compose-go-fixtures/dotenv/fixtures" / name)
    assert parsed.problems == ()
    assert parsed.as_dict() == FIXTURE_VALUES[name]


def test_invalid1_fixture_reports_and_continues(shared_dir: Path) -> None:  # TestErrorParsing
    path = shared_dir / "compose-go-fixtures/dotenv/fixtures/invalid1.env"
    parsed = read_env_file(path)
    assert [(p.kind, p.message, p.location) for p in parsed.problems] == [
        (ProblemKind.ENV_FILE, 'key "INVALID LINE" cannot contain a space', Location(path, 7))]
    assert parsed.as_dict() == {"foo": "\n  a\n  multine\n  value\n", "zot": "qix"}


def test_unreadable(tmp_path: Path) -> None:
    for path in (tmp_path, tmp_path / "missing.env"):
        parsed = read_env_file(path)
        assert parsed.entries == ()
        assert [p.kind for p in parsed.problems] == [ProblemKind.UNREADABLE]
        assert parsed.problems[0].location == Location(path)


def test_permission_denied_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(path: Path, limit: int) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("doctor.project.envfile.read_regular", denied)
    parsed = read_env_file(tmp_path / "secret.env")
    assert [(p.kind, p.message) for p in parsed.problems] == [
        (ProblemKind.UNREADABLE, "cannot read env file: permission denied")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "secret.env"
    path.write_text("A=1\n")
    path.chmod(0)
    parsed = read_env_file(path)
    assert [p.kind for p in parsed.problems] == [ProblemKind.UNREADABLE]
    assert "permission denied" in parsed.problems[0].message


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.env"
    path.write_bytes(b"A=ok\nB=caf\xe9\nC\xe9=1\nD=2\n")
    parsed = read_env_file(path)
    # compose accepts the value's bytes as they are (doctor reads U+FFFD) and rejects the key
    assert parsed.as_dict() == {"A": "ok", "B": "caf\ufffd", "D": "2"}
    assert [p.location.line for p in parsed.problems if p.location] == [3]
    assert "unexpected character" in parsed.problems[0].message


# --- format: raw ----------------------------------------------------------------------------


def test_raw_format_keeps_values_verbatim() -> None:
    text = "Q=\"x\"\nR='y'\nS=\"quoted ${TOP}\" # not?\n  T=1 \n# c\n\nU\nV\n"
    parsed = parse_raw_env_text(text, HERE, {"U": "u"})
    assert parsed.problems == ()
    assert parsed.as_dict() == {"Q": '"x"', "R": "'y'", "S": '"quoted ${TOP}" # not?', "T": "1 ", "U": "u"}
    assert [e.line for e in parsed.entries] == [1, 2, 3, 4, 7]


@pytest.mark.parametrize(("line", "message"), [
    ("A =1", "variable \"A \" contains whitespaces"),
    ("=1", 'no variable name before "="'),
])
def test_raw_format_errors(line: str, message: str) -> None:
    parsed = parse_raw_env_text(f"X=1\n{line}\nY=2\n", HERE)
    assert parsed.as_dict() == {"X": "1", "Y": "2"}
    assert [(p.message, p.location) for p in parsed.problems] == [(message, Location(HERE, 2))]


def test_read_raw(tmp_path: Path) -> None:
    path = tmp_path / "raw.env"
    path.write_bytes(b"\xef\xbb\xbfA=$B\r\nC=\xff\n")
    parsed = read_env_file(path, raw=True)
    assert parsed.as_dict() == {"A": "$B"}
    assert [p.location for p in parsed.problems] == [Location(path, 2)]


# --- several files --------------------------------------------------------------------------


def test_earlier_files_come_after_this_files_keys(tmp_path: Path) -> None:
    parsed = parse_env_text("R=${K}\nK=b1\nS=${K}\nT=${ONLY_EARLIER}\n", HERE, {}, earlier={
        "K": "a1", "ONLY_EARLIER": "e"})
    assert parsed.as_dict() == {"R": "a1", "K": "b1", "S": "b1", "T": "e"}
    # a bare key never reads `earlier` (compose keeps the earlier value itself)
    assert parse_env_text("K\n", HERE, {}, earlier={"K": "a1"}).entries == ()


def test_read_dotenv_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a.env", tmp_path / "b.env"
    first.write_text("K=a1\nB=a\nSHELL_WINS=file\n")
    second.write_text("R=${K}\nK=b1\nS=${K}\nB\nT=${B}\nU=${SHELL_WINS}\n")
    merged, files = read_dotenv_files([first, second], {"SHELL_WINS": "shell"})
    assert merged == {"K": "b1", "B": "a", "SHELL_WINS": "file", "R": "a1", "S": "b1", "T": "a",
                      "U": "shell"}
    assert [f.path for f in files] == [first, second]


def test_read_service_env_files(tmp_path: Path) -> None:
    a, b, raw = tmp_path / "a.env", tmp_path / "b.env", tmp_path / "raw.env"
    a.write_text("K=a1\nB=a\n")
    b.write_text("K=b1\nR=${K}\nS=${B}\nE=${FROM_ENV}\nP=${FROM_PROJECT}\nFROM_ENV\n")
    raw.write_text('K="raw ${X}"\n')
    environment: dict[str, str | None] = {"FROM_ENV": "e", "NIL": None}
    files = read_service_env_files([(a, False), (b, False)], {"FROM_PROJECT": "p"}, environment)
    merged: dict[str, str] = {}
    for one in files:
        merged.update(one.as_dict())
    assert merged == {"K": "b1", "B": "a", "R": "b1", "S": "a", "E": "e", "P": "p", "FROM_ENV": "e"}
    # the service's environment beats keys of the env files; the project env beats both
    files = read_service_env_files([(a, False), (raw, True), (b, False)], {}, {"K": "env"})
    assert files[1].as_dict() == {"K": '"raw ${X}"'}
    assert files[2].as_dict()["R"] == "env"


def test_a_binary_env_file_is_one_problem_and_a_garbled_one_at_most_a_few(tmp_path: Path) -> None:
    """2 MB of random bytes as `.env` made 7,640 errors (and `'UoX' is not set` warnings from its
    `$` runs); compose stops at its first line. A NUL byte: one problem, no entry. No NUL: the first
    MAX_PROBLEMS, then one saying doctor stopped reading."""
    from doctor.project.envfile import MAX_PROBLEMS, parse_env_text

    parsed = parse_env_text("A=1\n\x7fELF\x02\x01\x01\x00\x00$X\n\x00\x01=2\n", tmp_path / ".env")
    assert parsed.entries == () and parsed.unset == ()
    assert [(p.message, p.location.line if p.location else None) for p in parsed.problems] == [
        ("a binary file (a NUL byte here): not an env file", 2)]
    # Windows PowerShell 5's `echo TAG=1 > .env` writes UTF-16 (a BOM, a NUL beside each character):
    # compose stops at line 1; "binary file" told a newcomer nothing they could act on
    for data in ("TAG=1\nA=xy\n".encode("utf-16"), "TAG=1\n".encode("utf-16-le"), "TAG=1\n".encode("utf-16-be")):
        parsed = parse_env_text(data.decode("utf-8", "surrogateescape"), tmp_path / ".env")
        assert parsed.entries == () and [(p.message, p.location.line if p.location else None)
                                         for p in parsed.problems] == [
            ("saved as UTF-16, which compose cannot read: save it as UTF-8 (`iconv -f UTF-16 -t UTF-8`)", 1)]
    garbled = "".join(f"bad key {n} = x\n" for n in range(500))
    parsed = parse_env_text(garbled + "GOOD=1\n", tmp_path / ".env")
    assert len(parsed.problems) == MAX_PROBLEMS + 1
    assert parsed.problems[-1].message.startswith(f"doctor stopped reading after {MAX_PROBLEMS} lines")


def test_a_nul_in_a_value_or_comment_is_kept_as_compose_keeps_it(tmp_path: Path) -> None:
    """compose v2.40.3 reads `A=x<NUL>y` as A="x\\0y" (quoted too; in a comment it is dropped with the
    comment) and loads the file; it stops only at a NUL in a name, `unexpected character "\\x00" in
    variable name`: 'a binary file' was said of the whole file for a NUL anywhere."""
    from doctor.project.envfile import parse_env_text

    parsed = parse_env_text('A=x\x00y\nQ="x\x00y"\nC=1 # c\x00\nB=\x00\x01\x02$X\n', tmp_path / ".env")
    assert parsed.problems == ()
    assert parsed.as_dict() == {"A": "x\x00y", "Q": "x\x00y", "C": "1", "B": "\x00\x01\x02"}
    assert parsed.unset == (("X", 4),)
    parsed = parse_env_text("A=x\x00y\nB\x00=2\n", tmp_path / ".env")
    assert parsed.entries == ()
    assert [(p.message, p.location.line if p.location else None) for p in parsed.problems] == [
        ("a binary file (a NUL byte here): not an env file", 2)]


def test_compose_keeps_a_nul_in_a_value(tmp_path: Path, compose_bin: str) -> None:
    import json
    import subprocess

    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    environment:\n      A: ${A}\n")
    (tmp_path / ".env").write_bytes(b"A=x\x00y\nB=2\n")
    done = subprocess.run([compose_bin, "config", "--format", "json"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "COMPOSE_PROJECT_NAME": "doctor-test-nul"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["services"]["app"]["environment"] == {"A": "x\x00y"}
    (tmp_path / ".env").write_bytes(b"A=x\nB\x00=2\n")
    done = subprocess.run([compose_bin, "config", "-q"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and 'unexpected character "\\x00" in variable name' in done.stderr
