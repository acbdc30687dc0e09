"""runtime-drift: a CI job that runs its runtime in folders no compose build uses is no voice.

hoppscotch (afc2cf181c16) builds its images from the top (`prod.Dockerfile`, context `.`); its
tests job pins node 22 on purpose (devenv.nix and the packages' `engines: >=22` agree), while
the agent and desktop release workflows set up node 20 and then work in their own packages
(`cd packages/hoppscotch-agent`, `pnpm --dir ${{ env.DESKTOP_PATH }}`). Those ten node-20 jobs
were read as the project's voice and doctor advised moving the tests job to 20, which would
break CI. A job that has no `defaults.run.working-directory` but whose steps `cd` elsewhere is
judged by where its node/python commands run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_runtime_drift_real import _findings, _write  # a git checkout of the files; the check's findings

from doctor.model import Finding

AGENT_PIN = [(".github/workflows/build-hoppscotch-agent.yml", 11)]
TESTS = ("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
         "        node-version: [22]\n    steps:\n      - uses: actions/checkout@v4\n"
         "      - uses: actions/setup-node@v4\n        with:\n          node-version: ${{ matrix.node-version }}\n"
         "      - run: pnpm install\n      - run: pnpm test\n")
AGENT = ("on: workflow_dispatch\njobs:\n  build-macos:\n    runs-on: macos-latest\n    defaults:\n      run:\n"
         "        shell: bash\n    steps:\n      - uses: actions/setup-node@v3\n        with:\n"
         "          node-version: 20\n"
         "      - run: rustup target add x86_64-apple-darwin\n"
         "      - run: |\n          mkdir __dist/\n          cd __dist/\n          curl -LO https://example.org/tauri.zip\n"
         "      - name: Install dependencies\n        run: |\n          cd packages/hoppscotch-agent\n"
         "          pnpm install --filter hoppscotch-agent\n"
         "      - run: |\n          cd packages/hoppscotch-agent\n          pnpm tauri build\n")
DESKTOP = ("on: workflow_dispatch\nenv:\n  DESKTOP_PATH: ${{ github.workspace }}/packages/hoppscotch-desktop\n"
           "  WEB_PATH: ${{ github.workspace }}/packages/hoppscotch-selfhost-web\njobs:\n  build-windows:\n"
           "    runs-on: windows-latest\n    steps:\n      - uses: actions/setup-node@v3\n        with:\n"
           "          node-version: 20\n      - shell: pwsh\n        run: |\n"
           "          pnpm install -f --shamefully-hoist --ignore-scripts\n"
           "          pnpm install -f --dir ${{ env.DESKTOP_PATH }}\n      - run: |\n"
           "          pnpm install --dir ${{ env.WEB_PATH }}\n          pnpm --dir ${{ env.WEB_PATH }} generate\n"
           "      - run: pnpm --dir ${{ env.DESKTOP_PATH }} tauri build -b msi\n")
HOPPSCOTCH = {
    "docker-compose.yml": "services:\n  aio:\n    build:\n      dockerfile: prod.Dockerfile\n      context: .\n",
    "prod.Dockerfile": "FROM alpine:3.24.1 AS node_base\nRUN apk add nodejs npm\nCOPY . .\n",
    "packages/hoppscotch-cli/package.json": '{\n  "name": "cli",\n  "engines": {\n    "node": ">=22"\n  }\n}\n',
    ".github/workflows/tests.yml": TESTS,
    ".github/workflows/build-hoppscotch-agent.yml": AGENT,
    ".github/workflows/build-hoppscotch-desktop.yml": DESKTOP,
}


def _shown(findings: list[Finding], top: Path) -> list[tuple[str, int | None]]:
    return [(f.location.path.relative_to(top).as_posix(), f.location.line) for f in findings if f.location]


def test_release_jobs_working_in_their_own_packages_are_no_voice(tmp_path: Path) -> None:
    root = _write(tmp_path / "hoppscotch", HOPPSCOTCH)
    assert _findings(root, tmp_path) == []


@pytest.mark.parametrize(("agent_steps", "expected"), [
    # the job works at the top, which the build uses: its node 20 speaks against the tests' 22
    ("      - run: pnpm install\n      - run: pnpm build\n", AGENT_PIN),
    # as many commands at the top as in its package: still a voice
    ("      - run: pnpm install\n      - run: cd packages/hoppscotch-agent && pnpm build\n",
     AGENT_PIN),
    # a folder the text does not tell (`cd "$DIR"`): a voice, as before
    ("      - run: |\n          cd \"$AGENT_DIR\"\n          pnpm build\n",
     AGENT_PIN),
    # no node command at all: nothing tells where it works, a voice as before
    ("      - uses: some/action@v1\n", AGENT_PIN),
    # `yarn --cwd`, `npm --prefix=`: in the package
    ("      - run: yarn --cwd packages/hoppscotch-agent install\n"
     "      - run: npm --prefix=packages/hoppscotch-agent run build\n", []),
    # a step's working-directory
    ("      - run: pnpm build\n        working-directory: packages/hoppscotch-agent\n", []),
], ids=["top", "tie", "unknown-cd", "no-command", "tool-folder-options", "step-working-directory"])
def test_a_job_is_judged_by_where_its_runtime_commands_run(tmp_path: Path, agent_steps: str,
                                                           expected: list[tuple[str, int]]) -> None:
    agent = AGENT[:AGENT.index("      - run: rustup")] + agent_steps
    files = {**HOPPSCOTCH, ".github/workflows/build-hoppscotch-agent.yml": agent}
    del files[".github/workflows/build-hoppscotch-desktop.yml"]
    root = _write(tmp_path / "hoppscotch", files)
    found = _findings(root, tmp_path)
    assert _shown(found, root) == expected
    for finding in found:  # the range `>=22` and the tests job agree on 22: the advice is to move to 22
        assert finding.fix is not None and finding.fix.title.startswith("change node 20 to 22"), finding.fix


def test_a_job_working_in_the_build_folder_still_speaks(tmp_path: Path) -> None:
    # compose builds backend/: a job that `cd backend` before pip is that build's voice
    files = {
        "compose.yaml": "services:\n  api:\n    build: ./backend\n",
        "backend/Dockerfile": "FROM python:3.12-slim\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/setup-python@v5\n        with:\n          python-version: \"3.10\"\n"
        "      - run: |\n          cd backend\n          pip install -r requirements.txt\n          pytest\n",
    }
    root = _write(tmp_path / "app", files)
    assert _shown(_findings(root, tmp_path), root) == [(".github/workflows/ci.yml", 8)]
    # ... and one that works in docs/ only is not
    (root / ".github/workflows/ci.yml").write_text(files[".github/workflows/ci.yml"].replace("cd backend", "cd docs"))
    assert _findings(root, tmp_path) == []


TANDOOR_CI = ("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
              "        python-version: [\"3.12\"]\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n"
              "          python-version: ${{ matrix.python-version }}\n      - run: pytest\n")
TANDOOR_DOCS = ("on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/setup-python@v5\n        with:\n          python-version: 3.x\n"
                "      - run: mkdocs gh-deploy --force\n")


def test_a_pin_wider_than_a_version_is_no_voice(tmp_path: Path) -> None:
    """TandoorRecipes/recipes: the image is `python:3.13-alpine`, the tests run on 3.12, and a docs
    job's `python-version: 3.x` (any Python 3) outweighed them: no finding at all."""
    root = _write(tmp_path / "tandoor", {
        "compose.yaml": "services:\n  web_recipes:\n    build: .\n",
        "Dockerfile": "FROM python:3.13-alpine3.23\nCOPY . /opt/recipes\n",
        ".github/workflows/ci.yml": TANDOOR_CI, ".github/workflows/docs.yml": TANDOOR_DOCS})
    assert _shown(_findings(root, tmp_path), root) == [(".github/workflows/ci.yml", 7)]
