"""`doctor fix` in CI asks nothing, also where the job runs on a terminal.

Buildkite runs each command in a pseudo-terminal by default, and so do CI scripts wrapped in
`script`: stdin and stdout are a TTY, but no one is there to answer. The question for an unsafe
fix waited there until the job's timeout; in CI it is skipped, saying `--yes` applies it.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from terminal import Terminal

from doctor import fix_round

REPLAY = Path(__file__).resolve().parent / "replay"


def _django_example_with_drift(tmp_path: Path) -> Path:
    """nickjj/docker-django-example as its README sets it up (`cp .env.example .env`), with the
    developer's POSTGRES_HOST line uncommented and mistyped: service-name-drift's unsafe fix."""
    root = tmp_path / "docker-django-example"
    shutil.copytree(REPLAY / "docker-django-example", root, ignore=shutil.ignore_patterns("SOURCE.md"))
    text = (root / ".env.example").read_text()
    assert text.count("#export POSTGRES_HOST=postgres\n") == 1
    (root / ".env").write_text(text.replace("#export POSTGRES_HOST=postgres\n", "export POSTGRES_HOST=postgresql\n"))
    return root


def test_fix_on_a_ci_terminal_asks_nothing_and_says_how_to_apply(tmp_path: Path) -> None:
    root = _django_example_with_drift(tmp_path)
    before = (root / ".env").read_text()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path / "home"), "TERM": "xterm",
           "NO_COLOR": "1", "DOCTOR_NO_CACHE": "1", "XDG_STATE_HOME": str(tmp_path / "state"),
           "CI": "true", "BUILDKITE": "true", "COMPOSE_PROJECT_NAME": "doctor-test-fix-ci"}
    terminal = Terminal(160)
    try:
        # before the change this waited on "replace 'postgresql' by 'postgres' in POSTGRES_HOST? [y/N]"
        screen, status = terminal.run([sys.executable, "-m", "doctor", "fix", "--env", "."], root, env, timeout=60)
    finally:
        terminal.close()
    assert "[y/N]" not in screen, screen
    assert status == 1, screen
    assert "POSTGRES_HOST=postgresql names no service" in screen, screen
    assert "unsafe fix: rerun with --yes (in CI doctor asks nothing)" in screen, screen
    assert (root / ".env").read_text() == before


@pytest.mark.parametrize(("env", "expected"), [
    ({}, fix_round.UNSAFE_HINT),
    ({"CI": "true"}, "unsafe fix: rerun with --yes (in CI doctor asks nothing)"),
    ({"GITLAB_CI": "true"}, "unsafe fix: rerun with --yes (in CI doctor asks nothing)"),
    ({"CI": "false"}, fix_round.UNSAFE_HINT),
])
def test_the_unsafe_hint_names_the_terminal_only_outside_ci(env: dict[str, str], expected: str) -> None:
    assert fix_round.unsafe_hint(env) == expected
