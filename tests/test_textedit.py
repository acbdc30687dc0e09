"""project.textedit: the plain-text override edit equals the ruamel round trip's, byte for byte, or declines.

Differential: for real overrides (examples/, tests/replay/, the shared corpus) and synthetic shapes
(comments, blank lines, CRLF, 2- and 4-space indents, lists and mappings, anchors, flow style, tags,
a missing or empty file), `_override_edit(fast=True)` returns the Edit `_override_edit(fast=False)`
(ruamel.yaml alone) returns; the common shapes must take the fast path, the odd ones must decline.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from doctor.model import Edit
from doctor.project import textedit
from doctor.project.edits import _override_edit
from doctor.project.textedit import emitted, insert_entries
from doctor.project.wholefile import read_text

REPO = Path(__file__).resolve().parent.parent
Wanted = Mapping[str, Mapping[str, str] | Sequence[str]]


def _both(path: Path, section: str, wanted: Wanted,
          written: dict[str, dict[str, int]] | None = None) -> tuple[Edit | None, Edit | None, bool]:
    """(the ruamel path's Edit, the fast path's Edit, whether the fast path took it)."""
    slow = _override_edit(path, section, wanted, written, fast=False)
    fast = _override_edit(path, section, wanted, written, fast=True)
    additions = {s: {k: v.replace("$", "$$") for k, v in items.items() if k not in (written or {}).get(s, {})}
                 if isinstance(items, Mapping) else items for s, items in wanted.items()}
    took = not written and insert_entries(path, read_text(path), section, additions) is not None
    return slow, fast, took


def _wants(text: str) -> list[tuple[str, Wanted]]:
    """Env keys and volumes for the first and last service of `text`, and for a new one."""
    from doctor.project.yamlload import YamlError, parse_bytes

    try:
        docs, _ = parse_bytes(text.encode(), Path("x.yml"))
        services = list((docs[0] or {}).get("services") or {}) if docs else []
    except (YamlError, AttributeError):
        services = []
    first, last = (services[0], services[-1]) if services else ("web", "web")
    return [
        ("environment", {first: {"POSTGRES_PORT": "5432", "API_URL": "http://backend:8000/api", "HOST": "db"}}),
        ("environment", {last: {"PASSWORD": "p$ss", "DEBUG": "true"}, "worker": {"DATABASE_HOST": "db"}}),
        ("volumes", {first: ["./backend/scripts:/app/scripts"], last: ["./src:/app/src", "./src:/app/src"]}),
        ("volumes", {"worker": ["/abs/data:/data:ro"]}),
    ]


def _copy(tmp_path: Path, source: Path) -> Path:
    path = tmp_path / "compose.override.yaml"
    shutil.copyfile(source, path)
    return path


REAL = sorted(p for root in ("examples", "tests/replay") for p in (REPO / root).rglob("*")
              if p.is_file() and p.suffix in (".yml", ".yaml") and "compose" in p.name)


@pytest.mark.parametrize("source", REAL, ids=lambda p: str(p.relative_to(REPO)))
def test_repo_compose_files_fast_equals_round_trip(tmp_path: Path, source: Path) -> None:
    path = _copy(tmp_path, source)
    for section, wanted in _wants(path.read_text()):
        slow, fast, _ = _both(path, section, wanted)
        assert fast == slow, (section, wanted)


@pytest.mark.parametrize("name", ["examples/broken-stack/compose.override.yaml",
                                  "examples/clean-stack/compose.override.yaml",
                                  "tests/replay/fastapi-template/compose.override.yml"])
def test_the_overrides_doctor_fixes_take_the_fast_path(tmp_path: Path, name: str) -> None:
    path = _copy(tmp_path, REPO / name)
    for section, wanted in _wants(path.read_text()):
        slow, fast, took = _both(path, section, wanted)
        assert took and fast == slow and fast is not None, (section, wanted)


def test_corpus_compose_files_fast_equals_round_trip(tmp_path: Path, shared_dir: Path) -> None:
    found = sorted(p for p in (shared_dir / "corpus").rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml")
                   and "compose" in p.name)
    # every override, and a fixed sample of the other files (a round trip costs ~10 ms a file)
    sources = [p for i, p in enumerate(found) if "override" in p.name or i % 5 == 0]
    taken = 0
    for source in sources:
        path = _copy(tmp_path, source)
        for section, wanted in _wants(path.read_text(errors="replace"))[::2]:
            slow, fast, took = _both(path, section, wanted)
            assert fast == slow, (source, section, wanted)
            taken += took
    assert taken > len(sources) // 2


BASE = """\
# dev override
services:
  backend:
    image: app:dev   # built locally
    environment:
      SMTP_HOST: mailpit
      SMTP_PORT: "1025"

  frontend:
    environment:
      - VITE_API_URL=http://localhost:8000
      # for the reports
      - CI=${CI:-}

  # the proxy
  proxy:
    command: ["traefik", "--api"]
    ports:
      - "80:80"
"""
ENV = {"backend": {"POSTGRES_PORT": "5432"}, "frontend": {"API_HOST": "backend"}, "proxy": {"X": "it's"},
       "worker": {"DATABASE_URL": "postgresql://db:5432/app"}}
VOLUMES = {"backend": ["./backend/scripts:/app/scripts"], "proxy": ["./traefik.yml:/etc/traefik/traefik.yml:ro"],
           "worker": ["./src:/src"]}

# (id, text, fast path expected)
SHAPES = [
    ("base", BASE, True),
    ("four-spaces", BASE.replace("  ", "    "), True),
    ("dash-offset-0", BASE.replace("      - ", "    - "), True),
    ("no-final-newline", BASE.rstrip("\n"), True),
    ("trailing-comment", BASE + "\n# the end\n", True),
    ("blank-lines-at-end", BASE + "\n\n", True),
    ("document-start", "---\n" + BASE, True),
    ("other-top-level-key", "x-note: dev\n", True),
    ("no-services-key-yet", "name: trading\nvolumes:\n  data:\n", True),
    ("only-the-service-key", "services:\n  backend:\n    image: x\n", True),
    ("list-of-mappings", "services:\n  backend:\n    develop:\n      watch:\n        - path: ./backend\n"
                         "          action: sync\n        - path: ./x\n          action: rebuild\n", True),
    ("opener-comment", "services:\n  backend:\n    environment:  # dev only\n      A: b\n    image: x # c\n", True),
    ("comment-in-services", "services:\n  # first\n  backend:\n    image: x\n", True),
    ("comments-after-the-last-item", "services:\n  backend:\n    environment:\n      - A=b\n        # deeper\n"
                                     "    # shallower\n", True),
    ("bare-and-quoted-items", "services:\n  backend:\n    environment:\n      - A\n      - \"B=c\"\n"
                              "      - 'C=d'  # q\n", True),
    ("blank-inside-environment", "services:\n  backend:\n    environment:\n      A: b\n\n      C: d\n"
                                 "    image: x\n", True),
    ("ints-bools-empty-quotes", "services:\n  backend:\n    tty: true\n    cpus: 0\n    stop_grace_period: 10\n"
                                "    image: ''\n    command: \"\"\n", True),
    ("flow-lists", "services:\n  backend:\n    command: [\"a\", 'b', c]\n    ports: []\n", True),
    ("unicode", "services:\n  backend:\n    image: café  # déjà\n", True),
    ("top-level-keys-around", "x-a:\n  b: c\nservices:\n  backend:\n    image: x\nvolumes:\n  data:\n", True),
    ("long-syntax-volumes", "services:\n    backend:\n        volumes:\n          - type: bind\n"
                            "            source: ./a\n          - ./c:/d\n"
                            "        environment:\n          - A=b\n", True),
    ("dash-offset-0-mappings", "services:\n  backend:\n    volumes:\n    - type: bind\n      source: ./a\n"
                               "    - ./c:/d\n    environment:\n    - A=b\n", True),
    ("double-quoted-environment", "services:\n  backend:\n    environment:\n      SMTP_HOST: \"mailpit\"\n"
                                  "      SMTP_TLS: \"false\"  # dev\n", True),
    ("single-quoted-environment", "services:\n  backend:\n    environment:\n      A: 'b'\n      C: ''\n", True),
    ("quoted-environment-and-a-null", "services:\n  backend:\n    environment:\n      A: \"b\"\n      C:\n"
                                      "    image: x\n", True),
    ("double-quoted-items", "services:\n  backend:\n    environment:\n      - \"A=b\"\n      - \"C=${C:-}\"\n"
                            "    volumes:\n      - \"./a:/a\"\n      - type: bind\n        source: ./b\n", True),
    ("anchor", BASE.replace("  backend:\n", "  backend: &backend\n"), False),
    ("alias-merge", "x-env: &env\n  A: 1\nservices:\n  backend:\n    environment:\n      <<: *env\n", False),
    ("flow-mapping", BASE.replace('      SMTP_HOST: mailpit\n      SMTP_PORT: "1025"\n', "      {SMTP_HOST: mailpit}\n")
     .replace("    environment:\n      {", "    environment: {").replace("}\n\n", "}\n\n"), False),
    ("flow-environment", "services:\n  backend:\n    environment: {A: b}\n", False),
    ("override-tag", "services:\n  backend:\n    ports: !override\n      - 80:80\n", False),
    ("null-service", "services:\n  backend:\n  proxy:\n    image: x\n", False),
    ("null-sections", "services:\n  backend:\n    environment:\n    volumes:\n", False),
    ("rewritten-bool", "services:\n  backend:\n    tty: True\n", False),
    ("rewritten-null", "services:\n  backend:\n    command: ~\n", False),
    ("extra-spaces", "services:\n  backend:\n    image:   x\n", False),
    ("odd-indent", "services:\n    backend:\n      image: x\n", False),
    ("block-scalar", "services:\n  backend:\n    command: |\n      run\n", False),
    ("multi-line-plain", "services:\n  backend:\n    command: run\n      more\n", False),
    ("quoted-key", "services:\n  backend:\n    environment:\n      'A': b\n", False),
    ("escape", 'services:\n  backend:\n    image: "a\\x41"\n', False),
    ("tab", "services:\n  backend:\n    image: x\t# c\n", False),
    ("two-documents", BASE + "---\nservices: {}\n", False),
    ("long-line", "services:\n  backend:\n    image: " + "x" * 5000 + "\n", False),
]


@pytest.mark.parametrize(("text", "fast_expected"), [(t, f) for _, t, f in SHAPES], ids=[i for i, _, _ in SHAPES])
@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_synthetic_shapes_fast_equals_round_trip_or_declines(tmp_path: Path, text: str, fast_expected: bool,
                                                             crlf: bool) -> None:
    path = tmp_path / "compose.override.yaml"
    path.write_bytes(text.replace("\n", "\r\n" if crlf else "\n").encode())
    taken = []
    for section, wanted in (("environment", ENV), ("volumes", VOLUMES), *_wants(text)):
        slow, fast, took = _both(path, section, wanted)
        assert fast == slow, (section, wanted)
        taken.append(took)
    assert taken[:2] == [fast_expected] * 2  # ENV and VOLUMES name backend, the service each odd shape is about


@pytest.mark.parametrize("text", ["", None], ids=["empty", "missing"])
def test_a_new_or_empty_override(tmp_path: Path, text: str | None) -> None:
    path = tmp_path / "compose.override.yaml"
    if text is not None:
        path.write_text(text)
    for section, wanted in (("environment", ENV), ("volumes", VOLUMES)):
        slow, fast, took = _both(path, section, wanted)
        assert took and fast == slow and fast is not None
        assert (fast.old, fast.line) == (("", None) if text is None else ("", 1))


def test_written_lines_and_added_keys_in_one_edit(tmp_path: Path) -> None:
    path = tmp_path / "compose.override.yaml"
    path.write_text(BASE)
    wanted = {"backend": {"SMTP_PORT": "2025", "POSTGRES_PORT": "5432"}, "frontend": {"VITE_API_URL": "http://backend:8000",
                                                                                      "API_HOST": "backend"}}
    written = {"backend": {"SMTP_PORT": 7}, "frontend": {"VITE_API_URL": 11}}
    slow, fast, _ = _both(path, "environment", wanted, written)
    assert fast == slow and fast is not None
    assert insert_entries(path, str(fast.new), "environment", {}) == fast.new  # nothing to add: the text as it is
    # no sibling decides (SMTP_HOST plain): the file's quoted values are all double-quoted, so is 5432
    assert '      SMTP_PORT: "2025"\n      POSTGRES_PORT: "5432"\n\n' in str(fast.new)
    assert "      - CI=${CI:-}\n      - API_HOST=backend\n\n" in str(fast.new)


CURATED = ["5432", "8000", "0", "007", "1.5", "1e3", ".5", ".inf", "0x1F", "0o17", "0b1", "1_000", "+1", "-1",
           "true", "True", "false", "yes", "no", "on", "off", "null", "Null", "~", "", " ", "=", "<<", "!", "&", "*",
           "2001-12-14", "db", "backend", "mailpit", "host.docker.internal", "p$$ss", "${A:-b}", "http://x:8000/api",
           "postgresql://app:pw@db:5432/app", "a: b", "a #b", "a#b", "x:", "x:y", "-x", "- x", ":x", "?x", "? x",
           "@x", "%x", "`x", "---x", "...x", "'q", "q'", '"q', 'q"', "a,b", "[a]", "{a}", "a b", "a\\b", "tab\there",
           "é", "x" * 250, "./backend/scripts:/app/scripts", "/abs:/abs:ro", "C:\\x"]


def _values() -> list[str]:
    rng = random.Random(12)
    alphabet = "aZ09_-.:/@+=$#'\"\\ ,[]{}?!&*%|>~`"
    return CURATED + ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))) for _ in range(120)]


def test_values_are_written_as_the_round_trip_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "compose.override.yaml"
    path.write_text("services:\n  a:\n    environment:\n      - K=v\n  b:\n    environment:\n      K: v\n"
                    "    volumes:\n      - ./x:/x\n")
    taken = 0
    for value in _values():
        for section, wanted in (("environment", {"a": {"NEW": value}}), ("environment", {"b": {"NEW": value}}),
                                ("volumes", {"b": [value]})):
            slow, fast, took = _both(path, section, wanted)
            assert fast == slow, (section, value)
            taken += took
    assert taken > len(_values())  # most values take the fast path


def test_emitted_follows_ruamels_quoting() -> None:
    assert emitted("5432") == "'5432'"
    assert emitted("db") == "db"
    assert emitted("it's") == "it's"
    assert emitted("'q") == '"\'q"'
    assert emitted("a #b") == "'a #b'"
    assert emitted("postgresql://db/app", double_quoted=True) == '"postgresql://db/app"'
    assert emitted("é") is None


def test_a_result_that_does_not_read_back_as_intended_declines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "compose.override.yaml"
    path.write_text(BASE)
    additions = {"backend": {"POSTGRES_PORT": "5432"}}
    assert insert_entries(path, BASE, "environment", additions) is not None
    monkeypatch.setattr(textedit, "emitted", lambda value, double_quoted=False: value)  # 5432 unquoted: an int
    assert insert_entries(path, BASE, "environment", additions) is None
    slow, fast, _ = _both(path, "environment", additions)
    assert fast == slow and fast is not None


_PROBE = r"""
import json, sys
from pathlib import Path
from doctor.project.edits import override_edit
path = Path(sys.argv[1])
env = override_edit(path, "environment", {"backend": {"POSTGRES_PORT": "5432"}, "prestart": {"POSTGRES_PORT": "5432"}})
vol = override_edit(path, "volumes", {"backend": ["./backend/scripts:/app/scripts"]})
fast = "ruamel.yaml" not in sys.modules
path.write_text(path.read_text().replace("  backend:", "  backend: &b"))
odd = override_edit(path, "environment", {"backend": {"POSTGRES_PORT": "5432"}})
print(json.dumps([env is not None, vol is not None, fast, odd is not None, "ruamel.yaml" in sys.modules]))
"""


def test_the_fast_path_does_not_import_ruamel(tmp_path: Path) -> None:
    path = _copy(tmp_path, REPO / "examples" / "broken-stack" / "compose.override.yaml")
    env = {**os.environ, "DOCTOR_NO_CACHE": "1"}
    out = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, env=env,
                         check=True, timeout=60)
    # both edits built without ruamel.yaml; the anchored service then takes (and imports) it
    assert json.loads(out.stdout) == [True, True, True, True, True]


def test_restore_lines_and_splice_keep_what_the_round_trip_rewrote() -> None:
    from doctor.project.wholefile import block_end, restore_lines, splice, split_comment

    assert split_comment('  - "a # b"  # c\n') == ('  - "a # b"', "  # c\n")
    assert split_comment("  key: 'it''s'\n") == ("  key: 'it''s'", "\n")
    old = ['    ports:\n', '      - "1:80"   # http\n', "      - 9000:9000\n"]
    new = ["    ports: !override\n", '      - "2:80" # http\n', "      - 9000:9000\n"]
    assert restore_lines(old, new) == ["    ports: !override\n", '      - "2:80"   # http\n', "      - 9000:9000\n"]
    lines = ["services:\n", "  web:\n", "    ports:\n", "    - a\n", "      # note\n", "\n", "    image: x\n"]
    assert block_end(lines, 2, 4) == 6
    original = "services:\n  web:\n    ports: [a]  # one\n    image: x   # kept\n"
    assert splice(original, "services:\n    web:\n        ports: [b] # one\n        image: x # kept\n",
                  (2, 3), (2, 3), 4, 8) == "services:\n  web:\n    ports: [b]  # one\n    image: x   # kept\n"


def test_an_added_value_is_quoted_as_its_siblings_are(tmp_path: Path) -> None:
    """fastapi-template's dev override writes every backend value double-quoted (`SMTP_PORT: "1025"`):
    leaked-host-port's POSTGRES_PORT joins them as `"5432"`, where it was `'5432'`, the one line of
    the file in another style; both paths alike. Mixed siblings keep the round trip's choice."""
    path = tmp_path / "compose.override.yml"
    shutil.copy(REPO / "tests" / "replay" / "fastapi-template" / "compose.override.yml", path)
    slow, fast, took = _both(path, "environment", {"backend": {"POSTGRES_PORT": "5432", "HOST": "db"}})
    assert took and fast == slow and fast is not None
    assert '      SMTP_TLS: "false"\n      POSTGRES_PORT: "5432"\n      HOST: "db"\n\n  mailpit:' in str(fast.new)
    path.write_text(str(fast.new).replace('SMTP_TLS: "false"', "SMTP_TLS: false"))
    slow, fast, took = _both(path, "environment", {"backend": {"SMTP_USER": "me", "SMTP_TIMEOUT": "5"}})
    assert took and fast == slow and fast is not None
    # mixed siblings: a value YAML needs quoted takes the file's quote (every quoted value double)
    assert '      SMTP_USER: me\n      SMTP_TIMEOUT: "5"\n' in str(fast.new)


def test_a_volume_beside_long_syntax_binds_only_is_the_round_trips(tmp_path: Path) -> None:
    """Every bind `- type: bind`: the added one is written like them (project.yamlmounts), which the
    plain-text path does not know; it declines, and the round trip writes it."""
    path = tmp_path / "compose.override.yaml"
    path.write_text("services:\n  backend:\n    volumes:\n    - type: bind\n      source: ./a\n      target: /a\n"
                    "    - data:/data\n")
    slow, fast, took = _both(path, "volumes", {"backend": ["./b:/b"]})
    assert not took and fast == slow and fast is not None
    assert "    - data:/data\n    - type: bind\n      source: ./b\n      target: /b\n" in str(fast.new)


@pytest.mark.parametrize(("quoted", "given", "quote"), [
    ('"x"', None, '"'),  # the file's own quote
    ("'x'", '"', "'"),  # the file's quote before the project's
    ("x", '"', '"'),  # a file that quotes nothing: the project's (nickjj's compose.yaml)
    ("x", None, None),  # nothing to follow: YAML's own ('5432', "http://x:1/")
])
def test_a_value_no_sibling_decides_follows_the_files_quoting_else_the_projects(
        tmp_path: Path, quoted: str, given: str | None, quote: str | None) -> None:
    """docker-django-example quotes every value with `"`: port-collision pinned web's POSTGRES_PORT as '5432'
    in a new environment block, the one single-quoted value of the project. Both paths alike."""
    path = tmp_path / "compose.override.yaml"
    path.write_text(f"services:\n  postgres:\n    image: {quoted}\n")
    wanted = {"web": {"POSTGRES_PORT": "5432", "HOST": "db", "URL": "http://x:1/"}, "worker": {"A": "true"}}
    slow = _override_edit(path, "environment", wanted, None, fast=False, quote=given)
    fast = _override_edit(path, "environment", wanted, None, fast=True, quote=given)
    assert fast == slow and fast is not None
    q, url = (quote, quote) if quote else ("'", '"')
    assert (f"    environment:\n      POSTGRES_PORT: {q}5432{q}\n      HOST: db\n      URL: {url}http://x:1/{url}\n"
            f"  worker:\n    environment:\n      A: {q}true{q}\n") in str(fast.new)


def test_values_in_a_files_quote_are_written_as_the_round_trip_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "compose.override.yaml"
    for quote in ("'", '"'):
        path.write_text(f"services:\n  a:\n    image: {quote}x{quote}\n    environment:\n      - K=v\n"
                        "  b:\n    environment:\n      K: v\n      L: 'w'\n")
        for value in _values():
            for wanted in ({"a": {"NEW": value}}, {"b": {"NEW": value}}, {"c": {"NEW": value}}):
                slow, fast, _ = _both(path, "environment", wanted)
                assert fast == slow, (quote, wanted)
