"""Searches that once compiled a pattern spliced from a project's names on every run, now string
methods or a static pattern: each still answers exactly as the spliced pattern did."""

from __future__ import annotations

import random
import re
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
