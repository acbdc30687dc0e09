"""What `make GOAL` runs when a recipe runs make again: `$(MAKE) livehtml`, `${MAKE} -C docs html`.

make sets $(MAKE) to itself, so `serve:` with the recipe `$(MAKE) livehtml` runs livehtml's recipe;
doctor read the line `$(MAKE) livehtml` and stopped there (missing-mount's docs build never saw the
sphinx-autobuild it runs). goal_recipes follows such a line to the goal it makes, in the same Makefile
or the one `-C DIR` (or the line's `cd DIR`) names, each such make once and at most MAX_SUB_MAKES deep,
so a Makefile whose targets run one another (`a` runs `$(MAKE) b`, `b` runs `$(MAKE) a`) ends.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from trees import write_tree

from doctor.project.make_targets import MAX_SUB_MAKES, goal_recipes

MAKEFILE = """SOURCEDIR = .
APP = /app

serve:
\t$(MAKE) livehtml

livehtml:
\t${MAKE} apidocs
\tsphinx-autobuild -b html --watch $(APP) -c . $(SOURCEDIR) _build/html

apidocs:
\tsphinx-apidoc -o $(SOURCEDIR)/api $(APP)/plugins

loop:
\t@echo one
\t+$(MAKE) loop-back

loop-back:
\t$(MAKE) loop

options:
\t$(MAKE) -s --no-print-directory SPHINXOPTS=-W apidocs

sub:
\tcd docs && $(MAKE) html
\t$(MAKE) -C docs clean
"""
DOCS = "html:\n\tsphinx-build -b html $(SPHINXOPTS) . _build/html\n\nclean:\n\trm -rf _build\n"


def _lines(root: Path, *arguments: str) -> list[tuple[str, str]]:
    """Each line `make *arguments` in `root` runs, with its folder relative to `root`."""
    found = goal_recipes(arguments, root)
    assert found is not None
    return [(text, Path(os.path.relpath(where.resolve(), root.resolve())).as_posix()) for text, where in found]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_tree(tmp_path, {"Makefile": MAKEFILE, "docs/Makefile": DOCS})


def test_a_recipe_running_make_runs_the_goal_it_names(root: Path) -> None:
    assert [text for text, _ in _lines(root, "serve")] == [
        "$(MAKE) livehtml", "${MAKE} apidocs", "sphinx-apidoc -o ./api /app/plugins",
        "sphinx-autobuild -b html --watch /app -c . . _build/html"]


def test_targets_running_one_another_end(root: Path) -> None:
    assert [text for text, _ in _lines(root, "loop")] == ["echo one", "$(MAKE) loop-back", "$(MAKE) loop"]


def test_make_options_and_variables_of_the_line_are_read(root: Path) -> None:
    assert [text for text, _ in _lines(root, "options")][1:] == ["sphinx-apidoc -o ./api /app/plugins"]


def test_the_command_lines_variables_reach_the_make_a_recipe_runs(root: Path) -> None:
    lines = _lines(root, "sub", "SPHINXOPTS=-W")
    assert ("sphinx-build -b html -W . _build/html", "docs") in lines


def test_a_make_in_another_folder_reads_that_folders_makefile(root: Path) -> None:
    assert _lines(root, "sub") == [
        ("cd docs && $(MAKE) html", "."), ("sphinx-build -b html $(SPHINXOPTS) . _build/html", "docs"),
        ("$(MAKE) -C docs clean", "."), ("rm -rf _build", "docs")]


def test_a_chain_deeper_than_the_limit_is_cut(tmp_path: Path) -> None:
    """`step0` runs `$(MAKE) step1`, ... : the makes past MAX_SUB_MAKES are not read."""
    count = MAX_SUB_MAKES + 3
    rules = "".join(f"step{n}:\n\t$(MAKE) step{n + 1}\n\n" for n in range(count)) + f"step{count}:\n\ttrue\n"
    write_tree(tmp_path, {"Makefile": rules})
    assert [text for text, _ in _lines(tmp_path, "step0")] == [
        f"$(MAKE) step{n + 1}" for n in range(MAX_SUB_MAKES + 1)]


def test_a_goal_no_rule_makes_is_not_followed(root: Path) -> None:
    write_tree(root, {"Makefile": "all:\n\t$(MAKE) nowhere\n"})
    assert [text for text, _ in _lines(root, "all")] == ["$(MAKE) nowhere"]
