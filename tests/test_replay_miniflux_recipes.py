"""host-vs-container on miniflux/v2's devcontainer stack (tests/replay/miniflux-devcontainer, Apache-2.0).

Its Makefile runs on 'app' (`mcr.microsoft.com/devcontainers/go`, the checkout at /workspace) when the host has
no Go. The advice dropped each recipe's assignments (`@ GOOS=darwin GOARCH=arm64 go build ...`: a linux binary
under a darwin name; `make run`'s `LOG_LEVEL=debug RUN_MIGRATIONS=1 CREATE_ADMIN=1 ...`), passed
`$(shell git describe ...)` on as a literal argument, and turned `go run main.go >/tmp/miniflux.log 2>&1 &
echo "$$!" > ...` into arguments of `go`. The fix carries the assignments as `-e NAME=value`, and runs a line
a shell must read as `sh -c` with the line's own quotes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_hvc_make_variables import findings

REPLAY = Path(__file__).parent / "replay" / "miniflux-devcontainer"
VERSION = "$(git describe --tags --exact-match 2>/dev/null)"


def test_miniflux_recipes_run_in_app_as_the_makefile_means(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("go"):
        pytest.skip("this machine has go: the recipes run here")
    root = tmp_path / "miniflux"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    advised: dict[int, list[str]] = {}
    for finding in findings(root / ".devcontainer", monkeypatch):
        assert finding.location is not None and finding.fix is not None
        argv = list(finding.fix.command)
        advised[finding.location.line or 0] = argv[argv.index("run"):]
    assert advised[74][-4:] == ["app", "sh", "-c", "GOOS=darwin GOARCH=arm64 go build -ldflags=\"-s -w -X "
                                f"'miniflux.app/v2/internal/version.Version={VERSION}'\" -o miniflux-darwin-arm64"]
    run = advised[88]
    assert run[run.index("app") - 12:] == [
        "-e", "LOG_DATE_TIME=1", "-e", "LOG_LEVEL=debug", "-e", "RUN_MIGRATIONS=1", "-e", "CREATE_ADMIN=1",
        "-e", "ADMIN_USERNAME=admin", "-e", "ADMIN_PASSWORD=test123", "app", "go", "run", "main.go"]
    integration = advised[113]
    assert integration[-4:-1] == ["app", "sh", "-c"] and integration[-1].endswith(
        'go run main.go >/tmp/miniflux.log 2>&1 & echo "$!" > "/tmp/miniflux.pid"')
    assert advised[102][advised[102].index("app"):] == ["app", "go", "test", "-cover", "-race", "-count=1", "./..."]
