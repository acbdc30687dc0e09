"""Fuzz of the compose and `.env` loaders through the in-process app: no crash, no check error, no hang.

Hypothesis draws seeds for tests/loader_mutations.py (derandomized, so CI is reproducible)
plus special files (a FIFO `.env`, an env_file that is /dev/zero, deep nesting, huge port
ranges). Each project runs `doctor preflight --format json` with the static checks: it must
exit 0 or 1, print one JSON report, and no check may end in `error`, within 60 s.
DOCTOR_FUZZ_EXAMPLES (default 200) sets the number of drawn projects (2,000 nightly).
"""

from __future__ import annotations

import io
import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loader_mutations import base, mutate

from doctor import app

EXAMPLES = int(os.environ.get("DOCTOR_FUZZ_EXAMPLES", "200"))
CHECKS = ("compose-config", "env-drift", "service-name-drift", "leaked-host-port", "missing-mount",
          "port-collision")
TIMEOUT = 60  # generous: CI machines are shared; a real hang never ends


class Hang(Exception):
    pass


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    def expired(_signum: int, _frame: object) -> None:
        raise Hang(f"no report after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_doctor(project: Path) -> dict[str, object]:
    """One in-process preflight; fails the test on an internal error, a hang or a check error."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project.parent), "DOCKER_HOST": "unix:///nonexistent.sock",
           "XDG_STATE_HOME": str(project.parent / "state")}
    out = io.StringIO()
    with deadline(TIMEOUT):
        code = app.preflight(app.PreflightOptions(path=project, select=CHECKS, format="json", env=env), out)
    assert code in (0, 1), out.getvalue()[-2000:]
    report = json.loads(out.getvalue())
    errors = [c for c in report["checks"] if c["status"] == "error"]
    assert not errors, errors
    return report


_counter = iter(range(10**9))


def _fresh(tmp_path: Path) -> Path:
    return tmp_path / f"case{next(_counter)}" / "project"


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_mutated_projects_never_crash(tmp_path: Path, seed: int) -> None:
    project = mutate(seed)
    directory = project.write(_fresh(tmp_path))
    try:
        run_doctor(directory)
    except (AssertionError, Hang) as exc:
        raise AssertionError(f"seed {seed}, mutations {project.mutations}: {exc}") from None


def _fifo_env(p: Path) -> None:
    (p / ".env").unlink()
    os.mkfifo(p / ".env")


def _dev_zero_env_file(p: Path) -> None:
    (p / "web.env").unlink()
    (p / "web.env").symlink_to("/dev/zero")


def _deep_flow(p: Path) -> None:
    text = (p / "compose.yaml").read_text()
    (p / "compose.yaml").write_text(text + "x-deep: " + "[" * 2000 + "]" * 2000 + "\n")


def _nested_defaults(p: Path) -> None:
    text = (p / "compose.yaml").read_text()
    (p / "compose.yaml").write_text(text.replace("image: redis:7", 'image: "' + "${A:-" * 400 + "r" + "}" * 400 + '"'))


def _huge_range(p: Path) -> None:
    text = (p / "compose.yaml").read_text()
    (p / "compose.yaml").write_text(text.replace('ports: ["5432"]', 'ports: ["20000-29999"]'))


def _garbage_published(p: Path) -> None:
    text = (p / "compose.yaml").read_text()
    (p / "compose.yaml").write_text(text.replace('ports: ["5432"]', 'ports: [{target: 5432, published: "-"}, '
                                                 '{target: 5433, published: -1}, {target: 1, published: abc}]'))


def _extends_chain(p: Path) -> None:
    services = "".join(f"  s{i}:\n    extends: s{i - 1}\n" for i in range(1, 1000))
    (p / "compose.yaml").write_text("services:\n  s0:\n    image: busybox\n" + services)


SPECIAL: dict[str, Callable[[Path], None]] = {
    "fifo-dotenv": _fifo_env,
    "env-file-dev-zero": _dev_zero_env_file,
    "flow-sequence-2000-deep": _deep_flow,
    "defaults-400-deep": _nested_defaults,
    "range-20000-29999": _huge_range,
    "published-garbage": _garbage_published,
    "extends-chain-1000": _extends_chain,
}


@pytest.mark.parametrize("name", SPECIAL)
def test_special_files_give_a_report(tmp_path: Path, name: str) -> None:
    directory = base().write(tmp_path / "project")
    SPECIAL[name](directory)
    started = time.monotonic()
    report = run_doctor(directory)
    assert time.monotonic() - started < TIMEOUT
    if name in ("fifo-dotenv", "env-file-dev-zero"):
        messages = [f["message"] for f in report["findings"]]  # type: ignore[index]
        assert any("not a regular file" in m for m in messages), messages
