"""runtime-drift on a workflow matrix whose `include:` adds a version: one matrix, not two voices.

louislam/uptime-kuma (tests/replay/uptime-kuma) tests in auto-test.yml on `node: [20, 24]` for every
OS and `include: - os: ubuntu-22.04 node: 25` (the current release, on Ubuntu only), with
`node-version: ${{ matrix.node }}`; its base image docker/debian-base.dockerfile is on node 22 and
package.json's engines say `>= 20.4.0`. doctor preflight read the included 25 as a pin of its own, which
with validate.yml's 25 became the version 'elsewhere', and warned five times, among them 'node 20, 24
(CI matrix node: 20, 24), elsewhere 25: .github/workflows/auto-test.yml:28, ...' with 'add node 25 to the
matrix in .github/workflows/auto-test.yml:24, or move .github/workflows/auto-test.yml:28 ... to node
24': the matrix against its own include entry, and both stages of the image told to move to 25. GitHub
runs the included combinations beside the list's: the matrix tests 20, 24 and 25, at the list's line.

Each test copies the replay into a git checkout of its own; no tool of the project runs.
"""

from __future__ import annotations

from pathlib import Path

from test_runtime_drift_called_workflow import checkout, drift_shown, findings
from trees import write_tree

CHECK = "runtime-drift"
REPLAY = Path(__file__).parent / "replay" / "uptime-kuma"


def _checkout(tmp_path: Path) -> Path:
    return checkout(tmp_path, REPLAY, "uptime-kuma")


def test_an_included_version_is_the_matrix_s_own(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    shown = drift_shown(findings(top, tmp_path), top)
    # the image's 22 stands; the main matrix, which tests 20, 24 and 25 but not 22, and the docker job's
    # 26 are apart from it (the include entry at :28 is no place of its own)
    assert shown == [
        (".github/workflows/auto-test.yml", 24, "node 20, 24, 25 (CI matrix node: 20, 24, 25), elsewhere 22: "
                                                "docker/debian-base.dockerfile:2, docker/debian-base.dockerfile:12"),
        (".github/workflows/build-docker-pr-test.yml", 39, "node 26 (CI node-version: 26), elsewhere 22: "
                                                           "docker/debian-base.dockerfile:2, "
                                                           "docker/debian-base.dockerfile:12")]


def _matrix(lines: str, key: str = "node") -> dict[str, str]:
    return {"compose.yaml": "services:\n  web:\n    build: .\n", "Dockerfile": "FROM node:22-alpine\n",
            ".github/workflows/ci.yml": "name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
            "    strategy:\n      matrix:\n" + lines + "    steps:\n      - uses: actions/setup-node@v4\n"
            "        with:\n          node-version: ${{ matrix." + key + " }}\n"}


def test_an_include_of_the_image_s_version_makes_the_matrix_agree(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", _matrix("        node: [20, 24]\n        include:\n          - node: 22\n"))
    assert findings(root, tmp_path) == []


def test_a_matrix_key_named_node_version_takes_its_include_too(tmp_path: Path) -> None:
    """The key setup-node reads, listed in the matrix: read where it is listed, with the include's 18."""
    root = write_tree(tmp_path / "p", _matrix(
        "        node-version: [20, 24]\n        include:\n          - node-version: 18\n", "node-version"))
    assert drift_shown(findings(root, tmp_path), root) == [
        (".github/workflows/ci.yml", 8, "node 20, 24, 18 (CI node-version: 20, 24, 18), elsewhere 22: "
                                        "Dockerfile:1")]


def test_a_version_excluded_from_every_combination_is_not_tested(tmp_path: Path) -> None:
    """`exclude: [{node: 22}]` drops 22 from every combination (GitHub excludes before it includes): the
    image's 22 is tested by no job, where the list and its include read as one matrix said it agreed."""
    root = write_tree(tmp_path / "p", _matrix("        node: [22, 24]\n        exclude:\n          - node: 22\n"))
    assert [m for _, _, m in drift_shown(findings(root, tmp_path), root)] == [
        "node 22 (FROM node:22-alpine), elsewhere 24: .github/workflows/ci.yml:8"]
    partly = write_tree(tmp_path / "q", _matrix(
        "        node: [22, 24]\n        os: [ubuntu-latest, macos-latest]\n"
        "        exclude:\n          - node: 22\n            os: macos-latest\n"))
    assert findings(partly, tmp_path) == []  # 22 still runs on ubuntu
