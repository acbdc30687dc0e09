"""PyYAML imported through doctor.project.yamlimport: its Reader's pattern is the cheap one, and means the same."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from doctor.project import yamlimport


def _pyyaml_text() -> str:
    """The NON_PRINTABLE pattern text as the installed PyYAML's reader.py writes it."""
    import yaml.reader

    tree = ast.parse(Path(yaml.reader.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "NON_PRINTABLE" for t in node.targets):
            call = node.value
            assert isinstance(call, ast.Call) and isinstance(call.args[0], ast.Constant)
            return str(call.args[0].value)
    raise AssertionError("PyYAML's reader.py has no NON_PRINTABLE")


def test_the_cheap_pattern_matches_exactly_the_characters_pyyaml_refuses() -> None:
    theirs, ours = re.compile(yamlimport.PYYAML_NON_PRINTABLE), re.compile(yamlimport.NON_PRINTABLE)
    every = "".join(map(chr, range(0x110000)))
    assert [m.start() for m in theirs.finditer(every)] == [m.start() for m in ours.finditer(every)]


def test_pyyaml_gets_the_cheap_pattern_when_its_text_is_the_known_one() -> None:
    code = ("import doctor.project.yamlload, yaml.reader, sys; "
            "sys.stdout.write(ascii(yaml.reader.Reader.NON_PRINTABLE.pattern))")
    got = ast.literal_eval(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                          check=True).stdout)
    if _pyyaml_text() == yamlimport.PYYAML_NON_PRINTABLE:
        assert got == yamlimport.NON_PRINTABLE
    else:  # another PyYAML: its own pattern, compiled as it wrote it
        assert got == _pyyaml_text()


def test_the_pure_reader_still_refuses_what_it_refused() -> None:
    from doctor.project.yamlimport import yaml

    assert yaml.safe_load("a: b\u00e9\U0001F600\n") == {"a": "b\u00e9\U0001F600"}
    for bad in ("a: \x07\n", "a: \ufffe\n", "a: \x85\x86\n"):
        try:
            yaml.safe_load(bad)
        except yaml.reader.ReaderError:
            continue
        raise AssertionError(f"{bad!r} was read")


def test_pyyaml_compiles_none_of_its_import_time_patterns_itself() -> None:
    """Every pattern PyYAML compiles at import (its Resolver's, its constructor's timestamp, its
    Reader's) is the one doctor placed in `re`'s cache, compiled from the shipped table: a
    PyYAML that wrote one differently fails here, naming it (update PYYAML_PATTERNS, then
    `python -m doctor.regex_ship ...`)."""
    code = ("import doctor.project.yamlload, yaml, sys\n"
            "from doctor.project.yamlimport import PYYAML_PATTERNS, _NON_PRINTABLE\n"
            "ours = [p.compiled for p in PYYAML_PATTERNS] + [_NON_PRINTABLE.compiled]\n"
            "theirs = [rx for lst in yaml.resolver.Resolver.yaml_implicit_resolvers.values() for _, rx in lst]\n"
            "theirs += [yaml.constructor.SafeConstructor.timestamp_regexp, yaml.reader.Reader.NON_PRINTABLE]\n"
            "sys.stdout.write(ascii(sorted({rx.pattern for rx in theirs if not any(rx is o for o in ours)})))")
    missed = ast.literal_eval(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                             check=True).stdout)
    assert missed == []


_LEAN = """
import sys
{before}
import doctor.project.yamlimport
import yaml, yaml.constructor
print(sorted(m for m in ('datetime', 'base64', 'binascii', 'struct') if m in sys.modules))
loaded = yaml.safe_load('a: 2001-12-14t21:59:43.10-05:00\\nb: 2002-12-14\\nc: !!binary aGVsbG8=\\n')
import datetime
print(type(loaded['a']) is datetime.datetime, type(loaded['b']) is datetime.date, loaded['c'],
      loaded['a'].utcoffset(), yaml.safe_dump({{'d': datetime.date(2020, 1, 2), 'e': b'hi'}}).split())
print(datetime.__file__.endswith('datetime.py'), yaml.safe_load('x: !!binary aGk=') == {{'x': b'hi'}})
"""


def _lean(before: str = "") -> list[str]:
    done = subprocess.run([sys.executable, "-c", _LEAN.format(before=before)], capture_output=True, text=True,
                          check=True)
    return done.stdout.splitlines()


def test_pyyaml_imports_without_datetime_base64_and_binascii_and_reads_as_before() -> None:
    # PyYAML reads datetime for its classes (those of `_datetime`, which datetime re-exports) and
    # base64/binascii only for `!!binary`: a first run's load imports neither module
    lines = _lean()
    assert lines[0] == "[]", lines
    expected = ("True True b'hello' -1 day, 19:00:00 ['d:', '2020-01-02', 'e:', '!!binary', '|', 'aGk=']")
    assert lines[1] == expected
    assert lines[2] == "True True"  # `import datetime` elsewhere: the real module


def test_a_lean_import_that_fails_leaves_the_plain_import() -> None:
    # PyYAML failing while the stand-ins are in place (here a module of its own missing then): its
    # modules are dropped and imported again plainly, with the real datetime, base64 and binascii
    failing = ("import contextlib\nimport doctor.lean_imports as lean\nplain = lean.standing_in\n"
               "@contextlib.contextmanager\ndef failing(placed):\n"
               "    with plain({**placed, 'yaml.representer': None}):\n        yield\n"
               "lean.standing_in = failing")
    lines = _lean(failing)
    assert lines[0] == "['base64', 'binascii', 'datetime', 'struct']", lines
    assert lines[1].startswith("True True b'hello' -1 day, 19:00:00"), lines


def test_without_datetimes_c_module_pyyaml_takes_datetime_py() -> None:
    lines = _lean("sys.modules['_datetime'] = None  # another Python: no C module")
    assert lines[0] == "['datetime']", lines
    assert lines[1].startswith("True True b'hello' -1 day, 19:00:00"), lines
