"""A missing env file the Makefile writes: env-drift copies the template only where the recipe is a
plain copy, and `doctor fix` counts compose-config's advice settled once the copy exists.

mozilla/pontoon's `make server-env` writes docker/config/server.env with `sed -e
"s/#SITE_URL#/.../" server.env.template > server.env`. `doctor fix --yes` applied env-drift's raw
copy (the container got SITE_URL=#SITE_URL#), then said "exit 1: 1 error(s) left ... env file
not found" for compose-config's advice, although the file was there (trial I2 D4).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMPOSE = "services:\n  web:\n    image: busybox\n    env_file: [cfg/app.env]\n"
TEMPLATE = "A=1\nSITE_URL=#SITE_URL#\n"


def _project(tmp_path: Path, recipe: str) -> Path:
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "app.env.template").write_text(TEMPLATE)
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / "Makefile").write_text(f"server-env:\n\t{recipe}\n")
    return tmp_path


def _fix(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "DOCTOR_NO_CACHE": "1", "XDG_STATE_HOME": str(root / ".state")}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "doctor", "fix", "--yes"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_a_sed_of_the_template_is_left_to_make(tmp_path: Path) -> None:
    root = _project(tmp_path, 'sed -e "s/#SITE_URL#/http:\\/\\/localhost:8000/" cfg/app.env.template > cfg/app.env')
    done = _fix(root)
    assert not (root / "cfg" / "app.env").exists(), done.stdout
    assert done.returncode == 1
    skipped = [line for line in done.stdout.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 2 and all("make server-env" not in s and "Makefile's target server-env" in s
                                     for s in skipped), done.stdout


@pytest.mark.parametrize("recipe", ["cp -n cfg/app.env.template cfg/app.env", "@cp cfg/app.env.template cfg/app.env"])
def test_a_plain_copy_is_made_and_settles_the_advice(tmp_path: Path, recipe: str) -> None:
    root = _project(tmp_path, recipe)
    done = _fix(root)
    assert (root / "cfg" / "app.env").read_text() == TEMPLATE
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 applied (2 verified fixed), 1 skipped, 0 failed" in done.stdout, done.stdout
    assert "left" not in done.stdout.split("0 failed", 1)[1], done.stdout
