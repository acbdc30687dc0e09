"""compose-config on a service sharing the namespace of, or linking to, a service whose profile is off.

Before: `app` with `network_mode: service:vpn`, `vpn` under `profiles: [vpn]` and no profile on: `docker compose
config -q` exits 1 (`service "app" depends on undefined service "vpn": invalid compose project`) and so does `up`,
while `doctor preflight --select compose-config` printed ✓: vpn is defined, so the reference was taken as good.
compose drops the services of a profile that is off before it checks references; so for `ipc:`/`pid:` of
`service:vpn`, `links:` and `volumes_from:` (a `depends_on` with `required: false` may name one). doctor now
reports it as compose does, at app's line, with the profile to turn on. Each case is put to the compose binary.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

COMPOSE = ("services:\n  web:\n    image: busybox\n  vpn:\n    image: busybox\n    profiles: [vpn]\n"
           "  app:\n    image: busybox\n{app}    {line}\n")
OFF = " ('vpn' is in profile 'vpn', which is off)"

# (app's line, app's own profiles line, COMPOSE_PROFILES, doctor's findings)
CASES = [
    ("network_mode: service:vpn", "", "", [(9, "service 'app' depends on undefined service 'vpn'" + OFF)]),
    ("ipc: service:vpn", "", "", [(9, "service 'app' depends on undefined service 'vpn'" + OFF)]),
    ('pid: "service:vpn"', "", "", [(9, "service 'app' depends on undefined service 'vpn'" + OFF)]),
    ("links: [vpn]", "", "", [(9, "service 'app' depends on undefined service 'vpn'" + OFF)]),
    ('volumes_from: ["vpn:ro"]', "", "", [(9, "service 'app' depends on undefined service 'vpn'" + OFF)]),
    ("ipc: service:vpnx", "", "", [(9, "service 'app' depends on undefined service 'vpnx'")]),
    # what compose accepts
    ("network_mode: service:vpn", "", "vpn", []),
    ("network_mode: service:vpn", "    profiles: [debug]\n", "", []),
    ("depends_on: {vpn: {condition: service_started, required: false}}", "", "", []),
    ("network_mode: host", "", "", []),
]
IDS = ["network_mode", "ipc", "pid", "links", "volumes_from", "ipc-undefined", "profile-on", "app-off-too",
       "depends-not-required", "host"]


def _env(root: Path, profiles: str) -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1"}
    if profiles:
        env["COMPOSE_PROFILES"] = profiles
    return env


def _findings(root: Path, profiles: str) -> list[tuple[int | None, str, str]]:
    env = _env(root, profiles)
    project = ProjectOptions(path=root, env=env)
    report = preflight(RunOptions(project=project, select=("compose-config",), env=env), load_registry()).report
    return [(f.location.line if f.location else None, f.message, f.fix.title if f.fix else "")
            for f in report.findings]


@pytest.mark.parametrize(("line", "app", "profiles", "expected"), CASES, ids=IDS)
def test_a_reference_to_a_service_whose_profile_is_off(tmp_path: Path, line: str, app: str, profiles: str,
                                                       expected: list[tuple[int, str]]) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(app=app, line=line))
    assert [(at, message) for at, message, _ in _findings(tmp_path, profiles)] == expected


def test_the_advice_names_the_profile(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(app="", line="network_mode: service:vpn"))
    [(_, _, title)] = _findings(tmp_path, "")
    assert title == ("turn its profile on: docker compose --profile vpn up (or COMPOSE_PROFILES=vpn), "
                     "or drop the reference from 'app'")


@pytest.mark.compose
def test_compose_refuses_exactly_those_cases(tmp_path: Path, compose_bin: str) -> None:
    for (line, app, profiles, expected), case in zip(CASES, IDS, strict=True):
        (tmp_path / "compose.yaml").write_text(COMPOSE.format(app=app, line=line))
        done = subprocess.run([compose_bin, "config", "-q"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=60, env=_env(tmp_path, profiles))
        assert (done.returncode != 0) == bool(expected), (case, done.stderr)
        if expected:
            assert "depends on undefined service" in done.stderr, (case, done.stderr)
