"""Exclude patterns are read alike however they are spelled and whichever walk reads them.

A compose file writes the project's data folder `./data`, and so do users in doctor.yaml:
`exclude: ["./data"]` excluded nothing from root-owned-files (the pattern was matched as the path
`./data`, which no project-relative path is), while `data`, `data/` and `/data` did.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from doctor.checks.root_owned_files import RootOwnedFiles
from doctor.checks.root_owned_files.places import _from_root

from doctor.host import Host, owner_find, owner_native
from doctor.host.owner_walk import exclude_pattern, exclusion, fnmatch_globs
from doctor.project import Project, ProjectOptions

USER = 1000
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="building a mixed-owner tree needs root")


@pytest.mark.parametrize(("pattern", "plain"), [
    ("data", "data"), ("data/", "data"), ("/data", "data"), ("./data", "data"), ("./data/", "data"),
    ("./backend/./x", "backend/x"), ("backend//x/", "backend/x"), ("./*.pyc", "*.pyc"), ("../src", "../src"),
])
def test_an_exclude_pattern_loses_its_dot_steps_and_slashes(pattern: str, plain: str) -> None:
    assert exclude_pattern(pattern) == plain


@pytest.mark.parametrize("pattern", ["./data", "data", "data/", "/data"])
def test_every_spelling_of_a_folder_excludes_it_in_every_walk(pattern: str) -> None:
    match = exclusion((pattern,))
    assert match is not None and match("data") and match("x/data") and not match("database")  # pruned there
    assert fnmatch_globs((pattern,)) == (["data"], [])  # the C walk's and GNU find's -name
    found = owner_find.expression("/p", (pattern,), USER)
    assert found is not None and found[:5] == ["-noleaf", "(", "-name", "data", ")"]  # GNU find's


def test_a_dot_step_inside_a_path_pattern_is_dropped_in_every_walk() -> None:
    match = exclusion(("./backend/./app",))
    assert match is not None and match("backend/app") and match("backend/app/x.py") and not match("backend/apps")
    assert fnmatch_globs(("./backend/./app",)) == ([], ["backend/app"])
    found = owner_find.expression("/p", ("./backend/./app",), USER)
    assert found is not None and found[:5] == ["-noleaf", "(", "-path", "/p/backend/app", ")"]


def test_patterns_from_a_project_below_the_scan_root_agree_with_those_at_it() -> None:
    """A devcontainer's project folder, its scan widened to the checkout: the same spellings."""
    written = ("./data", "data/", "./data/pg", "./backend/./x", "/x/y/")
    assert _from_root(written, "/r", "/r") == ("data", "data", "data/pg", "backend/x", "x/y")
    assert _from_root(written, "/r/p", "/r") == ("data", "data", "p/data/pg", "p/backend/x", "p/x/y")


@pytest.fixture(params=["python", "find", "c"])
def walk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The walk root-owned-files takes: Python's, GNU find's or the C extension's."""
    if request.param != "c":
        monkeypatch.setattr(owner_native, "module", None)
    elif owner_native.module is None:
        pytest.skip("the C walk is not built here")
    if request.param == "python":
        monkeypatch.setattr(owner_find, "find_binary", lambda: None)
    elif request.param == "find" and owner_find.find_binary() is None:
        pytest.skip("no GNU find here")
    return str(request.param)


@needs_root
@pytest.mark.parametrize("written", [["./data", "./backend/./app/__pycache__"], ["data/", "backend/app/__pycache__"]])
def test_doctor_yaml_excludes_written_as_compose_writes_paths(tmp_path: Path, walk: str, written: list[str]) -> None:
    project = tmp_path / "app"
    (project / "data" / "pg").mkdir(parents=True)
    (project / "backend" / "app" / "__pycache__").mkdir(parents=True)
    (project / "compose.yaml").write_text("services:\n  db:\n    image: postgres:16\n    volumes:\n"
                                          "      - ./data/pg:/var/lib/postgresql/data\n")
    for folder, dirs, files in os.walk(project):
        for name in (*dirs, *files):
            os.lchown(Path(folder, name), USER, USER)
    os.lchown(project, USER, USER)
    for rel in ("data", "data/pg"):
        os.lchown(project / rel, 0, 0)
    os.lchown(project / "backend/app/__pycache__", 0, 0)
    env = {"PATH": os.environ["PATH"], "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def subjects() -> list[str]:
        return [f.subject for f in RootOwnedFiles().run(Project(ProjectOptions(path=project, env=env)), Host(env=env))]

    assert subjects() == ["owner:backend", "owner:data"]
    (project / "doctor.yaml").write_text(f"exclude: {written}\n")
    os.lchown(project / "doctor.yaml", USER, USER)
    for _ in range(2):  # cold, then from the walk's cache
        assert subjects() == []
