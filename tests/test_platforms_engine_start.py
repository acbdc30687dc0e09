"""What doctor tells a developer whose engine is not running, on the platform and product they use.

The recorded context of a second Colima profile is tests/platforms/macos-colima-profile/ (its
source: tests/platforms/SOURCES.md). The links are real symlinks to sockets that are gone, as
a stopped Colima or Docker Desktop leaves them. A WSL2 distro is the recorded tests/platforms/wsl2/.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_platforms import docker_config

from doctor.host import endpoint as endpoint_module
from doctor.host.engine import find_engine
from doctor.host.platform import Kind, Platform

FIXTURES = Path(__file__).parent / "platforms"


def current_context(home: Path, case: str) -> str:
    """Store the recorded `docker context inspect` as the CLI does, make it current; its socket path."""
    docker_config(home, case)
    inspected = json.loads((FIXTURES / case / "docker-context-inspect.json").read_text())[0]
    return str(inspected["Endpoints"]["docker"]["Host"]).removeprefix("unix://")


def test_a_stopped_colima_profile_is_started_by_its_profile(tmp_path: Path) -> None:
    """Context `colima-work` (`colima start --profile work`): a bare `colima start` starts the
    `default` VM, and the project's engine stays down."""
    socket = current_context(tmp_path, "macos-colima-profile")
    found = find_engine({"HOME": str(tmp_path)})
    assert found.endpoint is not None and found.endpoint.product == "Colima"
    assert found.not_running
    assert found.reason == f"no socket at {socket} (is the docker engine running? colima start --profile work)"


def test_the_default_colima_profile_keeps_the_bare_command(tmp_path: Path) -> None:
    socket = current_context(tmp_path, "macos-colima")
    found = find_engine({"HOME": str(tmp_path)})
    assert found.reason == f"no socket at {socket} (is the docker engine running? colima start)"


@pytest.mark.parametrize(("target", "hint"), [
    (".colima/default/docker.sock", "colima start"),
    (".colima/work/docker.sock", "colima start --profile work"),
    (".docker/run/docker.sock", "start Docker Desktop"),
])
def test_a_default_socket_linked_to_a_stopped_engine_names_it(tmp_path: Path, target: str, hint: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """/var/run/docker.sock as Docker Desktop's "Allow the default Docker socket" setting or Colima's
    FAQ (`sudo ln -sf $HOME/.colima/default/docker.sock /var/run/docker.sock`) make it, with the
    default context: the engine stopped, its socket is gone and the link left dangling. The CLI
    dials the link; doctor named no engine and no way to start it."""
    default = tmp_path / "var-run" / "docker.sock"
    default.parent.mkdir()
    real = tmp_path / target
    default.symlink_to(real)
    monkeypatch.setattr(endpoint_module, "DEFAULT_SOCKET", str(default))
    found = find_engine({"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert found.endpoint is not None and found.endpoint.socket_path == str(default)
    assert found.not_running
    assert found.reason == f"no socket at {default} (a link to {real}; is the docker engine running? {hint})"


def test_an_absent_default_socket_still_falls_back_to_a_products_socket(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a link stands for the default socket: with none, a running product's socket is found."""
    monkeypatch.setattr(endpoint_module, "DEFAULT_SOCKET", str(tmp_path / "absent.sock"))
    monkeypatch.setattr(endpoint_module, "WSL_DESKTOP_SOCKET", str(tmp_path / "absent-wsl.sock"))
    (tmp_path / ".orbstack" / "run").mkdir(parents=True)
    (tmp_path / ".orbstack" / "run" / "docker.sock").touch()
    found = endpoint_module.discover_endpoint({"HOME": str(tmp_path)})
    assert found is not None and found.product == "OrbStack"


def _no_socket_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(endpoint_module, "DEFAULT_SOCKET", str(tmp_path / "absent.sock"))
    monkeypatch.setattr(endpoint_module, "WSL_DESKTOP_SOCKET", str(tmp_path / "absent-wsl.sock"))
    if os.path.exists("/run/podman/podman.sock"):
        pytest.skip("this machine runs a rootful podman socket")


def test_wsl2_without_an_engine_says_where_docker_desktop_reaches_the_distro(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A WSL2 distro (the recorded /proc/version) where Docker Desktop's integration is off for it:
    no socket of any engine, and 'is the docker engine running?' alone sends the user to start a
    dockerd the distro does not have, while WSL itself says to "activate the WSL integration in
    Docker Desktop settings" (microsoft/WSL#9949, docker/for-win#7039)."""
    _no_socket_anywhere(tmp_path, monkeypatch)
    found = find_engine({"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}, root=FIXTURES / "wsl2")
    assert found.not_running
    assert found.reason == (f"no socket at {tmp_path}/absent.sock (is the docker engine running? on WSL2: start "
                            "Docker Desktop with WSL integration on for this distro (Settings > Resources > WSL "
                            "Integration), or this distro's own dockerd)")


def test_wsl2_names_the_windows_docker_exe_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows' PATH is appended in WSL2 (appendWindowsPath): Docker Desktop's resources/bin puts a
    docker.exe there, which talks to Windows' engine (docker/for-win#7311: `which docker` led there)."""
    _no_socket_anywhere(tmp_path, monkeypatch)
    bin_dir = tmp_path / "Docker" / "resources" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "docker.exe").write_bytes(b"MZ")
    (bin_dir / "docker.exe").chmod(0o755)
    found = find_engine({"HOME": str(tmp_path), "PATH": f"/usr/bin:/bin:{bin_dir}"}, root=FIXTURES / "wsl2")
    assert found.reason.endswith(f"or this distro's own dockerd; {bin_dir}/docker.exe is Windows' CLI, not this "
                                 "distro's)")


def test_plain_linux_without_an_engine_keeps_the_short_question(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _no_socket_anywhere(tmp_path, monkeypatch)
    found = find_engine({"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}, root=FIXTURES / "linux-rootless")
    assert found.reason == f"no socket at {tmp_path}/absent.sock (is the docker engine running?)"


def test_macos_without_an_engine_names_the_apps_that_start_one() -> None:
    """macOS has no engine of its own: each is an app or a VM (Docker Desktop, OrbStack, Colima)."""
    advice = Platform(Kind.MACOS).no_engine_advice()
    assert advice == "on macOS: start Docker Desktop or OrbStack, or `colima start`"
