"""runtime-drift on CI's Node set up through the repository's own composite action: rallly (tests/replay/rallly).

lukevella/rallly's ci.yml sets Node up in every job with `uses: ./.github/actions/setup-node`, whose
`actions/setup-node` step takes `node-version: ${{ inputs.node-version }}` and the input's `default: "24"`;
.nvmrc, package.json's engines and apps/web/Dockerfile say 24 too. With the default set to 22, CI ran every
job on a Node the image and the developers do not use and doctor preflight said nothing: the pins of a
workflow were read from its own text only. Now a step using a composite action of `.github/actions/` brings
the action's pins: a literal of its steps, or an input it reads, from the step's `with:` (a literal, or the
job's matrix) else the input's default, each at the line to change.

Each test copies the replay into a git checkout of its own; no tool of the project runs.
"""

from __future__ import annotations

from pathlib import Path

from test_runtime_drift_called_workflow import checkout, drift_shown, findings

REPLAY = Path(__file__).parent / "replay" / "rallly"
ACTION = Path(".github") / "actions" / "setup-node" / "action.yml"
CI = Path(".github") / "workflows" / "ci.yml"
ELSEWHERE = "elsewhere 24: .nvmrc:1, package.json:59 (engines.node 24), apps/web/Dockerfile:6"


def _checkout(tmp_path: Path) -> Path:
    return checkout(tmp_path, REPLAY, "rallly")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def test_the_actions_default_agreeing_is_no_finding(tmp_path: Path) -> None:
    assert findings(_checkout(tmp_path), tmp_path) == []


def test_the_actions_input_default_is_the_pin_of_every_job_using_it(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    _edit(top / ACTION, 'default: "24"', 'default: "22"')
    found = findings(top, tmp_path)
    assert drift_shown(found, top) == [
        (str(ACTION), 7, f"node 22 (CI node-version default: 22), {ELSEWHERE}")]
    assert found[0].fix is not None and found[0].fix.title == f"change node 22 to 24 in {ACTION}:7"


def test_a_version_the_job_hands_the_action_is_that_jobs_pin(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    _edit(top / CI, "    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/setup-node\n"
                    "      - uses: ./.github/actions/pnpm-install\n\n      - name: Generate Prisma Client\n"
                    "        run: pnpm db:generate\n\n      - name: Check types",
          "    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/setup-node\n"
          "        with:\n          node-version: 22\n      - uses: ./.github/actions/pnpm-install\n\n"
          "      - name: Generate Prisma Client\n        run: pnpm db:generate\n\n      - name: Check types")
    # the other jobs keep the action's default, one more place on 24
    assert drift_shown(findings(top, tmp_path), top) == [
        (str(CI), 22, f"node 22 (CI node-version: 22), {ELSEWHERE} and 1 more")]


def test_a_matrix_handed_to_the_action_and_a_literal_in_its_steps(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    _edit(top / CI, "  type-check:\n    name: Type check\n    runs-on: ubuntu-latest\n    steps:\n"
                    "      - uses: actions/checkout@v4\n      - uses: ./.github/actions/setup-node\n",
          "  type-check:\n    name: Type check\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
          "        node: [20, 22]\n    steps:\n      - uses: actions/checkout@v4\n"
          "      - uses: ./.github/actions/setup-node\n        with:\n          node-version: ${{ matrix.node }}\n")
    assert drift_shown(findings(top, tmp_path), top) == [
        (str(CI), 20, f"node 20, 22 (CI matrix node: 20, 22), {ELSEWHERE} and 1 more")]
    top = _checkout(tmp_path / "literal")
    _edit(top / ACTION, "node-version: ${{ inputs.node-version }}", "node-version: 20")
    assert drift_shown(findings(top, tmp_path), top) == [
        (str(ACTION), 21, f"node 20 (CI node-version: 20), {ELSEWHERE}")]


def test_an_action_outside_github_actions_is_not_read(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    (top / "tools").mkdir()
    (top / ACTION.parent).rename(top / "tools" / "setup-node")
    _edit(top / "tools" / "setup-node" / "action.yml", 'default: "24"', 'default: "22"')
    (top / CI).write_text((top / CI).read_text().replace("./.github/actions/setup-node", "./tools/setup-node"))
    assert findings(top, tmp_path) == []


def test_a_warm_run_sees_the_action_changed(tmp_path: Path) -> None:
    """The workflow's pins are remembered between runs: with the action among the files they depend on."""
    import json
    import os
    import subprocess
    import sys

    top = _checkout(tmp_path)
    (tmp_path / "home").mkdir()
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("DOCTOR_NO_CACHE", None)
    argv = [sys.executable, "-m", "doctor", "preflight", "--select", "runtime-drift", "--format", "json", str(top)]

    def lines() -> list[tuple[str, int]]:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
        return [(f["file"], f["line"]) for f in json.loads(done.stdout)["findings"]]

    assert lines() == []
    assert (tmp_path / "cache" / "doctor").is_dir()  # the first run stored its pins
    _edit(top / ACTION, 'default: "24"', 'default: "22"')
    assert lines() == [(str(ACTION), 7)]
