"""The redactor's scan of a project's files (`doctor.known_secrets.secrets_in_text`, issue 12: ~190M
instructions of otel-demo's first preflight) finds, with its pre-screens, exactly what the full scans
found: the same set of secrets, and `scrub` the same masked text.

The reference is the former code itself, put back for the test: `_KEY_SEP.finditer` in `key_values` and
`_PROSE_HINT.search` in `prose_secrets` (doctor.secret_named.matches_at made `pattern.finditer(text)`,
the places it is given ignored), the alternation of TOOL_STARTS in `doctor.secret_tools.tool_args`. Both
run over every file of /work/shared/corpus (DOCTOR_SHARED) and tests/replay (compose files, env files,
Dockerfiles, scripts, read as doctor reads them), every string the secrets tests write
(tests/test_redact*.py, tests/test_secret*.py), the formats battery under each way a key meets its value,
and thousands of compose-like texts drawn from all of them: a place a pre-screen missed fails here.
"""

from __future__ import annotations

import ast
import os
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_secrets_formats import FORMATS

from doctor import secret_named, secret_tools
from doctor.known_secrets import read_capped, secrets_in_text
from doctor.redact import scrub
from doctor.secret_tools import TOOL_STARTS

REPO = Path(__file__).resolve().parent.parent
_TOOLS_ALTERNATION = re.compile("|".join(TOOL_STARTS))  # the former _TOOL_HINT


@contextmanager
def _full_scans() -> Iterator[None]:
    """The former scans: every pattern tried at every position (finditer, search), no pre-screen."""
    saved = secret_named.matches_at, secret_tools.names_a_tool
    secret_named.matches_at = lambda pattern, text, where: pattern.finditer(text)  # type: ignore[assignment]
    secret_tools.names_a_tool = lambda text: _TOOLS_ALTERNATION.search(text) is not None
    try:
        yield
    finally:
        secret_named.matches_at, secret_tools.names_a_tool = saved


def _both(text: str) -> tuple[set[str], set[str]]:
    new = secrets_in_text(text)
    with _full_scans():
        old = secrets_in_text(text)
    return new, old


def test_the_reference_is_the_full_scan() -> None:
    """The stand-ins are what the test swaps: a text whose key only finditer reaches differs (not a test that
    cannot fail: with _value_starts returning nothing, key_values finds no `KEY=value` at all)."""
    text = "run --opt x DB_PASSWORD=hunter2 --verbose"
    saved = secret_named._value_starts
    secret_named._value_starts = lambda text: []  # type: ignore[assignment]
    try:
        new, old = _both(text)
    finally:
        secret_named._value_starts = saved
    assert old == {"hunter2"} and new == set()


def _project_files() -> list[Path]:
    roots = [REPO / "tests" / "replay"]
    shared = os.environ.get("DOCTOR_SHARED")
    if shared and (Path(shared) / "corpus").is_dir():
        roots.append(Path(shared) / "corpus")
    return sorted(p for root in roots for p in root.rglob("*") if p.is_file() and not p.is_symlink())


FILES = _project_files()


def test_every_corpus_and_replay_file_scans_the_same() -> None:
    assert len(FILES) > 500  # the replays alone are ~900 files
    differ = []
    for path in FILES:
        new, old = _both(read_capped(path))
        if new != old:
            differ.append((str(path), sorted(new ^ old)))
    assert not differ


def _test_strings() -> list[str]:
    """Every string literal (4 characters or more) the secrets tests write: their examples of each shape."""
    found: set[str] = set()
    for path in sorted((*REPO.glob("tests/test_redact*.py"), *REPO.glob("tests/test_secret*.py"))):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) >= 4:
                found.add(node.value)
    return sorted(found)


STRINGS = _test_strings()
# how a key meets its value in what doctor reads: env files, YAML (block, flow, block lists, folded), JSON,
# flags, Java properties, legacy `ENV KEY value`, commands, prose
LAYOUTS = ("{k}={v}", "export {k}={v}", "  {k}: {v}", '      {k}: "{v}"', '"{k}": "{v}"', '{{\\"{k}\\": \\"{v}\\"}}',
           "'{k}' : '{v}'", "-D{k}={v}", "java -Dapp.{k}={v} -jar x", "{k} = {v}", "{k}\t:\t{v}", "--{k} {v}",
           "-{k}={v}", "your {k} is {v}", "the {k} was {v}", "invalid token {v}", "mysql -u root -p{v} -h db",
           "cqlsh -u cassandra -p {v}", "a;{k}={v};EndpointSuffix=x", "ENV {k} {v}", "{k} {v}",
           "    command: [redis-server, --{k}, {v}]", "    build: {{args: {{{k}: {v}}}}}",
           "    command:\n      - --{k}\n      - {v}", "  {k}: >-\n    {v}\n    more words", "  {k}:\n    {v}",
           "  - {k}={v}", "  url: https://u:{v}@db:5432/x", "${{{k}:-{v}}}")


def test_each_test_string_scans_the_same() -> None:
    assert len(STRINGS) > 2000
    for text in STRINGS:
        assert scrub(text) == _old_scrub(text), text
        new, old = _both(text)
        assert new == old, text


def _old_scrub(text: str) -> str:
    with _full_scans():
        return scrub(text)


@pytest.mark.parametrize(("key", "value"), [(k, v) for k, v, _ in FORMATS], ids=[k for k, _, _ in FORMATS])
def test_each_battery_format_in_each_layout_scans_the_same(key: str, value: str) -> None:
    for key_as in (key, f"{key}_PASSWORD", f"app.{key.lower()}.token", "CALLBACK", "passphrase"):
        for layout in LAYOUTS:
            text = layout.format(k=key_as, v=value)
            new, old = _both(text)
            assert new == old, text
            assert scrub(text) == _old_scrub(text), text


def _lines() -> list[str]:
    """Lines to draw from: the corpus's and replays' compose, env and Docker files, and the test strings."""
    rng = random.Random(20261207)
    lines: list[str] = []
    for path in FILES:
        name = path.name.lower()
        if "compose" in name or name.startswith((".env", "dockerfile")) or name.endswith((".env", ".sh")):
            lines += [line for line in read_capped(path).split("\n") if line.strip()]
    drawn = rng.sample(lines, min(len(lines), 6000))
    return drawn + [line for text in STRINGS for line in text.split("\n")]


def test_drawn_compose_like_texts_scan_the_same() -> None:
    """8,000 texts of 1-12 lines: the corpus's lines, the tests' strings and the battery's formats in every
    layout mixed, indented as YAML nests them (so a key on one line meets a value on the next, a block list
    joins, a folded value goes on)."""
    rng = random.Random(20261207)
    pool = _lines()
    formats = [(k, v) for k, v, _ in FORMATS]
    keys = ["DB_PASSWORD", "API_TOKEN", "CALLBACK", "app.secret", "environment", "command", "passphrase", "x"]
    for _ in range(8000):
        parts = []
        for _ in range(rng.randint(1, 12)):
            pick = rng.random()
            if pick < 0.45:
                part = rng.choice(pool)
            elif pick < 0.75:
                key, value = rng.choice(formats)
                part = rng.choice(LAYOUTS).format(k=rng.choice([key, *keys]), v=value)
            else:
                part = rng.choice(LAYOUTS).format(k=rng.choice(keys), v=rng.choice(pool).strip())
            parts.append(" " * rng.choice((0, 0, 2, 4, 6)) + part)
        text = rng.choice(("\n", "\n", " ", "\r\n")).join(parts)
        new, old = _both(text)
        assert new == old, text
