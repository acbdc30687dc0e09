"""A preflight's start without urllib.parse and ipaddress (doctor.lean_imports, the engine's own
`quote` and `plain_socket`), and the stand-ins giving exactly what urllib.parse gives."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import quote as urllib_quote
from urllib.parse import unquote, urlsplit

import pytest

from doctor.host.endpoint import Endpoint, plain_socket
from doctor.host.engine import quote

REPO = Path(__file__).resolve().parent.parent
# the dev venv's editable-install finder imports pathlib (and so urllib.parse) at start-up, which a
# wheel install does not: each driver forgets them first, as a process that never imported them
FORGET = ("import sys\n"
          "for name in ('pathlib', 'urllib', 'urllib.parse', 'ipaddress', 'ntpath', 'warnings'):\n"
          "    sys.modules.pop(name, None)\n")


def _run(code: str, cwd: Path = REPO) -> list[str]:
    done = subprocess.run([sys.executable, "-c", FORGET + textwrap.dedent(code)], capture_output=True, text=True,
                          cwd=cwd, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()


def test_pathlib_comes_without_urllib_and_as_uri_still_quotes() -> None:
    out = _run("""
        from doctor.lean_imports import import_pathlib
        pathlib = import_pathlib()
        print('urllib.parse' in sys.modules, 'ipaddress' in sys.modules)
        print(pathlib.Path('/a b/%c').as_uri())
        import urllib.parse
        print(urllib.parse.urlsplit('tcp://h:1').port, urllib.parse.__file__.endswith('parse.py'))
    """)
    assert out == ["False False", "file:///a%20b/%25c", "1 True"]


def test_pathlib_comes_without_warnings_or_a_search_for_nt_and_still_warns() -> None:
    out = _run("""
        import builtins
        tried = []
        real_import = builtins.__import__
        def counting(name, *args, **kwargs):
            if name == 'nt':
                tried.append(name)
            return real_import(name, *args, **kwargs)
        builtins.__import__ = counting
        from doctor.lean_imports import import_pathlib
        pathlib = import_pathlib()
        builtins.__import__ = real_import
        import ntpath
        print('warnings' in sys.modules, 'nt' in sys.modules, len(tried), ntpath.isdir is ntpath._isdir
              if hasattr(ntpath, '_isdir') else True, ntpath.abspath('C:\\\\a\\\\..\\\\b'))
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            with pathlib.Path('.') as p:  # deprecated since 3.11, through pathlib's stand-in for warnings
                pass
        print(warnings.__file__.endswith('warnings.py'), [w.category.__name__ for w in caught])
    """)
    words = out[0].split()  # ntpath's own `from nt import ...` still run: each fails at once (None in sys.modules)
    assert words[:2] == ["False", "False"] and int(words[2]) >= 5 and words[3] == "True", out
    assert out[0].endswith("C:\\b"), out
    if sys.version_info < (3, 13):
        assert out[1] == "True ['DeprecationWarning']", out


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="pathlib imports urllib.parse itself when used")
def test_an_imported_urllib_is_what_pathlib_gets() -> None:
    out = _run("""
        import urllib.parse
        from doctor.lean_imports import import_pathlib
        pathlib = import_pathlib()
        print(pathlib.urlquote_from_bytes is urllib.parse.quote_from_bytes)
    """)
    assert out == ["True"]


@pytest.mark.parametrize("options", [[], ["--format", "json"], ["--format=github", "--select", "compose-config"]])
def test_a_preflight_imports_neither_urllib_parse_nor_ipaddress(tmp_path: Path, options: list[str]) -> None:
    # `--format` too: its value is checked against doctor.report's formats, which import pathlib (a
    # plain `import pathlib` there, before the lean one, took urllib.parse and ipaddress back)
    project = tmp_path / "app"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    environment:\n"
                                          "      DB_HOST: db\n      API_URL: http://api:8000/v1\n"
                                          "  db:\n    image: postgres:16\n")
    (project / ".env").write_text("DB_HOST=db\n")
    out = _run(f"""
        from doctor.cli import main
        for _ in range(2):  # the second run from the caches, as a warm run
            try:
                main(['preflight', {str(project)!r}, *{options!r}])
            except SystemExit:
                pass
        print(sorted(m for m in ('urllib.parse', 'ipaddress') if m in sys.modules))
    """, cwd=tmp_path)
    assert out[-1] == "[]", out


def test_plain_socket_reads_as_urlsplit_and_unquote_do() -> None:
    seen = 0
    for length in range(5):
        for tail in itertools.product("/a%?# \té;[]:@.", repeat=length):
            for head in ("unix:///", "unix://", "UNIX:///", "unix:/", "tcp://"):
                url = head + "".join(tail)
                path = plain_socket(url)
                if path is not None:
                    seen += 1
                    parts = urlsplit(url)
                    assert (parts.scheme, unquote(parts.path)) == ("unix", path), url
    assert seen > 1000
    assert plain_socket("unix:///var/run/docker.sock") == "/var/run/docker.sock"
    assert Endpoint("unix:///run/user/1000/docker%20x.sock", "test").socket_path == "/run/user/1000/docker x.sock"
    assert Endpoint("tcp://127.0.0.1:2375", "test").scheme == "tcp"


@pytest.mark.parametrize("safe", ["/", "", "/:@"])
def test_the_engines_quote_is_urllibs(safe: str) -> None:
    rng = random.Random(7)
    texts = ['{"label": ["com.docker.compose.project=my app é/x"]}', "", "a b:c@d/e~f",
             "".join(map(chr, range(300))), "\u4e2d\U0001f600"]
    texts += ["".join(chr(rng.randint(0, 0x2FFF)) for _ in range(rng.randint(0, 24))) for _ in range(500)]
    for text in texts:
        if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
            continue
        assert quote(text, safe) == urllib_quote(text, safe=safe), text


TOML_DOCUMENTS = [
    '[project]\nname = "app"\nrequires-python = ">=3.11"\ndependencies = ["fastapi>=0.110", "psycopg[binary]"]\n'
    '[project.optional-dependencies]\ndev = ["pytest"]\n[tool.uv]\ndev-dependencies = ["ruff"]\n',
    'int = [+17, -0, 1_000, 0xDEAD_beef, 0o755, 0b1101]\n'
    'float = [3.14, -1e-3, 6.626e-34, 5e+22, 1_0.0_1, inf, -inf, nan]\nbool = [true, false]\n',
    'basic = "tab\\t quote\\" uni\\u00E9 \\U0001F600"\nliteral = \'C:\\\\Users\\\\x\'\n'
    'multi = """\nroses \\\n  are red"""\nlit_multi = \'\'\'\nline "one"\n\'\'\'\n',
    'odt = 1979-05-27T07:32:00Z\nodt2 = 1979-05-27T00:32:00.999999-07:00\nodt3 = 1979-05-27 07:32:00+05:30\n'
    'ldt = 1979-05-27T07:32:00.5\nld = 1979-05-27\nlt = 07:32:00.123456789\n',
    'a.b.c = 1\na.d = { e = [1, 2, { f = "g" }], "quoted key" = true }\n[[fruit]]\nname = "apple"\n'
    '[fruit.physical]\ncolor = "red"\n[[fruit.variety]]\nname = "red delicious"\n[[fruit]]\nname = "banana"\n',
    '# comment\n[tool.mise]\n[tools]\npython = "3.12"  # trailing\nnode = ["20", "lts"]\n"" = "empty key"\n',
    '[tool.poetry.scripts]\napp = "app.main:run"\n[tool.pytest.ini_options]\naddopts = "-q"\n',
    # refused: each must raise the same TOMLDecodeError, with the same message
    'a = 1\na = 2\n', '[t]\n[t]\n', 'x = "unterminated\n', 'd = 1979-13-01\n', 'n = 0x\n', 'k = \n',
    't = 25:00:00\n', 'f = 1.\n', '[a]\nb = 1\n[a.b]\n', 'v = [1,,2]\n', "\ufeffa = 1\n", 'bad key = 1\n',
]


def _parsed_by(lean: bool, documents: list[str]) -> list[str]:
    code = ("import sys, json\n"
            + ("from doctor import lean_toml as tomllib\n" if lean else "import tomllib\n")
            + "out = []\n"
            "for text in json.loads(sys.stdin.read()):\n"
            "    try:\n        out.append(repr(tomllib.loads(text)))\n"
            "    except tomllib.TOMLDecodeError as exc:\n        out.append('error: ' + str(exc))\n"
            "print(json.dumps(out + [str('typing' in sys.modules)]))\n")
    import json

    done = subprocess.run([sys.executable, "-c", FORGET + code], input=json.dumps(documents), capture_output=True,
                          text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    parsed: list[str] = json.loads(done.stdout)
    return parsed


def test_tomllib_imported_lean_reads_every_document_as_the_plain_import() -> None:
    documents = TOML_DOCUMENTS + [p.read_text(encoding="utf-8", errors="replace")
                                  for p in sorted(REPO.glob("**/*.toml")) if ".venv" not in p.parts][:60]
    lean, plain = _parsed_by(True, documents), _parsed_by(False, documents)
    assert lean[:-1] == plain[:-1]
    assert sum(out.startswith("error: ") for out in lean) == 12
    assert lean[-1] == "False"  # typing was never imported


def test_tomllib_imported_lean_takes_its_patterns_from_the_table_and_leaves_typing_real() -> None:
    out = _run("""
        from doctor import lean_imports, lean_toml
        import re, string, tomllib._re as r
        ours = [p.compiled for p in lean_imports.TOMLLIB_PATTERNS]
        print([a is b for a, b in zip((r.RE_NUMBER, r.RE_LOCALTIME, r.RE_DATETIME), ours)],
              string.Template.pattern is lean_imports.STRING_TEMPLATE_PATTERN.compiled)
        print(sys.modules['tomllib._parser'].Output(1, 2).flags, 'typing' in sys.modules)
        import typing
        print(typing.NamedTuple.__module__, hasattr(typing, 'TypedDict'))
    """)
    assert out == ["[True, True, True] True", "2 False", "typing True"]


@pytest.mark.parametrize("setup", [
    "import typing",  # typing already there: the plain import
    # a tomllib that takes more from typing than the stand-in holds: the plain import, nothing left of the stand-in
    "from doctor import lean_imports\nreal = lean_imports._typing_stand_in\n"
    "def lacking():\n    stand_in = real()\n    del stand_in.NamedTuple\n    return stand_in\n"
    "lean_imports._typing_stand_in = lacking",
])
def test_tomllib_falls_back_to_the_plain_import(setup: str) -> None:
    out = _run(setup + """
from doctor import lean_toml
import tomllib, typing
print(lean_toml.loads('a = 1979-05-27'), sorted(sys.modules['tomllib._parser'].Output.__annotations__),
      sys.modules['tomllib._types'].Key == typing.Tuple[str, ...])
""")
    assert out == ["{'a': datetime.date(1979, 5, 27)} ['data', 'flags'] True"]


def test_json_shlex_and_difflib_take_their_patterns_from_the_table() -> None:
    """json's, shlex's and difflib's import-time patterns are those seeded from doctor's regex table
    (a Python that writes one differently fails here: update JSON_PATTERNS or STDLIB_PATTERNS,
    then `python -m doctor.regex_ship ...`)."""
    out = _run("""
        for name in [m for m in sys.modules if m == 'json' or m.startswith('json.')]:
            del sys.modules[name]
        for name in ("shlex", "difflib"):
            sys.modules.pop(name, None)
        from doctor.lean_imports import JSON_PATTERNS, STDLIB_PATTERNS, seed_stdlib_patterns
        seed_stdlib_patterns()
        import difflib, json, shlex
        theirs = (json.scanner.NUMBER_RE, json.decoder.STRINGCHUNK, json.decoder.WHITESPACE, json.encoder.ESCAPE,
                  json.encoder.ESCAPE_ASCII, json.encoder.HAS_UTF8)
        print([a is b.compiled for a, b in zip(theirs, JSON_PATTERNS)], json.loads('{"a": [1.5e3, "x\\u00e9"]}'))
        print(shlex._find_unsafe.__self__ is STDLIB_PATTERNS["shlex"][0].compiled, shlex.quote("a b"),
              difflib.IS_LINE_JUNK.__defaults__[0].__self__ is STDLIB_PATTERNS["difflib"][0].compiled,
              difflib.IS_LINE_JUNK("  # x"), difflib.IS_LINE_JUNK(" # "))
    """)
    assert out == ["[True, True, True, True, True, True] {'a': [1500.0, 'xé']}", "True 'a b' True False True"], out


def test_tomllib_imports_without_datetime_py_and_reads_its_dates_as_datetime_does() -> None:
    """tomllib's dates and times are datetime's classes, from `_datetime`: datetime.py's pure-Python
    half is not imported for them (~0.9 ms of each first run's process that reads a pyproject)."""
    out = _run("""
        from doctor import lean_toml
        print('datetime' in sys.modules, 'tomllib' in sys.modules)
        got = lean_toml.loads('a = 1979-05-27T07:32:00-08:00\\nb = 07:32:00\\nc = 1979-05-27 07:32:00.5Z')
        import datetime
        print(type(got['a']) is datetime.datetime, got['a'].utcoffset(), type(got['b']) is datetime.time,
              got['c'].tzinfo is datetime.timezone.utc, got['c'].microsecond)
    """)
    assert out == ["False True", "True -1 day, 16:00:00 True True 500000"], out
