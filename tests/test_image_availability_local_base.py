"""image-availability for a build FROM a local base image: pitstop (tests/replay/pitstop).

EdwinVW/pitstop's nine .NET services build `FROM pitstop-dotnet-sdk-base:1.0` and run `FROM
pitstop-dotnet-runtime-base:1.0` or `pitstop-dotnet-aspnet-base:1.0`: images no registry has, which
`scripts/RebuildAllDockerImages.sh` builds before its `docker compose build`. A new user's `docker compose up`
on a fresh engine fails on their pull ("pull access denied for pitstop-dotnet-sdk-base"), and doctor preflight
said nothing of it. Now each such base image the engine lacks is a warning at the FROM line, naming the
services that build on it and the script line that builds it, whose command the advice gives. A bare name with
no script of the project building it (it may be an image doctor does not know to be published) stays quiet.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions
from doctor.project.base_images import base_images

REPLAY = Path(__file__).parent / "replay" / "pitstop"
SCRIPT = "scripts/RebuildAllDockerImages.sh"
BASES = ("pitstop-dotnet-sdk-base:1.0", "pitstop-dotnet-runtime-base:1.0", "pitstop-dotnet-aspnet-base:1.0")


def _pitstop(tmp_path: Path) -> Path:
    root = tmp_path / "pitstop"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root / "src"


def _found(folder: Path) -> list[tuple[str, str, int | None, str | None]]:
    options = ProjectOptions(path=folder, env={"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "HOME": str(folder)})
    report = preflight(RunOptions(project=options, select=("image-availability",), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.location.path.relative_to(folder).as_posix() if f.location else "",
             f.location.line if f.location else None, f.fix.title if f.fix else None)
            for f in report.findings if f.severity.name != "INFO"]


def test_the_stages_a_build_uses_name_its_base_images() -> None:
    web = REPLAY / "src" / "WebApp" / "Dockerfile"
    assert base_images(web) == (("pitstop-dotnet-aspnet-base:1.0", 25), ("pitstop-dotnet-sdk-base:1.0", 1))
    # a target stage alone: its FROM chain, not the stage after it
    assert base_images(web, "build-env") == (("pitstop-dotnet-sdk-base:1.0", 1),)


@pytest.mark.docker
def test_as_cloned_on_an_engine_without_them_each_local_base_is_a_warning(tmp_path: Path, docker_engine: str) -> None:
    inspect = [docker_engine, "image", "inspect"]
    have = [b for b in BASES if subprocess.run([*inspect, b], capture_output=True).returncode == 0]
    if have:
        pytest.skip(f"this engine has {have}")
    folder = _pitstop(tmp_path)
    line = {b: n for n, text in enumerate((folder / SCRIPT).read_text().splitlines(), 1) for b in BASES
            if f"docker build -t {b} " in text}
    assert _found(folder) == [
        ("'auditlogservice', 'invoiceservice', 'notificationservice' and 2 more services build FROM "
         "'pitstop-dotnet-runtime-base:1.0', which the engine lacks and no registry has: the build fails on its "
         f"pull ({SCRIPT}:{line[BASES[1]]} builds it)", "AuditlogService/Dockerfile", 13,
         f"build 'pitstop-dotnet-runtime-base:1.0' first, as {SCRIPT}:23 does: docker build -t "
         "pitstop-dotnet-runtime-base:1.0 . -f dotnet-runtime-base-dockerfile"),
        ("'auditlogservice', 'customermanagementapi', 'invoiceservice' and 6 more services build FROM "
         "'pitstop-dotnet-sdk-base:1.0', which the engine lacks and no registry has: the build fails on its "
         f"pull ({SCRIPT}:{line[BASES[0]]} builds it)", "AuditlogService/Dockerfile", 1,
         f"build 'pitstop-dotnet-sdk-base:1.0' first, as {SCRIPT}:20 does: docker build -t "
         "pitstop-dotnet-sdk-base:1.0 . -f dotnet-sdk-base-dockerfile"),
        ("'customermanagementapi', 'vehiclemanagementapi', 'webapp', 'workshopmanagementapi' build FROM "
         "'pitstop-dotnet-aspnet-base:1.0', which the engine lacks and no registry has: the build fails on its "
         f"pull ({SCRIPT}:{line[BASES[2]]} builds it)", "CustomerManagementAPI/Dockerfile", 13,
         f"build 'pitstop-dotnet-aspnet-base:1.0' first, as {SCRIPT}:26 does: docker build -t "
         "pitstop-dotnet-aspnet-base:1.0 . -f dotnet-aspnet-base-dockerfile")]


@pytest.mark.docker
def test_no_script_building_the_base_leaves_it_unjudged(tmp_path: Path, docker_engine: str) -> None:
    folder = _pitstop(tmp_path)
    (folder / SCRIPT).unlink()
    assert _found(folder) == []
