"""runtime-drift: a CI job that checks out another repository pins that repository's runtime.

internetarchive/openlibrary's docs_gh_pages.yml checks out `internetarchive/openlibrary.wiki`
(`actions/checkout` with `repository:`) and runs `npm ci` on node 22 there; doctor warned that
node 22 disagrees with the app's package.json engines (^24). A job that checks out this
repository as well (no `repository:`, or `${{ github.repository }}`) still pins this one's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_runtime_drift_real import _findings, _write

PACKAGE = '{"name": "app", "engines": {"node": "^24.0.0"}}\n'


def _job(*checkouts: str) -> str:
    steps = "".join(f"      - uses: actions/checkout@v4\n{c}" for c in checkouts)
    return ("on: push\njobs:\n  docs:\n    runs-on: ubuntu-latest\n    steps:\n" + steps
            + "      - uses: actions/setup-node@v4\n        with:\n          node-version: 22\n      - run: npm ci\n")


@pytest.mark.parametrize(("checkouts", "warned"), [
    (("        with:\n          repository: internetarchive/openlibrary.wiki\n",), False),
    (("        with:\n          repository: internetarchive/openlibrary.wiki\n          path: wiki\n", ""), True),
    (("        with:\n          repository: ${{ github.repository }}\n",), True),
    (("",), True),
], ids=["wiki-only", "wiki-and-own", "own-by-expression", "own"])
def test_a_job_on_another_repository_is_no_voice(tmp_path: Path, checkouts: tuple[str, ...], warned: bool) -> None:
    workflow = _job(*checkouts)
    root = _write(tmp_path / "app", {"compose.yaml": "services:\n  web:\n    image: node:24\n",
                                      "package.json": PACKAGE, ".github/workflows/docs.yml": workflow})
    found = [f.message for f in _findings(root, tmp_path)]
    line = workflow.splitlines().index("          node-version: 22") + 1
    pinned = f"engines.node ^24.0.0 excludes node 22 pinned at .github/workflows/docs.yml:{line}"
    assert found == ([pinned] if warned else [])
