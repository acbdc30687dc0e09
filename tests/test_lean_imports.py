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
          "for name in ('pathlib', 'urllib', 'urllib.parse', 'ipaddress'):\n    sys.modules.pop(name, None)\n")


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


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="pathlib imports urllib.parse itself when used")
def test_an_imported_urllib_is_what_pathlib_gets() -> None:
    out = _run("""
        import urllib.parse
        from doctor.lean_imports import import_pathlib
        pathlib = import_pathlib()
        print(pathlib.urlquote_from_bytes is urllib.parse.quote_from_bytes)
    """)
    assert out == ["True"]


def test_a_preflight_imports_neither_urllib_parse_nor_ipaddress(tmp_path: Path) -> None:
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
                main(['preflight', {str(project)!r}])
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
