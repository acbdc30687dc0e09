"""root-owned-files' chown operands for a group of many strays: past MAX_OPERANDS one `chown -hR`
of the group's folder, never where that would reach another group's folder below it (mariadb's
`.data/mysql` under `.data`) nor a stray kept by design there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from doctor.checks.root_owned_files.fix import MAX_OPERANDS
from root_owned_checks import chown_tree, run_check

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="makes files of other owners: needs root")

OWNER = 1004
COMPOSE = ("services:\n  app:\n    image: busybox\n    volumes:\n      - ./.data/uploads:/uploads\n"
           "  db:\n    image: mariadb:11\n    volumes:\n      - ./.data/mysql:/var/lib/mysql\n")


def _project(tmp_path: Path, strays: int, below: bool) -> Path:
    project = tmp_path / "app"
    (project / ".data" / "uploads").mkdir(parents=True)
    (project / ".data" / "misc").mkdir()
    (project / "compose.yaml").write_text(COMPOSE)
    if below:
        (project / ".data" / "mysql").mkdir()
        (project / ".data" / "mysql" / "ibdata1").write_text("x")
        (project / ".data" / "uploads" / "avatar.png").write_text("x")
    for i in range(strays):
        (project / ".data" / "misc" / f"f{i:03}.bin").write_text("x")
    chown_tree(tmp_path, OWNER)
    for i in range(strays):
        os.lchown(project / ".data" / "misc" / f"f{i:03}.bin", 0, 0)
    if below:  # two services' strays: each its own group below .data (doctor.checks.root_owned_files.places)
        os.lchown(project / ".data" / "mysql" / "ibdata1", 0, 0)
        os.lchown(project / ".data" / "uploads" / "avatar.png", 0, 0)
    return project


def test_many_strays_alone_are_one_recursive_chown_of_their_folder(tmp_path: Path) -> None:
    project = _project(tmp_path, MAX_OPERANDS + 5, below=False)
    fix = run_check(project)["owner:.data"].fix
    assert fix is not None and fix.command is not None
    assert fix.command[:3] == ("chown", "-hR", f"{OWNER}:{OWNER}")
    assert fix.command[3:] == (str(project / ".data"),)


def test_many_strays_never_take_another_groups_folder_below_them(tmp_path: Path) -> None:
    project = _project(tmp_path, MAX_OPERANDS + 5, below=True)
    found = run_check(project)
    assert {"owner:.data/mysql", "owner:.data/uploads"} <= found.keys(), sorted(found)
    fix = found["owner:.data"].fix
    assert fix is not None and fix.command is not None
    operands = fix.command[3:]
    assert len(operands) == MAX_OPERANDS + 5, fix.command  # each stray (a -R on a file takes that file alone)
    assert all("/misc/" in path for path in operands)  # never .data, which holds .data/mysql
