"""runtime-drift: a service that runs the project's code on an official runtime image, with no build,
is a voice like a Dockerfile's FROM.

mozilla/treeherder's `frontend` runs `image: node:23.5.0-alpine3.20` with `.:/app` and `working_dir:
/app` (`pnpm install && pnpm start`) while CircleCI tests on node 22; doctor said ✓ (trial I2 D7).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_runtime_drift_real import _findings, _write

FRONTEND = ("  frontend:\n    image: node:23.5.0-alpine3.20\n    working_dir: /app\n{volumes}"
            "    command: sh -c \"pnpm install && pnpm start\"\n")


@pytest.mark.parametrize(("service", "warned"), [
    (FRONTEND.format(volumes="    volumes: ['.:/app']\n"), True),
    (FRONTEND.format(volumes="    volumes: ['./ui:/app/ui']\n").replace("working_dir: /app", "working_dir: /app/ui"),
     True),
    (FRONTEND.format(volumes=""), False),  # no project code mounted: the image runs its own
    (FRONTEND.format(volumes="    volumes: ['/srv/elsewhere:/app']\n"), False),  # not the project's folder
    (FRONTEND.format(volumes="    volumes: ['.:/app']\n").split("    command:")[0], False),  # no command
], ids=["mounted-top", "mounted-folder", "no-mount", "outside", "no-command"])
def test_an_image_running_the_projects_code_is_a_voice(tmp_path: Path, service: str, warned: bool) -> None:
    root = _write(tmp_path / "app", {".nvmrc": "22\n", "ui/package.json": "{}\n",
                                      "compose.yaml": f"services:\n{service}  db:\n    image: postgres:16\n"})
    found = [f.message for f in _findings(root, tmp_path)]
    assert found == (["node 22 (.nvmrc 22), elsewhere 23.5.0: compose.yaml:3"] if warned else []), found
