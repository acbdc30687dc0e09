"""runtime-drift names the ARG line of a FROM built from two ARGs: Sylius-Standard (tests/replay).

Sylius/Sylius-Standard's root Dockerfile declares `ARG NODE_VERSION=16` (line 5) and
`ARG ALPINE_VERSION=3.15` and builds `FROM node:${NODE_VERSION}-alpine${ALPINE_VERSION}` (line 84),
while `.node-version` and the CI matrix say 20. doctor said 'change node 16 to 20 in Dockerfile:84', a
line with no 16 on it: the place that writes the version was named only for a FROM of one ARG. Now
the ARG the tag starts with writes it (NODE_VERSION, not the variant's ALPINE_VERSION): Dockerfile:5.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from replay_found import host_options

REPLAY = Path(__file__).parent / "replay" / "sylius-standard"
VOICES = ".node-version:1, .github/workflows/build.yml:32"


def _copy(tmp_path: Path, dockerfile: tuple[str, str] | None = None) -> Path:
    root = tmp_path / "sylius-standard"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    if dockerfile is not None:
        path = root / "Dockerfile"
        text = path.read_text()
        assert text.count(dockerfile[0]) == 1
        path.write_text(text.replace(*dockerfile))
    return root


def _drift(root: Path) -> list[tuple[str, str, int | None, str]]:
    options = host_options(root)
    from doctor.engine import RunOptions, load_registry, preflight

    report = preflight(RunOptions(project=options, select=("runtime-drift",), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.location.path.name if f.location else "", f.location.line if f.location else None,
             f.fix.title if f.fix else "") for f in report.findings]


def test_the_node_version_arg_is_named_not_the_from_line(tmp_path: Path) -> None:
    assert _drift(_copy(tmp_path)) == [
        (f"node 16 (FROM node:16-alpine3.15), elsewhere 20: {VOICES}", "Dockerfile", 5,
         "change node 16 to 20 in Dockerfile:5")]


def test_the_tag_decides_which_arg_writes_the_version(tmp_path: Path) -> None:
    # the version's ARG written with a default (a `:` inside its braces): still its line
    root = _copy(tmp_path / "a", ("FROM node:${NODE_VERSION}-alpine${ALPINE_VERSION} AS sylius_node",
                                  "FROM node:${NODE_VERSION:-18}-alpine${ALPINE_VERSION} AS sylius_node"))
    assert [(m, n, line) for m, n, line, _ in _drift(root)] == [
        (f"node 16 (FROM node:16-alpine3.15), elsewhere 20: {VOICES}", "Dockerfile", 5)]
    # a tag no ARG starts (`node:16.${MINOR}`) keeps the FROM line, where the 16 is written
    root = _copy(tmp_path / "b", ("FROM node:${NODE_VERSION}-alpine${ALPINE_VERSION} AS sylius_node",
                                  "FROM node:16.${NODE_VERSION}-alpine${ALPINE_VERSION} AS sylius_node"))
    assert [(n, line) for _, n, line, _ in _drift(root)] == [("Dockerfile", 84)]

