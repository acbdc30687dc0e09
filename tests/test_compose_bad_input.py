"""Bad input never raises: each fault is a Problem with its file and line, and the rest still loads."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from doctor.project import ProjectOptions
from doctor.project.compose import load_project
from doctor.project.types import ComposeModel, Problem, ProblemKind

ENV = {"PATH": "/usr/bin:/bin", "HOME": "/home/dev"}
GOOD = "services:\n  ok:\n    image: busybox\n    ports: ['8080:80']\n"


def load(project: Path, files: tuple[str, ...] = (), **env: str) -> ComposeModel:
    return load_project(ProjectOptions(path=project, files=tuple(Path(f) for f in files), env={**ENV, **env}))


def only(model: ComposeModel, kind: ProblemKind) -> Problem:
    found = [p for p in model.problems if p.kind is kind]
    assert len(found) == 1, model.problems
    return found[0]


# (compose file text, expected kind, expected line, a word the message must contain)
CASES = {
    "tab": ("services:\n  a:\n\timage: x\n", ProblemKind.YAML, 3, "yaml"),
    "syntax": ("services:\n  a: {image: x\n", ProblemKind.YAML, 2, "yaml"),  # the last line, not past it
    "duplicate-key": ("services:\n  a:\n    image: x\n    image: y\n", ProblemKind.YAML, 4, "line 3"),
    "services-not-mapping": ("services:\n  - a\n", ProblemKind.SCHEMA, 1, "mapping"),
    "service-null": ("services:\n  a:\n", ProblemKind.SCHEMA, 2, "services.a"),
    "ports-string": ("services:\n  a:\n    image: x\n    ports: '80:80'\n", ProblemKind.SCHEMA, 4,
                     "services.a.ports must be a array"),
    "unknown-key": ("services:\n  a:\n    image: x\n    imagee: y\n", ProblemKind.SCHEMA, 4, "imagee"),
    "required-variable": ("services:\n  a:\n    image: 'x:${TAG:?set TAG}'\n", ProblemKind.INTERPOLATION, 3,
                          "TAG"),
    "invalid-template": ("services:\n  a:\n    image: 'x:${1}'\n", ProblemKind.INTERPOLATION, 3, "services.a.image"),
    "missing-env-file": ("services:\n  a:\n    image: x\n    env_file: nope.env\n", ProblemKind.ENV_FILE, 4,
                         "nope.env"),
    "unknown-depends-on": ("services:\n  a:\n    image: x\n    depends_on: [b]\n", ProblemKind.REFERENCE, 4,
                           "'b'"),
    "unknown-extends": ("services:\n  a:\n    image: x\n    extends: b\n", ProblemKind.REFERENCE, 4, "'b'"),
    "invalid-proto": ("services:\n  a:\n    image: x\n    ports:\n      - '80:80/xyz'\n", ProblemKind.SCHEMA, 5,
                      "xyz"),
    "undefined-volume": ("services:\n  a:\n    image: x\n    volumes:\n      - data:/x\n", ProblemKind.REFERENCE, 5,
                         "data"),
    "date": ("services:\n  a:\n    image: x\n    environment:\n      D: 2024-01-01\n", ProblemKind.SCHEMA, 5,
             "date"),
    "top-level-list": ("- a\n- b\n", ProblemKind.YAML, 1, "mapping"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_compose_file_is_a_problem_with_file_and_line(name: str, tmp_path: Path) -> None:
    text, kind, line, word = CASES[name]
    compose = tmp_path / "compose.yaml"
    compose.write_text(text)
    model = load(tmp_path)
    problem = only(model, kind)
    assert problem.location is not None
    assert problem.location.path == compose
    assert problem.location.line == line
    assert word in problem.message


def test_the_rest_still_loads_next_to_a_broken_override(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(GOOD)
    (tmp_path / "compose.override.yaml").write_text("services:\n  ok:\n\tports: x\n")
    model = load(tmp_path)
    location = only(model, ProblemKind.YAML).location
    assert location is not None
    assert (location.path, location.line) == (tmp_path / "compose.override.yaml", 3)
    assert [p.published for p in model.services["ok"].ports] == ["8080"]


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("# nothing\n")
    problem = only(load(tmp_path), ProblemKind.SCHEMA)
    assert problem.message == "empty compose file"
    assert problem.location is not None and problem.location.line == 1


def test_binary_file(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" + os.urandom(4096))
    problem = only(load(tmp_path), ProblemKind.YAML)
    assert "binary" in problem.message
    assert problem.location is not None and problem.location.line == 1


def test_invalid_utf8_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_bytes(b"services:\n  a:\n    image: \xff\xfe\n")
    problem = only(load(tmp_path), ProblemKind.YAML)
    assert problem.location is not None and problem.location.line == 3


def test_twenty_megabytes_is_refused_quickly(tmp_path: Path) -> None:
    block = "  svc{}:\n    image: busybox\n    environment:\n      KEY: " + "x" * 200 + "\n"
    with (tmp_path / "compose.yaml").open("w") as out:
        out.write("services:\n")
        for index in range(20 * 1024 * 1024 // len(block) + 1):
            out.write(block.format(index))
    started = time.monotonic()
    model = load(tmp_path)
    assert time.monotonic() - started < 3
    assert "too large" in only(model, ProblemKind.UNREADABLE).message


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    (tmp_path / "compose.yaml").write_text("\n".join(lines) + "\n")
    model = load(tmp_path)  # its time is the benchmarks' business: refused within the alias budget
    assert "aliasing" in only(model, ProblemKind.YAML).message


def test_compose_file_that_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").mkdir()
    problem = only(load(tmp_path), ProblemKind.UNREADABLE)
    assert problem.location is not None and problem.location.path == tmp_path / "compose.yaml"


def test_compose_file_that_is_a_fifo_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "compose.yaml")
    only(load(tmp_path), ProblemKind.UNREADABLE)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text(GOOD)
    compose.chmod(0)
    if os.access(compose, os.R_OK):  # root reads anything: make the read fail the way it would

        def denied(path: Path, limit: int) -> bytes:
            raise PermissionError(13, "Permission denied", str(path))

        monkeypatch.setattr("doctor.project.yamlload.read_regular", denied)
    problem = only(load(tmp_path), ProblemKind.UNREADABLE)
    assert problem.location is not None and problem.location.path == compose


def test_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").symlink_to("compose.yaml")
    (tmp_path / "loop").symlink_to(tmp_path)
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    model = load(tmp_path)
    problem = only(model, ProblemKind.UNREADABLE)
    assert "symlink" in problem.message


def test_env_file_through_a_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    (tmp_path / "compose.yaml").write_text("services:\n  x:\n    image: busybox\n    env_file: a/app.env\n")
    problem = only(load(tmp_path), ProblemKind.ENV_FILE)
    assert problem.location is not None
    assert (problem.location.path, problem.location.line) == (tmp_path / "compose.yaml", 4)


def test_no_compose_file(tmp_path: Path) -> None:
    model = load(tmp_path)
    assert only(model, ProblemKind.DISCOVERY).location is not None


def test_missing_explicit_file(tmp_path: Path) -> None:
    problem = only(load(tmp_path, ("nope.yaml",)), ProblemKind.DISCOVERY)
    assert problem.location is not None and problem.location.path == tmp_path / "nope.yaml"


def test_bad_dotenv_line_is_reported_and_rest_loads(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("GOOD=1\nBAD KEY=2\nPORT=9000\n")
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    image: x\n    ports: ['${PORT}:80']\n")
    model = load(tmp_path)
    problem = only(model, ProblemKind.ENV_FILE)
    assert problem.location is not None and problem.location.line == 2
    assert model.services["a"].ports[0].published == "9000"


def test_invalid_project_name_points_at_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("X=1\nCOMPOSE_PROJECT_NAME=Bad.Name\n")
    (tmp_path / "compose.yaml").write_text(GOOD)
    problem = only(load(tmp_path), ProblemKind.SCHEMA)
    assert problem.location is not None
    assert (problem.location.path, problem.location.line) == (tmp_path / ".env", 2)
    assert "(COMPOSE_PROJECT_NAME in .env)" in problem.message, problem.message


def test_invalid_project_name_says_where_it_came_from(tmp_path: Path) -> None:
    """trial J3: `COMPOSE_PROJECT_NAME=trialJ3-x doctor preflight` said `error .  invalid project name` with no
    word of the shell's variable; -p said the same."""
    (tmp_path / "compose.yaml").write_text(GOOD)
    shell = only(load(tmp_path, COMPOSE_PROJECT_NAME="trialJ3-x"), ProblemKind.SCHEMA)
    assert shell.message.startswith("invalid project name 'trialJ3-x' (COMPOSE_PROJECT_NAME in the shell's "
                                    "environment): "), shell.message
    assert shell.location is not None and shell.location.path == tmp_path
    given = only(load_project(ProjectOptions(path=tmp_path, project_name="trialJ3-x", env=ENV)), ProblemKind.SCHEMA)
    assert given.message.startswith("invalid project name 'trialJ3-x' (given with -p): "), given.message
