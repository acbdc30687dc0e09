"""Test helper: tests/replay/lasuite-meet (suitenumerique/meet) set up as its contributors' docs say."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPLAY = Path(__file__).parent / "replay" / "lasuite-meet"


def set_up(tmp_path: Path) -> Path:
    """A copy of the replay as `make create-env-files data/media data/static` leaves it (a git checkout of its own:
    the env files copied from their `.dist` templates, the data folders made)."""
    root = tmp_path / "meet"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for dist in (root / "env.d" / "development").glob("*.dist"):
        shutil.copyfile(dist, dist.with_suffix(""))
    for folder in ("data/media", "data/static"):
        (root / folder).mkdir(parents=True)
    return root
