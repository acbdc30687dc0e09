"""Execution-context detection: fake filesystem roots per runtime, and a real docker container."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from doctor.host.context import ContextFiles, Runtime, classify, detect_context

DOCKER_ID = "dd7347845f1e4b2a2f1f6cd095d8457d68253af04e7ab0823a31fa02d49f6a58"
HOST_MOUNTINFO = (
    "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
    "27 1 254:0 / / rw,relatime - ext4 /dev/sda1 rw\n"
    # a host running docker lists its containers' overlays, at their own mount points
    f"90 27 0:50 / /var/lib/docker/overlay2/{DOCKER_ID}/merged rw - overlay overlay rw,lowerdir=/x\n"
)
DOCKER_MOUNTINFO = (
    "72 48 0:39 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/JP57:/var/lib/"
    "docker/overlay2/l/SESY,upperdir=/var/lib/docker/overlay2/934f/diff,workdir=/var/lib/docker/overlay2/934f/work\n"
    "73 72 0:42 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
    f"90 72 254:0 /var/lib/docker/containers/{DOCKER_ID}/hostname /etc/hostname rw,relatime - ext4 /dev/vda rw\n"
)


def fake_root(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "root"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    root.mkdir(exist_ok=True)
    return root


def test_plain_host_has_no_container_signal(tmp_path: Path) -> None:
    root = fake_root(tmp_path, {"proc/self/mountinfo": HOST_MOUNTINFO, "proc/1/cgroup": "0::/init.scope\n",
                                "proc/version": "Linux version 6.8.0-45-generic (buildd@lcy02)"})
    context = detect_context({"PATH": "/usr/bin"}, root=root)
    assert context.runtime is Runtime.HOST
    assert not context.in_container and context.ci is None and not context.wsl
    assert context.signals == ()


def test_docker_on_cgroup_v2_is_told_by_mountinfo(tmp_path: Path) -> None:
    # cgroup v2 with a private cgroup namespace: /proc/1/cgroup says nothing; no /.dockerenv either
    root = fake_root(tmp_path, {"proc/self/mountinfo": DOCKER_MOUNTINFO, "proc/1/cgroup": "0::/\n",
                                "etc/hostname": "dd7347845f1e\n"})
    context = detect_context({}, root=root)
    assert context.runtime is Runtime.DOCKER
    assert context.container_id == DOCKER_ID
    assert context.hostname == "dd7347845f1e"
    assert {s.name for s in context.signals} == {"overlay-root", "mount:docker"}


def test_dockerenv_and_cgroup_v1(tmp_path: Path) -> None:
    root = fake_root(tmp_path, {".dockerenv": "", "proc/1/cgroup": f"12:memory:/docker/{DOCKER_ID}\n0::/\n"})
    context = detect_context({}, root=root)
    assert context.runtime is Runtime.DOCKER
    assert context.container_id == DOCKER_ID
    assert [s.source for s in context.signals] == ["/.dockerenv", "/proc/1/cgroup"]


def test_podman_containerenv(tmp_path: Path) -> None:
    root = fake_root(tmp_path, {"run/.containerenv": f'engine="podman-4.9.3"\nname="web"\nid="{DOCKER_ID}"\n'})
    context = detect_context({"container": "podman"}, root=root)
    assert context.runtime is Runtime.PODMAN
    assert context.container_id == DOCKER_ID
    assert context.signals[0].detail == "podman-4.9.3"


def test_kubernetes_beats_the_container_runtime_below_it(tmp_path: Path) -> None:
    root = fake_root(tmp_path, {"proc/1/cgroup": "0::/kubepods/burstable/pod1234/abcd\n", ".dockerenv": ""})
    context = detect_context({"KUBERNETES_SERVICE_HOST": "10.0.0.1"}, root=root)
    assert context.runtime is Runtime.KUBERNETES
    assert context.describe() == "kubernetes pod"


def test_devcontainer_wsl_and_ci(tmp_path: Path) -> None:
    root = fake_root(tmp_path, {".dockerenv": "",
                                "proc/version": "Linux version 5.15.153.1-microsoft-standard-WSL2"})
    env = {"REMOTE_CONTAINERS": "true", "GITHUB_ACTIONS": "true", "CI": "true"}
    context = detect_context(env, root=root)
    assert context.devcontainer and context.wsl
    assert context.ci == "GitHub Actions"
    assert context.describe() == "docker container (devcontainer) on WSL in GitHub Actions"


@pytest.mark.parametrize(("env", "expected"), [
    ({"GITLAB_CI": "true"}, "GitLab CI"),
    ({"CIRCLECI": "true"}, "CircleCI"),
    ({"BUILDKITE": "true"}, "Buildkite"),
    ({"JENKINS_URL": "https://ci.example.com/"}, "Jenkins"),
    ({"CI": "1"}, "CI"),
    ({"CI": "false"}, None),
    ({"GITHUB_ACTIONS": "false"}, None),
    ({}, None),
])
def test_ci_providers(env: dict[str, str], expected: str | None) -> None:
    assert classify(env, ContextFiles()).ci == expected


def test_wsl_from_environment_alone() -> None:
    context = classify({"WSL_DISTRO_NAME": "Ubuntu"}, ContextFiles())
    assert context.wsl and context.runtime is Runtime.HOST


def test_overlay_root_alone_is_not_a_container() -> None:
    # a live-USB host has an overlay root too: without a runtime's path it proves nothing
    mountinfo = "1 0 0:30 / / rw - overlay overlay rw,lowerdir=/run/live/rootfs,upperdir=/run/live/cow\n"
    context = classify({}, ContextFiles(mountinfo=mountinfo))
    assert context.runtime is Runtime.HOST
    assert [s.name for s in context.signals] == ["overlay-root"]


def test_override_wins_and_is_recorded() -> None:
    context = classify({"DOCTOR_CONTEXT": "host"}, ContextFiles(dockerenv=True))
    assert context.runtime is Runtime.HOST
    assert context.signals[-1].source == "DOCTOR_CONTEXT"


def test_as_dict_is_json_facts() -> None:
    context = classify({"GITHUB_ACTIONS": "true"}, ContextFiles(dockerenv=True, hostname="abc"))
    facts = json.loads(json.dumps(context.as_dict()))
    assert facts["runtime"] == "docker container"
    assert facts["in_container"] is True
    assert facts["ci"] == "GitHub Actions"
    assert {"name": "dockerenv", "source": "/.dockerenv", "detail": ""} in facts["signals"]


@pytest.mark.docker
def test_detection_on_what_a_real_container_shows(docker_engine: str, busybox_image: str) -> None:
    script = "cat /proc/self/mountinfo; echo @@; cat /proc/1/cgroup; echo @@; ls -a /; echo @@; hostname"
    done = subprocess.run([docker_engine, "run", "-d", busybox_image, "sh", "-c", f"{script}; sleep 30"],
                          capture_output=True, text=True, check=True)
    container_id = done.stdout.strip()
    try:
        logs = ""
        for _ in range(50):
            logs = subprocess.run([docker_engine, "logs", container_id], capture_output=True, text=True).stdout
            if logs.count("@@") == 3 and logs.rstrip().split("@@")[-1].strip():
                break
        mountinfo, cgroup, listing, hostname = logs.split("@@")
    finally:
        subprocess.run([docker_engine, "rm", "-f", "-v", container_id], capture_output=True)
    files = ContextFiles(dockerenv=".dockerenv" in listing.split(), mountinfo=mountinfo, cgroup=cgroup,
                         hostname=hostname.strip())
    context = classify({}, files)
    assert context.runtime is Runtime.DOCKER
    assert context.container_id == container_id
    assert container_id.startswith(context.hostname or "?")
    # and from the mountinfo alone (no /.dockerenv, cgroup v2 namespace): still docker, same id
    alone = classify({}, ContextFiles(mountinfo=mountinfo, cgroup="0::/\n"))
    assert (alone.runtime, alone.container_id) == (Runtime.DOCKER, container_id)
