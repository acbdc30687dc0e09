"""host-vs-container: a recipe line's assignments, redirections and `&` reach the advised command.

miniflux/v2's `.devcontainer` stack runs its Makefile in 'app' (golang). `@ GOOS=darwin GOARCH=arm64 go build
-ldflags=$(LD_FLAGS) -o $(APP)-$@` was advised as `docker compose run ... app go build ...`, a linux/amd64
binary under a darwin name (the assignments dropped with the words before the tool), `$(shell git describe ...)`
was passed as a literal argument, and `go run main.go >/tmp/miniflux.log 2>&1 & echo "$$!" > ...` became
`go run main.go '>/tmp/miniflux.log' '2>&1' '&' echo ...`. Plain assignments are now `-e NAME=value`, and a
line a shell must read runs as `sh -c` with its own quotes; so does a Python recipe's `PYTHONPATH=src pytest`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_hvc_make_variables import findings

MAKEFILE = """\
VERSION := $(shell git describe --tags 2>/dev/null)

darwin-arm64:
\t@ GOOS=darwin GOARCH=arm64 go build -ldflags="-X main.V=$(VERSION)" -o app-$@

run:
\tLOG_LEVEL=debug RUN_MIGRATIONS=1 go run main.go

integration:
\tgo run main.go >/tmp/app.log 2>&1 & echo "$$!" > /tmp/app.pid

test:
\tgo test -race ./...
"""


def _miniflux(tmp_path: Path) -> Path:
    project = tmp_path / "miniflux"
    project.mkdir()
    (project / "Makefile").write_text(MAKEFILE)
    (project / "go.mod").write_text("module miniflux.app/v2\n\ngo 1.23\n")
    (project / "compose.yaml").write_text(
        "services:\n  web:\n    image: golang:1.23\n    working_dir: /workspace\n    volumes:\n      - .:/workspace\n")
    return project


def _advised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for finding in findings(_miniflux(tmp_path), monkeypatch):
        assert finding.location is not None and finding.fix is not None
        argv = list(finding.fix.command)
        found[finding.location.line or 0] = argv[argv.index("run" if "run" in argv else "exec"):]
    return found


def test_assignments_and_shell_lines_reach_the_container(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    if shutil.which("go"):
        pytest.skip("this machine has go: the recipes run here")
    found = _advised(tmp_path, monkeypatch)
    tail = {line: argv[argv.index("web"):] for line, argv in found.items()}
    assert tail[4] == ["web", "sh", "-c", 'GOOS=darwin GOARCH=arm64 go build -ldflags="-X main.V=$(git describe '
                                          '--tags 2>/dev/null)" -o app-darwin-arm64']
    assert found[7][found[7].index("web") - 4:found[7].index("web")] == ["-e", "LOG_LEVEL=debug",
                                                                          "-e", "RUN_MIGRATIONS=1"]
    assert tail[7] == ["web", "go", "run", "main.go"]
    assert tail[10] == ["web", "sh", "-c", 'go run main.go >/tmp/app.log 2>&1 & echo "$!" > /tmp/app.pid']
    assert tail[13] == ["web", "go", "test", "-race", "./..."] and "-e" not in found[13]


def test_a_python_recipes_assignments_are_env_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`PYTHONPATH=src DJANGO_SETTINGS_MODULE="app.settings test" python -m manage test`: run without them, the
    tests in the container fail to import (ModuleNotFoundError), the very fault the advice is there to fix."""
    from test_hvc_make_variables import djangoproject

    project = djangoproject(tmp_path)
    (project / "Makefile").write_text(
        'test:\n\tPYTHONPATH=src DJANGO_SETTINGS_MODULE="app.settings test" python -m manage test\n')
    [finding] = findings(project, monkeypatch)
    assert finding.fix is not None
    argv = list(finding.fix.command)
    at = argv.index("web")
    assert argv[at - 4:] == ["-e", "PYTHONPATH=src", "-e", "DJANGO_SETTINGS_MODULE=app.settings test",
                             "web", "python", "-m", "manage", "test"]


def test_a_make_function_doctor_cannot_evaluate_stays_as_written(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """City-of-Helsinki/tilavarauspalvelu's `dbshell -- -c "DROP SCHEMA $(call args, 'public') ..."`: no shell reads
    `$(call ...)` as make does, so `sh -c` would run a command `call`; the words stay as they were. A shell's own
    `$$(git rev-parse HEAD)` (make's `$(git rev-parse HEAD)`) is a command substitution for `sh -c`."""
    from test_hvc_make_variables import djangoproject

    project = djangoproject(tmp_path)
    (project / "Makefile").write_text(
        "reset:\n\tpython -m manage dbshell -- -c \"DROP SCHEMA $(call args, 'public') CASCADE;\"\n"
        "stamp:\n\tpython -m manage stamp $$(git rev-parse HEAD)\n")
    found = {f.location.line: list(f.fix.command) for f in findings(project, monkeypatch)
             if f.location is not None and f.fix is not None}
    assert found[2][found[2].index("web") + 1:] == ["python", "-m", "manage", "dbshell", "--", "-c",
                                                    "DROP SCHEMA $(call args, 'public') CASCADE;"]
    assert found[4][found[4].index("web") + 1:] == ["sh", "-c", "python -m manage stamp $(git rev-parse HEAD)"]


def test_the_same_words_with_other_assignments_are_other_commands(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """`GOARCH=amd64 go build -o app` and `GOARCH=arm64 go build -o app` were one finding, the second dropped as
    "the same command again": each builds another binary."""
    import shutil

    if shutil.which("go"):
        pytest.skip("this machine has go: the recipes run here")
    project = _miniflux(tmp_path)
    (project / "Makefile").write_text("amd64:\n\tGOARCH=amd64 go build -o app\n"
                                      "arm64:\n\tGOARCH=arm64 go build -o app\n")
    found = {f.location.line: list(f.fix.command) for f in findings(project, monkeypatch)
             if f.location is not None and f.fix is not None}
    assert sorted(found) == [2, 4]
    assert "GOARCH=amd64" in found[2] and "GOARCH=arm64" in found[4]
