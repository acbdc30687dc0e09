"""compose-config on a dependency cycle through `network_mode: service:`, `volumes_from` or `links` (CI review).

Before: `a` with `depends_on: [b]` and `b` with `network_mode: service:a`: `docker compose config -q` exits 1
(`dependency cycle detected: a -> b -> a`), `doctor preflight --select compose-config` printed ✓, exit 0; so for
`network_mode` on both, `volumes_from: [b]`/`[a]`, `links: [b]`/`[a]`, and `network_mode: service:web` on web itself.
Only `depends_on` was walked, while compose-go's Normalize counts the other three as dependencies too (a
`volumes_from: [container:x]` is no service). Now an error with compose's words, at the line closing the cycle.
Each case is also put to the compose binary: it refuses exactly those doctor reports, with the same words.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

A_B = "services:\n  a:\n    image: busybox\n    {a}\n  b:\n    image: busybox\n    {b}\n"

# (a's line, b's line, doctor's findings as (line, message))
CASES = [
    ("depends_on: [b]", "network_mode: service:a", [(7, "dependency cycle detected: a -> b -> a")]),
    ("network_mode: service:b", "network_mode: service:a", [(7, "dependency cycle detected: a -> b -> a")]),
    ("volumes_from: [b]", "volumes_from: [a]", [(7, "dependency cycle detected: a -> b -> a")]),
    ("links: [b]", "links: [a]", [(7, "dependency cycle detected: a -> b -> a")]),
    ('links: ["b:bee"]', 'volumes_from: ["a:ro"]', [(7, "dependency cycle detected: a -> b -> a")]),
    ("network_mode: service:a", "init: true", [(4, "dependency cycle detected: a -> a")]),
    ("volumes_from: [a]", "init: true", [(4, "dependency cycle detected: a -> a")]),
    ("depends_on: [b]", "depends_on: [a]", [(7, "dependency cycle detected: a -> b -> a")]),
    # what compose accepts: a container is no service; a one-way chain is no cycle
    ('volumes_from: ["container:b"]', "volumes_from: [a]", []),
    ("links: [b]", "network_mode: host", []),
    ("network_mode: service:b", "volumes_from: [\"container:a\"]", []),
]
IDS = ["depends-network", "network-both", "volumes-from", "links", "alias-and-ro", "network-self", "volumes-self",
       "depends-only", "container-ref", "one-way", "one-way-container"]


def _findings(root: Path) -> list[tuple[int | None, str]]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1"}
    project = ProjectOptions(path=root, env=env)
    report = preflight(RunOptions(project=project, select=("compose-config",), env=env), load_registry()).report
    return [(f.location.line if f.location else None, f.message) for f in report.findings]


@pytest.mark.parametrize(("a", "b", "expected"), CASES, ids=IDS)
def test_a_cycle_through_any_dependency_is_an_error(tmp_path: Path, a: str, b: str,
                                                     expected: list[tuple[int, str]]) -> None:
    (tmp_path / "compose.yaml").write_text(A_B.format(a=a, b=b))
    assert _findings(tmp_path) == expected


@pytest.mark.compose
def test_compose_refuses_exactly_those_cases_in_the_same_words(tmp_path: Path, compose_bin: str) -> None:
    for (a, b, expected), case in zip(CASES, IDS, strict=True):
        (tmp_path / "compose.yaml").write_text(A_B.format(a=a, b=b))
        done = subprocess.run([compose_bin, "config", "-q"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
        assert (done.returncode != 0) == bool(expected), (case, done.stderr)
        for _, message in expected:
            assert message in done.stderr, (case, done.stderr)
