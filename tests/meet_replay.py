"""Test helper: a suitenumerique replay (lasuite-meet, lasuite-people) set up as its contributors' docs say."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPLAYS = Path(__file__).parent / "replay"


def set_up(tmp_path: Path, replay: str = "lasuite-meet", name: str = "meet") -> Path:
    """A copy of the replay as `make create-env-files data/media data/static` leaves it (a git checkout of its own,
    `tmp_path/name`: the env files copied from their `.dist` templates, the data folders made)."""
    root = tmp_path / name
    shutil.copytree(REPLAYS / replay, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for dist in (root / "env.d" / "development").glob("*.dist"):
        shutil.copyfile(dist, dist.with_suffix(""))
    for folder in ("data/media", "data/static"):
        (root / folder).mkdir(parents=True)
    return root
