"""image-availability on a `platform:` the local image is not for (review of the less-travelled checks).

Before: `c: {image: doctor-test/bb:1, platform: linux/arm64}` with the image present as linux/amd64 (and the reverse)
was silent: platforms were compared only for a service with no `platform:`. compose's `up -d c` then tries to pull
the arm64 image (`Get "https://registry-1.docker.io/v2/": ... no such host`; with `--pull never`: `image with
reference ... was found but does not match the specified platform`), and an image made on this machine (no registry
digest) can never be pulled. Now a warning where the pull fails (made here, or `pull_policy: never`), a note where a
registry may have it (the image was pulled: it has a digest).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions


def _findings(project: Path, env: dict[str, str] | None = None) -> list[tuple[str, str, str | None]]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(project), "DOCTOR_NO_CACHE": "1",
           **(env or {})}
    options = RunOptions(project=ProjectOptions(path=project, env=env), select=("image-availability",), env=env)
    report = preflight(options, load_registry()).report
    return [(f.severity.name.lower(), f.message, f.fix.title if f.fix else None) for f in report.findings]


def _arm64_archive(path: Path, tag: str) -> None:
    """A `docker save` archive of a one-layer linux/arm64 image (docker import ignores --platform on this engine)."""
    layer_buffer = io.BytesIO()
    with tarfile.open(fileobj=layer_buffer, mode="w") as layer_tar:
        info = tarfile.TarInfo("marker")
        layer_tar.addfile(info, io.BytesIO(b""))
    layer = layer_buffer.getvalue()
    config = json.dumps({"architecture": "arm64", "os": "linux", "config": {"Cmd": ["sh"]},
                         "rootfs": {"type": "layers", "diff_ids": [f"sha256:{hashlib.sha256(layer).hexdigest()}"]}})
    config_name = f"{hashlib.sha256(config.encode()).hexdigest()}.json"
    manifest = json.dumps([{"Config": config_name, "RepoTags": [tag], "Layers": ["layer.tar"]}])
    with tarfile.open(path, "w") as archive:
        for name, data in ((config_name, config.encode()), ("layer.tar", layer), ("manifest.json", manifest.encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


@pytest.fixture
def arm64_image(tmp_path: Path, docker_engine: str) -> Iterator[str]:
    tag = f"doctor-test/fixc-arm64-{uuid.uuid4().hex[:8]}:1"
    _arm64_archive(tmp_path / "arm64.tar", tag)
    subprocess.run([docker_engine, "load", "-i", str(tmp_path / "arm64.tar")], check=True, capture_output=True,
                   timeout=120)
    yield tag
    subprocess.run([docker_engine, "rmi", "-f", tag], capture_output=True, timeout=60)


@pytest.mark.docker
def test_a_platform_line_the_local_image_is_not_for(tmp_path: Path, docker_engine: str, busybox_image: str,
                                                    arm64_image: str) -> None:
    engine = subprocess.run([docker_engine, "info", "--format", "{{.OSType}}/{{.Architecture}}"], capture_output=True,
                            text=True, check=True, timeout=30).stdout.strip()
    if engine not in ("linux/x86_64", "linux/amd64"):
        pytest.skip(f"the stand-in images are amd64 and arm64; this engine is {engine}")
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text(
        f"services:\n  c:\n    image: {busybox_image}\n    platform: linux/arm64\n"
        f"  d:\n    image: {arm64_image}\n    platform: linux/amd64\n"
        f"  f:\n    image: {busybox_image}\n    platform: linux/amd64\n")
    name = f"doctor-h-fixc-{uuid.uuid4().hex[:8]}"
    try:  # the fault is compose's: it will not use the local image for that platform
        up = subprocess.run([docker_engine, "compose", "-p", name, "create", "--pull", "never", "c"], cwd=project,
                            capture_output=True, text=True, timeout=120)
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-t", "0"], cwd=project, capture_output=True,
                       timeout=120)
    assert up.returncode != 0 and "does not match the specified platform" in up.stderr, up
    assert _findings(project) == [
        ("warning", f"'c' wants '{busybox_image}' for linux/arm64, the engine has it for linux/amd64 only (made here, "
                    "no registry digest): up's pull fails",
         f"set platform: linux/amd64 (the image's and the engine's), or build or load '{busybox_image}' for "
         "linux/arm64"),
        ("warning", f"'d' wants '{arm64_image}' for linux/amd64, the engine has it for linux/arm64 only (made here, "
                    "no registry digest): up's pull fails", f"build or load '{arm64_image}' for linux/amd64"),
    ]


def test_a_pulled_image_of_another_platform_is_a_note_and_never_a_pull_warning(tmp_path: Path) -> None:
    """A registry's image (it has a digest) is pulled for the asked platform: needs the registry, a note; under
    `pull_policy: never` up fails."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  c:\n    image: redis:7\n    platform: linux/arm64\n"
        "  n:\n    image: redis:7\n    platform: linux/arm64\n    pull_policy: never\n")
    image = {"Id": "sha256:1", "Os": "linux", "Architecture": "amd64", "Created": "2025-06-20T09:00:00Z",
             "RepoTags": ["redis:7"], "RepoDigests": ["redis@sha256:" + "a" * 64]}
    engine = FakeEngine(tmp_path / "e.sock", {"/info": {"OSType": "linux", "Architecture": "x86_64"},
                                              "/images/json": [{"Id": "sha256:1", "RepoTags": ["redis:7"]}],
                                              "/images/redis:7/json": image})
    try:
        found = _findings(tmp_path, {"DOCKER_HOST": engine.url})
    finally:
        engine.close()
    assert found == [
        ("info", "'c' wants 'redis:7' for linux/arm64, the engine has it for linux/amd64 only: compose pulls it for "
                 "linux/arm64 on up (needs the registry)", None),
        ("warning", "'n' wants 'redis:7' for linux/arm64, the engine has it for linux/amd64 only and pull_policy is "
                    "never: up fails",
         "set platform: linux/amd64 (the image's and the engine's), or build or load 'redis:7' for linux/arm64"),
    ]


ALIASES = {"busybox": ("linux/x86_64", "x86_64", "amd64", "linux/x86-64", "Linux/AMD64"),
           "arm64": ("linux/aarch64", "arm64", "linux/arm64/v8", "aarch64")}


@pytest.mark.docker
def test_another_spelling_of_the_image_s_platform_is_no_mismatch(tmp_path: Path, docker_engine: str,
                                                                  busybox_image: str, arm64_image: str) -> None:
    """Before: `platform: linux/x86_64` (or `amd64`) on an amd64 image gave "'b0' wants ... for linux/x86_64, the
    engine has it for linux/amd64 only (made here, no registry digest): up's pull fails", while compose creates
    the container from the local image (docker normalises the platform as containerd's platforms.Normalize)."""
    engine = subprocess.run([docker_engine, "info", "--format", "{{.OSType}}/{{.Architecture}}"], capture_output=True,
                            text=True, check=True, timeout=30).stdout.strip()
    if engine not in ("linux/x86_64", "linux/amd64"):
        pytest.skip(f"the stand-in images are amd64 and arm64; this engine is {engine}")
    project = tmp_path / "proj"
    project.mkdir()
    images = {"busybox": busybox_image, "arm64": arm64_image}
    services = {f"{kind[0]}{n}": (images[kind], platform) for kind, platforms in ALIASES.items()
                for n, platform in enumerate(platforms)}
    (project / "compose.yaml").write_text("services:\n" + "".join(
        f"  {name}:\n    image: {image}\n    platform: {platform}\n    command: [sh]\n"
        for name, (image, platform) in services.items()))
    name = f"doctor-h-fixm1-{uuid.uuid4().hex[:8]}"
    try:  # compose uses each local image for each spelling: nothing to pull
        up = subprocess.run([docker_engine, "compose", "-p", name, "create", "--pull", "never"], cwd=project,
                            capture_output=True, text=True, timeout=120)
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-t", "0"], cwd=project, capture_output=True,
                       timeout=120)
    assert up.returncode == 0, up
    assert _findings(project) == []
