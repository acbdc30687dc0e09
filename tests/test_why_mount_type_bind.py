"""Piped `doctor why` on runc's `error mounting "SOURCE" to rootfs at "TARGET": ... not a directory`.

healthchecks (tests/replay/healthchecks-3d018c0) with a bind planted on `web`: a file over a folder of the container
(`./uwsgi.ini:/etc`), and a folder over a file (`./conf.d:/bin/ls`). compose v2.40.3 ends `up` with runc's error,
and `doctor why` said only what such an error may mean and "look at the bind source in the compose file", with no
line; it now points at the bind's line and says which side is a file and which a folder, as the host has them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from why_run import run_why

REPLAY = Path(__file__).resolve().parent / "replay" / "healthchecks-3d018c0"

# `docker compose -p doctor-audit-why3-h8 up -d 2>&1` (compose v2.40.3, Debian docker.io engine), the last lines
_UP = """\
 Container doctor-audit-why3-h8-db-1  Started
 Container doctor-audit-why3-h8-web-1  Starting
Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to \
start container process: error during container init: error mounting "/tmp/audit-why3/hc/{source}" to rootfs at \
"{target}": mount /tmp/audit-why3/hc/{source}:{target} (via /proc/self/fd/6), flags: 0x5000: not a directory: \
unknown: Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists \
and is the expected type
"""


def _copy(tmp_path: Path, bind: str) -> Path:
    root = tmp_path / "hc"
    shutil.copytree(REPLAY, root)
    compose = root / "docker" / "docker-compose.yml"
    text = compose.read_text()
    assert "    env_file:\n" in text
    compose.write_text(text.replace("    env_file:\n", f"    volumes:\n      - {bind}\n    env_file:\n", 1))
    (root / "docker" / "uwsgi.ini").write_text("[uwsgi]\n")
    (root / "docker" / "conf.d").mkdir()
    return root / "docker"


@pytest.mark.parametrize(("source", "target", "said"), [
    ("uwsgi.ini", "/etc", "uwsgi.ini is a file and the container has a folder at /etc, so the file cannot go there: "
                          "bind it at a path inside that folder (/etc/uwsgi.ini)"),
    ("conf.d", "/bin/ls", "conf.d is a folder and the container has a file at /bin/ls"),
])
def test_the_bind_runc_could_not_mount_is_pointed_at(tmp_path: Path, source: str, target: str, said: str) -> None:
    root = _copy(tmp_path, f"./{source}:{target}")
    line = 1 + root.joinpath("docker-compose.yml").read_text().splitlines().index(f"      - ./{source}:{target}")
    done = run_why(root, _UP.format(source=source, target=target))
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    shown = f"    look at  docker-compose.yml:{line}  its bind of {source} at {target}: {said}"
    assert shown in done.stdout, done.stdout
