"""Chains of services thousands long load: no RecursionError (which ended the run as 'doctor: internal
error' with no report), and in time linear in their length.

A generated compose file (a service per shard, each `depends_on` or `extends` the next) is bad input
doctor meets; compose itself loads such chains, and refuses a depends_on cycle by name.
"""

from __future__ import annotations

from pathlib import Path

from doctor.project import ProjectOptions
from doctor.project.compose import load_project
from doctor.project.types import ComposeModel

LENGTH = 3000  # past Python's recursion limit (1000)


def _load(project: Path, text: str) -> ComposeModel:
    project.mkdir(exist_ok=True)
    (project / "compose.yaml").write_text(text)
    return load_project(ProjectOptions(path=project, env={"PATH": "/usr/bin:/bin", "HOME": "/home/dev"}))


def _depends_chain(cycle: bool) -> str:
    lines = ["services:"]
    for i in range(LENGTH):
        after = i + 1 if i < LENGTH - 1 else (0 if cycle else None)
        lines += [f"  s{i}:", "    image: busybox"] + ([f"    depends_on: [s{after}]"] if after is not None else [])
    return "\n".join(lines) + "\n"


def test_a_depends_on_chain_thousands_long_loads(tmp_path: Path) -> None:
    model = _load(tmp_path / "p", _depends_chain(cycle=False))
    assert model.problems == ()
    assert model.services["s0"].depends_on == ("s1",)


def test_a_depends_on_cycle_thousands_long_is_compose_configs_problem(tmp_path: Path) -> None:
    model = _load(tmp_path / "p", _depends_chain(cycle=True))
    (problem,) = model.problems
    names = " -> ".join(f"s{i}" for i in range(LENGTH))
    assert problem.message == f"dependency cycle detected: {names} -> s0"
    assert problem.location is not None and problem.location.line == 3 * LENGTH + 1  # the last one's depends_on


def test_an_extends_chain_thousands_long_loads(tmp_path: Path) -> None:
    lines = ["services:"]
    for i in range(LENGTH):
        lines += [f"  s{i}:", f"    extends: s{i + 1}" if i < LENGTH - 1 else "    image: busybox:1.36",
                  f"    environment: [LEVEL{i}=x]"]
    model = _load(tmp_path / "p", "\n".join(lines) + "\n")
    assert model.problems == ()
    assert model.services["s0"].image == "busybox:1.36"
    assert model.services["s0"].environment["LEVEL0"].value == "x"
    assert model.services["s0"].environment[f"LEVEL{LENGTH - 1}"].value == "x"


def test_an_extends_cycle_is_named_as_before(tmp_path: Path) -> None:
    model = _load(tmp_path / "p", "services:\n  a:\n    extends: b\n    image: x\n  b:\n    extends: c\n"
                                  "  c:\n    extends: a\n")
    (problem,) = model.problems
    assert problem.message == "extends cycle: a -> b -> c -> a"
