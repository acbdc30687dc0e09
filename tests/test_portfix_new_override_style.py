"""A new dev override written by `doctor fix --ports` follows the style of the compose file it overrides.

A compose file in docker-jitsi-meet's style (jitsi/docker-jitsi-meet 2e6b31d833, Apache-2.0: 4-space indentation,
list items 4 deeper, single-quoted port entries `- '${HTTP_PORT}:8000'`), its literal host port held: the fix wrote
a new compose.override.yaml in ruamel's own style, 2 spaces and `- "61000:80"`, beside a file that writes neither. The
new file now takes the base file's indentation and its single quotes, as an edit of an existing file keeps its own.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import yaml

BASE = """\
services:
    # Frontend
    web:
        image: 'nginx:alpine'
        restart: ${RESTART_POLICY:-unless-stopped}
        ports:
            - '{port}:8000'
        labels:
            service: "jitsi-web"
"""


def _fix(root: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    environ.update(DOCKER_HOST="tcp://127.0.0.1:9", HOME=str(root))
    return subprocess.run([sys.executable, "-m", "doctor", "fix", "--ports", "--yes", "."], cwd=root,
                          capture_output=True, text=True, timeout=120, env=environ)


def test_a_new_override_is_written_in_the_base_file_s_style(tmp_path: Path) -> None:
    with socket.socket() as held:
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        held.bind(("0.0.0.0", 0))
        held.listen()
        port = held.getsockname()[1]
        (tmp_path / "compose.yaml").write_text(BASE.replace("{port}", str(port)))
        done = _fix(tmp_path)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    written = (tmp_path / "compose.override.yaml").read_text()
    new = next(line.split("'")[1].split(":")[0] for line in written.splitlines() if line.strip().startswith("- "))
    assert written == f"services:\n    web:\n        ports: !override\n            - '{new}:8000'\n", written
    assert int(new) != port and yaml.safe_load(written.replace("!override", "")) == {
        "services": {"web": {"ports": [f"{new}:8000"]}}}
