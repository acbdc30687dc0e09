"""Searches that once compiled a pattern spliced from a project's names on every run, now string
methods or a static pattern: each still answers exactly as the spliced pattern did."""

from __future__ import annotations

import random
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from doctor.checks.leaked_host_port.localhost_dials import _has_part

from doctor.project.service_network import default_container_name


def test_a_key_part_is_found_as_the_pattern_found_it() -> None:
    rng = random.Random(3)
    parts = ["DB", "REDIS", "_", "X", "1", "\n", "DB_HOST", "A"]
    keys = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 6))) for _ in range(3000)]
    for name in ("DB", "REDIS", "DB_HOST", "X1", "A_DB"):
        pattern = re.compile(rf"(?:^|_){re.escape(name)}(?:_|$)")
        for key in keys:
            assert _has_part(key, name) == (pattern.search(key) is not None), (key, name)


def test_a_default_container_name_is_read_as_the_pattern_read_it() -> None:
    rng = random.Random(5)
    slots = [["trading", "Trading", "TRADING", "k", "\u212a", "my-app_2", "MY-APP_2", "", "é"], ["-", "_", ""],
             ["web", "db", "web-1", "db_x", "x", "", "\n"], ["-", "_", ""], ["1", "22", "x", "", "٣"], ["", "\n"]]
    hosts = ["".join(rng.choice(slot) for slot in slots) for _ in range(4000)]
    for project in ("trading", "k", "my-app_2", ""):
        services = {"web": None, "db": None, "web-1": None, "db_x": None}
        model: Any = SimpleNamespace(project_name=project, services=services)
        found = 0
        for host in hosts:
            match = re.fullmatch(re.escape(project) + r"[-_](.+)[-_]\d+", host, re.IGNORECASE)
            expected = match.group(1) if match and match.group(1) in services else None
            assert default_container_name(model, host) == expected, (project, host)
            found += expected is not None
        assert found > 20, project


def test_a_bounded_word_is_found_as_its_pattern_finds_it(tmp_path: Path) -> None:
    import pickle

    from doctor.project.edits import Bounded, replace_on_line

    rng = random.Random(9)
    pieces = ["db", "postgres", "db.x", "$db", "-", ".", "_", " ", ":", "/", "@", "é", "٣", "x", "dbdb", "\n",
              "5", "54"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 9))) for _ in range(4000)]
    for literal, before, after, digit in (("db", ".$-", ".-", False), ("postgres", ".$-", ".-", False),
                                          ("dbdb", ".$-", ".-", False), ("db.x", ".:/@-", ".:/@-", False),
                                          ("x", ".$-", ".-", False), ("db:5", ".-", "", True), ("x", ".-", "", True)):
        word = Bounded(literal, before, after, digit)
        tail = r"(?!\d)" if digit else rf"(?![\w{after}])"
        assert word == rf"(?<![\w{before}]){re.escape(literal)}{tail}"
        assert pickle.loads(pickle.dumps(word)).spans("a db b") == word.spans("a db b")
        compiled = re.compile(word)
        found = 0
        for text in texts:
            assert word.spans(text) == [m.span() for m in compiled.finditer(text)], (literal, text)
            found += bool(word.spans(text))
        assert found > 3, literal  # matches among them too
    env = tmp_path / ".env"
    lines = ["DB=db", "URL=db:5432/db", "X=dbdb", "Y=$db", "Z=db.x"]
    env.write_text("\n".join(lines) + "\n")
    word = Bounded("db", ".$-", ".-")
    for number in range(1, len(lines) + 1):
        for every in (False, True):
            fast = replace_on_line(env, number, word, "pg", every)
            slow = replace_on_line(env, number, str(word), "pg", every)
            assert fast == slow, (number, every)


def test_a_moved_or_removed_folder_is_found_as_its_pattern_finds_it() -> None:
    from doctor.project.filled import _moved

    rng = random.Random(13)
    pieces = ["mv", "rm", " ", "\n", "\t", "-rf", "-f", "-r", "-R", ".venv", ".venvs", "node_modules", "/opt/", "x",
              "&&", "é", "_", "-", "armv", "rm-r", "a.venv", ".venv_"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(20000)]
    for name in (".venv", "node_modules", "venv", "x", "-"):
        pattern = re.compile(rf"\b(?:mv|rm\s+-\w*r\w*)\s+(?:\S+\s+)*\S*{re.escape(name)}\b")
        found = 0
        for text in texts:
            assert _moved(text, name) == (pattern.search(text) is not None), (name, text)
            found += _moved(text, name)
        assert found > 5, name
