"""host-gateway on the engines of a desktop VM that answer host.docker.internal themselves.

The /info of Rancher Desktop's engine on macOS is tests/platforms/macos-rancher-desktop/docker-info.json
(its source: tests/platforms/SOURCES.md), served by a fake engine on a real unix socket.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

INFO = json.loads((Path(__file__).parent / "platforms" / "macos-rancher-desktop" / "docker-info.json").read_text())


def _findings(short_dir: Path, socket: str, info: dict[str, str]) -> list[str]:
    project = short_dir / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  api:\n    image: nginx\n    environment:\n"
                                          "      OLLAMA_BASE_URL: http://host.docker.internal:11434\n")
    path = short_dir / socket
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = FakeEngine(path, {"/info": info})
    try:
        env = {"DOCKER_HOST": engine.url, "PATH": "/usr/bin:/bin", "HOME": str(short_dir), "DOCTOR_NO_CACHE": "1"}
        options = ProjectOptions(path=project, env=env)
        report = preflight(RunOptions(project=options, select=("host-gateway",), env=env), load_registry()).report
    finally:
        engine.close()
    return [finding.message for finding in report.findings]


@pytest.mark.parametrize("socket", [".rd/docker.sock", "plain/docker.sock"])
def test_rancher_desktop_on_macos_answers_host_docker_internal_itself(socket: str, short_dir: Path) -> None:
    """Rancher Desktop's Lima VM resolves host.docker.internal to the Mac (rancher-desktop#1625; #3163:
    "not seeing this on macOS"), while `extra_hosts: host-gateway` points at the VM's bridge, where the
    Mac's service is refused (rancher-desktop#5095, #7611): the finding's fix would break what works.
    Its /info names Alpine, not Rancher Desktop: its socket (~/.rd/) or its VM's name says it."""
    assert _findings(short_dir, socket, INFO) == []


def test_a_plain_linux_engine_on_alpine_still_needs_the_entry(short_dir: Path) -> None:
    """The same /info with another machine's name is a plain Linux engine: the finding stays."""
    found = _findings(short_dir, "plain/docker.sock", {**INFO, "Name": "buildbox"})
    assert len(found) == 1 and "this Linux engine does not resolve it" in found[0]
