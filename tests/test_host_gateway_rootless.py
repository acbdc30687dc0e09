"""host-gateway's advice for a rootless engine follows the dockerd-rootless.sh its release ships.

Before: on tests/replay/n8n-ai-starter-kit (its README's `OLLAMA_HOST=host.docker.internal:11434` uncommented in
.env) under a real rootless dockerd 20.10.24 (Debian's), the fix said `also set this rootless engine's
host-gateway-ip (doctor explain host-gateway)`, and `explain` said `DOCKERD_ROOTLESS_ROOTLESSKIT_DISABLE_HOST_LOOPBACK
=false`, which that script ignores (it passes `--disable-host-loopback` itself: the container still could not reach
the host). `DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS=--disable-host-loopback=false` with `"host-gateway-ip": "10.0.2.2"` in
~/.config/docker/daemon.json reached a host service on 127.0.0.1 there; the variable exists from Docker 26.0
(moby/moby#47352).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "n8n-ai-starter-kit"


def _fixes(tmp_path: Path, version: str) -> list[str]:
    project = tmp_path / "n8n"
    shutil.copytree(REPLAY, project)
    example = (project / ".env.example").read_text()
    (project / ".env").write_text(example.replace("# OLLAMA_HOST=host.docker.internal", "OLLAMA_HOST=host.docker."
                                                                                        "internal"))
    info = {"OperatingSystem": "Debian GNU/Linux 12 (bookworm)", "OSType": "linux", "ServerVersion": version,
            "SecurityOptions": ["name=seccomp,profile=default", "name=rootless"]}
    engine = FakeEngine(tmp_path / "e.sock", {"/info": info})
    try:
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": engine.url}
        options = ProjectOptions(path=project, env=env)
        report = preflight(RunOptions(project=options, select=("host-gateway",), env=env), load_registry()).report
    finally:
        engine.close()
    assert sorted(f.subject for f in report.findings) == ["n8n-import:host.docker.internal", "n8n:host.docker.internal"]
    return [f.fix.title if f.fix else "" for f in report.findings]


@pytest.mark.parametrize(("version", "setting"), [
    ("20.10.24+dfsg1", "DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS=--disable-host-loopback=false"),
    ("25.0.5", "DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS=--disable-host-loopback=false"),
    ("dev", "DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS=--disable-host-loopback=false"),  # unknown: works on every release
    ("26.0.0", "DOCKERD_ROOTLESS_ROOTLESSKIT_DISABLE_HOST_LOOPBACK=false"),
    ("28.3.2", "DOCKERD_ROOTLESS_ROOTLESSKIT_DISABLE_HOST_LOOPBACK=false"),
])
def test_the_rootless_advice_is_the_one_its_script_reads(tmp_path: Path, version: str, setting: str) -> None:
    for title in _fixes(tmp_path, version):
        assert title.endswith(f"; also let this rootless engine reach the host: {setting} in its environment and "
                              '"host-gateway-ip": "10.0.2.2" in ~/.config/docker/daemon.json (doctor explain '
                              "host-gateway)"), title


def test_explain_says_which_release_reads_which_setting() -> None:
    from doctor.checks.host_gateway import HostGateway

    doc = " ".join((HostGateway.__doc__ or "").split())
    assert "from Docker 26.0 (moby/moby#47352) `DOCKERD_ROOTLESS_ROOTLESSKIT_DISABLE_HOST_LOOPBACK=false`" in doc
    assert "`DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS=--disable-host-loopback=false`" in doc
