"""A restart policy `docker compose config` accepts and the engine refuses: compose-config says so.

`restart: sometimes` (or `Always`, `always:3`, a swarm file's `deploy.restart_policy` with
`condition: any` and `max_attempts: 3`) passes `docker compose config -q`; `up` then stops at
create with the engine's "invalid restart policy" or "maximum retry count cannot be used with
restart policy". The live test asks the real engine about every value the unit tests judge.
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

# (the service's restart lines, doctor's message tail or None, its fix or None)
CASES = [
    ('restart: "sometimes"', "restart 'sometimes', which compose accepts and the engine refuses: up fails "
     "(no restart policy is named 'sometimes')", "use one of no, always, unless-stopped or on-failure[:N]"),
    ('restart: "Always"', "restart 'Always', which compose accepts and the engine refuses: up fails "
     "(no restart policy is named 'Always')",
     "use 'always' (the engine takes no, always, unless-stopped or on-failure[:N])"),
    ('restart: "always:3"', "restart 'always:3', which compose accepts and the engine refuses: up fails "
     "(a retry count goes only with on-failure, not with 'always')", "drop ':3', or use on-failure:3"),
    ('restart: "unless-stopped:2"', "restart 'unless-stopped:2', which compose accepts and the engine refuses: "
     "up fails (a retry count goes only with on-failure, not with 'unless-stopped')",
     "drop ':2', or use on-failure:2"),
    ('restart: "on-failure:-1"', "restart 'on-failure:-1', which compose accepts and the engine refuses: "
     "up fails (a retry count cannot be negative)", "give on-failure a retry count of 0 or more"),
    ("deploy:\n      restart_policy:\n        condition: any\n        max_attempts: 3",
     "deploy.restart_policy 'condition: any, max_attempts: 3', which compose accepts and the engine refuses: "
     "up fails (a retry count goes only with on-failure, not with 'always')",
     "drop max_attempts, or use condition: on-failure"),
    ("deploy:\n      restart_policy:\n        condition: Any",
     "deploy.restart_policy 'condition: Any', which compose accepts and the engine refuses: up fails "
     "(no restart policy is named 'Any')", "use 'any' (condition takes none, on-failure or any)"),
    # what compose maps or the engine takes: no finding
    ("restart: no", None, None),
    ('restart: "none"', None, None),
    ('restart: "any"', None, None),
    ('restart: "on-failure:3"', None, None),
    ('restart: "on-failure:x"', None, None),  # Go's Atoi error is ignored: a count of 0
    ('restart: "${RESTART_POLICY:-unless-stopped}"', None, None),
    ("deploy:\n      restart_policy:\n        max_attempts: 3", None, None),  # no condition: no policy
    # deploy.restart_policy wins: the `restart:` beside it never reaches the engine
    ('restart: "sometimes"\n    deploy:\n      restart_policy:\n        condition: on-failure', None, None),
]


def _compose(lines: str, image: str = "busybox") -> str:
    return f"services:\n  app:\n    image: {image}\n    pull_policy: never\n    command: sleep 600\n    {lines}\n"


def _findings(root: Path) -> list[tuple[str, str | None, int | None]]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1"}
    options = ProjectOptions(path=root, env=env)
    report = preflight(RunOptions(project=options, select=("compose-config",), env=env), load_registry()).report
    return [(f.message, f.fix.title if f.fix else None, f.location.line if f.location else None)
            for f in report.findings]


@pytest.mark.parametrize(("lines", "message", "fix"), CASES, ids=[c[0].split("\n")[-1].strip() for c in CASES])
def test_a_restart_policy_the_engine_refuses_is_found_at_its_line(tmp_path: Path, lines: str, message: str | None,
                                                                   fix: str | None) -> None:
    (tmp_path / "compose.yaml").write_text(_compose(lines))
    found = _findings(tmp_path)
    if message is None:
        assert found == []
        return
    [(text, advice, line)] = found
    assert (text, advice) == (f"'app' has {message}", fix)
    written = "condition" if "condition" in lines else "max_attempts" if "deploy" in lines else "restart"
    assert (tmp_path / "compose.yaml").read_text().splitlines()[line - 1].strip().startswith(written)


@pytest.mark.docker
def test_the_engine_refuses_exactly_what_doctor_reports(tmp_path: Path, docker_engine: str, compose_bin: str,
                                                        busybox_image: str) -> None:
    """Each case through `docker compose create` on the real engine: it fails where doctor reports,
    on the restart policy (the engine's wording differs between versions: "invalid restart
    policy", "maximum retry count"), and succeeds where doctor says nothing."""
    assert compose_bin
    for index, (lines, message, _) in enumerate(CASES):
        root = tmp_path / f"case{index}"
        root.mkdir()
        (root / "compose.yaml").write_text(_compose(lines, busybox_image))
        name = f"doctor-test-restart-{uuid.uuid4().hex[:8]}"
        try:
            done = subprocess.run([docker_engine, "compose", "-p", name, "create"], cwd=root, capture_output=True,
                                  text=True, timeout=60)
        finally:
            subprocess.run([docker_engine, "compose", "-p", name, "down", "-t", "0"], cwd=root, capture_output=True,
                           timeout=60)
        if message is None:
            assert done.returncode == 0, (lines, done.stderr)
        else:
            said = done.stderr.lower()
            assert done.returncode != 0 and ("restart policy" in said or "retry count" in said), (lines, done.stderr)
