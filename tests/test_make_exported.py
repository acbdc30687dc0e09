"""The variables a Makefile sets and exports to its recipes, which compose started by `make` gets."""

from __future__ import annotations

from pathlib import Path

import pytest
from trees import write_tree

from doctor.project.make_env import make_exported


@pytest.mark.parametrize(("makefile", "exported"), [
    ("include options.mk\nexport\n", {"DEVSTACK_WORKSPACE", "OTHER"}),  # openedx/devstack's bare export
    ("include options.mk\n.EXPORT_ALL_VARIABLES:\n", {"DEVSTACK_WORKSPACE", "OTHER"}),
    ("include options.mk\nexport DEVSTACK_WORKSPACE\n", {"DEVSTACK_WORKSPACE"}),
    ("export WEB_PORT ?= 8000\nNAME = x\n", {"WEB_PORT"}),
    ("include options.mk\nup:\n\texport X=1; docker compose up\n", set()),  # a recipe's export is its shell's
    ("-include $(ENV).mk\nexport\n", set()),  # a name built from a variable is not guessed
])
def test_what_a_makefile_exports(tmp_path: Path, makefile: str, exported: set[str]) -> None:
    write_tree(tmp_path, {"Makefile": makefile,
                          "options.mk": "# where the repos are\nDEVSTACK_WORKSPACE ?= $(shell pwd)/..\nOTHER := 1\n"})
    found = make_exported(tmp_path)
    assert set(found) == exported
    if "DEVSTACK_WORKSPACE" in found:
        assert found["DEVSTACK_WORKSPACE"] == (tmp_path / "options.mk", 2)
