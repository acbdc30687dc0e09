"""service-name-drift, new-user trial D4 (internetarchive/openlibrary).

`OL_URL=http://ol-web:8080/` beside `web`, the one service listening on 8080, was a note listing every
service: difflib finds `ol-web` too unlike `web`. A host holding a peer's name as a dash/underscore
part (`ol-web`, `openlibrary-web`, `web-server`), or starting or ending like the one peer listening on
its port (`webserver`), names that peer: an error, with the rewrite.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Finding, Safety, Severity
from doctor.project import Project, ProjectOptions

COMPOSE = """services:
  web:
    image: busybox
    ports: ["8080:8080"]
  updater:
    image: busybox
    environment: ["{key}={value}"]
"""


def run(root: Path, compose: str) -> list[Finding]:
    (root / "compose.yaml").write_text(compose)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(ServiceNameDrift().run(project, Host(env={})))


@pytest.mark.parametrize(("key", "value", "why"), [
    ("OL_URL", "http://ol-web:8080/", " it listens on 8080"),
    ("OL_URL", "http://openlibrary-web:8080/", " it listens on 8080"),
    ("OL_URL", "http://web-server:8080/", " it listens on 8080"),
    ("OL_URL", "http://ol_web:8080/", " it listens on 8080"),
    ("OL_URL", "http://webserver:8080/", " it listens on 8080"),
    ("OL_HOST", "ol-web", ""),  # no port: the name part alone
], ids=["prefix", "long-prefix", "suffix", "underscore", "glued-with-port", "no-port"])
def test_a_host_naming_a_peer_with_an_affix_is_drift_with_the_rewrite(tmp_path: Path, key: str, value: str,
                                                                      why: str) -> None:
    found = run(tmp_path, COMPOSE.format(key=key, value=value))
    host = value.split("://")[-1].split(":")[0].rstrip("/")
    shown = f"{key} host '{host}'" if "://" in value else f"{key}={host}"
    assert [(f.severity, f.message) for f in found] == [
        (Severity.ERROR, f"{shown} names no service on the network (did you mean 'web'?{why})")]
    fix = found[0].fix
    assert fix is not None and fix.safety is Safety.UNSAFE and len(fix.edits) == 1
    assert fix.edits[0].new == str(fix.edits[0].old).replace(host, "web")
    assert fix.title == f"replace '{host}' by 'web' in {key}"


@pytest.mark.parametrize("value", [
    "http://foo:8080/",  # nothing resembles
    "http://ol-web:9000/",  # 'api', not 'web', listens on 9000
    "http://webserver:8081/",  # no listener on 8081 says 'web' was meant; `webserver` is no part of it
], ids=["unlike", "port-of-another", "glued-without-port"])
def test_nothing_resembling_stays_a_note(tmp_path: Path, value: str) -> None:
    compose = COMPOSE.format(key="OL_URL", value=value).replace(
        "  updater:", '  api:\n    image: busybox\n    expose: ["9000"]\n  updater:')
    found = run(tmp_path, compose)
    assert [f.severity for f in found] == [Severity.INFO], [f.message for f in found]
    assert "did you mean" not in found[0].message


def test_two_peers_listening_on_the_port_name_none(tmp_path: Path) -> None:
    compose = COMPOSE.format(key="OL_URL", value="http://webserver:8080/").replace(
        "  updater:", '  api:\n    image: busybox\n    expose: ["8080"]\n  updater:')
    found = run(tmp_path, compose)
    assert [f.severity for f in found] == [Severity.INFO]


def test_the_part_heard_on_the_port_wins_over_another_part(tmp_path: Path) -> None:
    """`web-api:9000`: both `web` and `api` are services; only `api` listens on 9000."""
    compose = COMPOSE.format(key="BACKEND_URL", value="http://web-api:9000/").replace(
        "  updater:", '  api:\n    image: busybox\n    expose: ["9000"]\n  updater:')
    found = run(tmp_path, compose)
    assert [f.message for f in found] == [
        "BACKEND_URL host 'web-api' names no service on the network (did you mean 'api'? it listens on 9000)"]
