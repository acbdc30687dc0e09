"""root-owned-files before the first pull: mattermost/docker's guide, step by step (tests/replay/mattermost-docker).

Its guide has `cp env.example .env`, `mkdir -p ./volumes/app/mattermost/{config,...}` and `sudo chown -R 2000:2000
./volumes/app/mattermost` (the image's `USER mattermost`) done before the first `up`. With the image not on the
engine yet, preflight warned `8 paths in 'volumes' owned by uid 2000, not uid 0` and offered `chown -hR 0:0
volumes/app/mattermost`, undoing the guide's step: doctor reads the image's USER only from an image on the engine.
An image with no build that is not on the engine ran no container here: folders alone (nothing written in them) of
one non-root owner in its bind mounts were given to it by hand, a note, as for an image whose USER is that owner.
A file among them (a container of a pruned image wrote it) keeps the warning.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from doctor.checks.root_owned_files import RootOwnedFiles

from doctor.host import Host
from doctor.model import Safety, Severity
from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "mattermost-docker"
USER = 1000
FOLDERS = ("config", "data", "logs", "plugins", "client/plugins", "bleve-indexes")

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chowning to 2000 as the guide does needs root")


def _guide_followed(tmp_path: Path, owner: int) -> Path:
    """The replay copied, its guide's steps done, the image's tag one no engine has (never pulled here)."""
    root = tmp_path / "docker"
    shutil.copytree(REPLAY, root)
    env = (root / "env.example").read_text(encoding="utf-8")
    tag = f"doctor-test-absent-{uuid.uuid4().hex[:8]}"
    assert "MATTERMOST_IMAGE_TAG=10.5.2\n" in env
    (root / ".env").write_text(env.replace("MATTERMOST_IMAGE_TAG=10.5.2\n", f"MATTERMOST_IMAGE_TAG={tag}\n"))
    for name in FOLDERS:
        (root / "volumes" / "app" / "mattermost" / name).mkdir(parents=True)
    for top, dirs, files in os.walk(tmp_path):
        for name in [top, *(os.path.join(top, n) for n in dirs + files)]:
            os.lchown(name, USER, USER)
    for top, dirs, files in os.walk(root / "volumes" / "app" / "mattermost"):
        for name in [top, *(os.path.join(top, n) for n in dirs + files)]:
            os.lchown(name, owner, owner)
    return root


def _findings(root: Path) -> dict[str, object]:
    env = {"PATH": os.environ["PATH"], "DOCTOR_NO_CACHE": "1"}
    options = ProjectOptions(path=root, env=env, files=(root / "docker-compose.yml",
                                                       root / "docker-compose.without-nginx.yml"))
    return {f.subject: f for f in RootOwnedFiles().run(Project(options), Host(env=env))}


@needs_root
def test_the_guides_chown_before_the_first_pull_is_a_note(tmp_path: Path, docker_engine: str) -> None:
    findings = _findings(_guide_followed(tmp_path, 2000))
    assert list(findings) == ["owner:volumes"], findings
    finding = findings["owner:volumes"]
    assert finding.severity is Severity.INFO, finding.message  # type: ignore[attr-defined]
    assert finding.message.startswith("8 paths in 'volumes' owned by uid 2000, not uid 1000: ")  # type: ignore[attr-defined]
    assert finding.message.endswith(  # type: ignore[attr-defined]
        "is not on the engine, so no container of it made them: folders alone, given to uid 2000 by hand, likely "
        "the user it runs as")
    assert finding.fix is not None and finding.fix.safety is Safety.ADVICE and not finding.fix.command  # type: ignore[attr-defined]


@needs_root
def test_root_owned_files_there_are_still_strays(tmp_path: Path, docker_engine: str) -> None:
    """The same folders owned by root (a `sudo mkdir` without the chown): a container never wrote them either, but
    root is no user an image runs as by design: still the warning and its chown."""
    findings = _findings(_guide_followed(tmp_path, 0))
    finding = findings["owner:volumes"]
    assert finding.severity is Severity.WARNING, finding.message  # type: ignore[attr-defined]
    assert finding.fix is not None and finding.fix.command[:3] == ("chown", "-hR", f"{USER}:{USER}")  # type: ignore[attr-defined]


@needs_root
def test_a_file_among_them_is_still_a_stray(tmp_path: Path, docker_engine: str) -> None:
    """A file of uid 2000 in the mount: a container wrote it (its image since removed, `down --rmi all`): the warning
    and its chown, as before."""
    root = _guide_followed(tmp_path, 2000)
    written = root / "volumes" / "app" / "mattermost" / "config" / "config.json"
    written.write_text("{}\n")
    os.lchown(written, 2000, 2000)
    finding = _findings(root)["owner:volumes"]
    assert finding.severity is Severity.WARNING, finding.message  # type: ignore[attr-defined]
    assert finding.fix is not None and finding.fix.command[:3] == ("chown", "-hR", f"{USER}:{USER}")  # type: ignore[attr-defined]
