"""Piped `doctor why` on compose's `network NAME was found but has incorrect label com.docker.compose.network ...`.

compose v2.40.3 stops `up` before creating anything when the engine has a network of the name it gives one of the
project's that is labelled for another network key: temporalio/docker-compose (tests/replay/temporal-docker-compose,
`networks: temporal-network: {name: temporal-network}`) after another project declaring `temporal: {name:
temporal-network}` had made it; healthchecks (tests/replay/healthchecks-3d018c0) after a `docker network create
PROJECT_default`. `doctor why` said "the 3 line(s) piped in show no failure doctor reads" and exited 2; it now reads
the refusal and names the network, the label, the declaration's file:line and the ways out.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from why_run import run_why

REPLAY = Path(__file__).resolve().parent / "replay"

# `docker compose -p doctor-audit-why3-t5 up -d 2>&1` (compose v2.40.3, Debian docker.io engine)
TEMPORAL_UP = """\
time="2026-12-06T00:45:24Z" level=warning msg="/tmp/audit-why3/temporal/docker-compose.yml: the attribute `version` \
is obsolete, it will be ignored, please remove it to avoid potential confusion"
time="2026-12-06T00:45:24Z" level=warning msg="a network with name temporal-network exists but was not created for \
project \\"doctor-audit-why3-t5\\".\\nSet `external: true` to use an existing network"
network temporal-network was found but has incorrect label com.docker.compose.network set to "temporal" (expected: \
"temporal-network")
"""
# `docker compose -p doctor-audit-why3-h1 up -d 2>&1` after `docker network create doctor-audit-why3-h1_default`
HEALTHCHECKS_UP = """\
time="2026-12-06T00:42:20Z" level=warning msg="a network with name doctor-audit-why3-h1_default exists but was not \
created by compose.\\nSet `external: true` to use an existing network"
network doctor-audit-why3-h1_default was found but has incorrect label com.docker.compose.network set to "" \
(expected: "default")
"""


def test_a_named_network_of_another_project(tmp_path: Path) -> None:
    root = tmp_path / "temporal"
    shutil.copytree(REPLAY / "temporal-docker-compose", root)
    done = run_why(root, TEMPORAL_UP)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "cause    docker-compose.yml:81\n" in done.stdout, done.stdout
    # the line says the label alone, not who set it: another project's, an older key of this one, or by hand
    assert ("a network named 'temporal-network' is on the engine already, labelled as the network 'temporal' "
            "(com.docker.compose.network: another project's, an older key of this one, or set by hand)"
            ) in done.stdout, done.stdout
    assert "mark it `external: true` under `networks: temporal-network:`" in done.stdout, done.stdout
    assert done.stdout.count("    cause ") == 1 and "5 services not started" in done.stdout, done.stdout
    report = json.loads(run_why(root, TEMPORAL_UP, "--format", "json").stdout)
    [finding] = report["findings"]
    assert (finding["file"], finding["line"], finding["subject"]) == (
        "docker-compose.yml", 81, "network-clash:temporal-network"), finding


def test_the_default_network_made_by_hand(tmp_path: Path) -> None:
    root = tmp_path / "hc"
    shutil.copytree(REPLAY / "healthchecks-3d018c0", root)
    done = run_why(root / "docker", HEALTHCHECKS_UP)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert ("a network named 'doctor-audit-why3-h1_default' is on the engine already, with no network label of "
            "compose's" in done.stdout), done.stdout
    assert "`docker network rm doctor-audit-why3-h1_default` if that one is yours" in done.stdout, done.stdout
