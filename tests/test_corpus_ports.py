"""port-collision's static half stays below warning on every real project of the corpus.

Two routes to the model: compose's own `config --format json` (independent of doctor's loader,
so a loader bug cannot hide a false positive here), and doctor's loader when it is present.
laradock is the reason this file exists: ~120 alternative services sharing 80, 3306, 5432...
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from doctor.checks.port_collision import PortCollision
from doctor.checks.port_collision.static import find_clashes, static_findings

from doctor.model import Severity
from doctor.project.types import PortMapping, Service

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DOCTOR_SHARED", REPO.parent / "shared"))
VARIANTS_FILE = SHARED / "corpus" / "variants.json"
VARIANTS = json.loads(VARIANTS_FILE.read_text()) if VARIANTS_FILE.is_file() else []
IDS = [f"{v['slug']}/{v['dir']}/{v['variant']}" for v in VARIANTS]
# without ../shared, one placeholder each: its shared_dir fixture skips it with the one line that says why
NO_SHARED = [pytest.param(None, id="no-shared")]
CONFIG_OK = [pytest.param(v, id=i) for v, i in zip(VARIANTS, IDS, strict=True) if v["config_ok"]] or NO_SHARED
ALL = [pytest.param(v, id=i) for v, i in zip(VARIANTS, IDS, strict=True)] or NO_SHARED

# Real faults upstream, each verified: laradock's `haproxy` links `proxy` and `proxy2`, which both
# publish "${VARNISH_PORT}:${VARNISH_PORT}" (6081), so `docker compose up haproxy` fails on the
# second bind. In a catalogue project that is a warning (it breaks only users who start haproxy).
KNOWN_REAL = {
    "laradock__laradock": ["0.0.0.0:6081/tcp is published by 'proxy' and 'proxy2', all started by "
                           "'docker compose up haproxy'"],
}


def loud_messages(slug: str, services: dict[str, Service]) -> list[str]:
    """Warnings and errors of the static half, minus the known real faults of this project."""
    loud = [f.message for f in static_findings(PortCollision(), services) if f.severity >= Severity.WARNING]
    return [m for m in loud if m not in KNOWN_REAL.get(slug, [])]


def services_from_config(config: dict[str, Any]) -> dict[str, Service]:
    """The parts of `docker compose config --format json` the static half reads, as doctor's types."""
    services = {}
    for name, raw in (config.get("services") or {}).items():
        ports = tuple(
            PortMapping(int(p["target"]), p.get("published"), p.get("host_ip", ""), p.get("protocol", "tcp"),
                        p.get("mode", "ingress"))
            for p in raw.get("ports") or []
        )
        services[name] = Service(
            name, None, ports=ports, depends_on=tuple(raw.get("depends_on") or {}),
            links=tuple(raw.get("links") or ()), network_mode=raw.get("network_mode"),
            profiles=tuple(raw.get("profiles") or ()),
        )
    return services


def compose_config(compose_bin: str, variant: dict[str, Any]) -> dict[str, Any]:
    project_dir = SHARED / "corpus" / variant["slug"] / variant["dir"]
    files = [arg for f in variant["files"] for arg in ("-f", f)] if variant["explicit_files"] else []
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(project_dir), **variant["env"]}
    done = subprocess.run([compose_bin, *files, "config", "--format", "json"], cwd=project_dir, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    parsed: dict[str, Any] = json.loads(done.stdout)
    return parsed


@pytest.mark.compose
@pytest.mark.parametrize("variant", CONFIG_OK)
def test_static_half_is_quiet_on_compose_config(variant: dict[str, Any], compose_bin: str,
                                                shared_dir: Path) -> None:
    services = services_from_config(compose_config(compose_bin, variant))
    assert set(services) == set(variant["services"])
    assert loud_messages(variant["slug"], services) == []


def test_laradock_clashes_are_found_and_called_alternatives(compose_bin: str, shared_dir: Path) -> None:
    """Quiet must not mean blind: laradock's shared ports are seen, at info level."""
    variant = next(v for v in VARIANTS if v["slug"] == "laradock__laradock")
    services = services_from_config(compose_config(compose_bin, variant))
    clashes = {c.port: set(c.services) for c in find_clashes(services)}
    assert clashes[3306] == {"mariadb", "mysql", "percona"}
    assert clashes[80] == {"apache2", "caddy", "nginx", "openresty", "traefik"}
    assert len(clashes) == 21  # INDEX.md lists 21 shared host ports
    by_severity = {f.message: f.severity for f in static_findings(PortCollision(), services)}
    assert by_severity.pop(KNOWN_REAL["laradock__laradock"][0]) is Severity.WARNING
    assert len(by_severity) == 20 and set(by_severity.values()) == {Severity.INFO}


@pytest.mark.parametrize("variant", ALL)
def test_static_half_is_quiet_through_doctors_loader(variant: dict[str, Any], shared_dir: Path) -> None:
    pytest.importorskip("doctor.project.compose", reason="the compose loader is not in this checkout yet")
    from doctor.project import Project, ProjectOptions

    project_dir = shared_dir / "corpus" / variant["slug"] / variant["dir"]
    files = tuple(project_dir / f for f in variant["files"]) if variant["explicit_files"] else ()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project_dir), **variant["env"]}
    project = Project(ProjectOptions(path=project_dir, files=files, env=env))
    assert loud_messages(variant["slug"], dict(project.compose.services)) == []
