"""`doctor fix --ports compose.yaml` beside a compose.override.yaml: the override it does not read is said.

awesome-compose's nginx-flask-mongo (tests/replay/awesome-compose-nginx-flask-mongo) with web's host port held and a
compose.override.yaml beside compose.yaml (web's `DEBUG: "1"`): the fix said `move 'web' ... (compose.yaml:10, no dev
override compose would read; ...)`, though a plain `docker compose up` there reads both files. A compose file named on
doctor's command line is read alone, as `docker compose -f compose.yaml` reads it (the fix still edits that file);
the title now names the override it did not read and the command that reads the project as `up` does.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

REPLAY = Path(__file__).parent / "replay" / "awesome-compose-nginx-flask-mongo"


def _fix(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    environ.update(DOCKER_HOST="tcp://127.0.0.1:9", HOME=str(root))
    return subprocess.run([sys.executable, "-m", "doctor", "fix", "--ports", "--dry-run", *args], cwd=root,
                          capture_output=True, text=True, timeout=120, env=environ)


def test_a_named_compose_file_says_the_override_beside_it_is_not_read(tmp_path: Path) -> None:
    root = tmp_path / "nfm"
    shutil.copytree(REPLAY, root)
    with socket.socket() as held:
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        held.bind(("0.0.0.0", 0))
        held.listen()
        port = held.getsockname()[1]
        compose = root / "compose.yaml"
        compose.write_text(compose.read_text().replace("- 80:80", f"- {port}:80"))
        (root / "compose.override.yaml").write_text('services:\n  web:\n    environment:\n      DEBUG: "1"\n')
        named = _fix(root, "compose.yaml")
        whole = _fix(root, ".")
    assert named.returncode == 0 and "Traceback" not in named.stderr, named.stderr
    assert f"move 'web' from host port {port} to" in named.stdout, named.stdout
    assert ("compose.override.yaml beside it is not read: a compose file named on the command line is read alone, "
            "as `docker compose -f` reads it; a plain `docker compose up` merges both, so run `doctor fix --ports .` "
            "to fix the project as it reads it") in named.stdout, named.stdout
    assert "no dev override compose would read" not in named.stdout, named.stdout
    # the project as `up` reads it: the override gets the move, and nothing is said of an unread file
    assert "+++ b/compose.override.yaml" in whole.stdout and "not read" not in whole.stdout, whole.stdout


def test_compose_file_from_dotenv_says_no_unread_override_and_no_command_already_run(tmp_path: Path) -> None:
    """`.env`'s COMPOSE_FILE=compose.yaml chose the file, not doctor's command line: `doctor fix --ports --dry-run .`
    said "compose.override.yaml beside it is not read: a compose file named on the command line is read alone ... run
    `doctor fix --ports .`", the command just run (and preflight said it on every run)."""
    root = tmp_path / "envfile"
    root.mkdir()
    (root / "compose.yaml").write_text("services:\n  web:\n    image: doctor-test/busybox\n    ports:\n"
                                       "      - 18080:80\n  api:\n    image: doctor-test/busybox\n    ports:\n"
                                       "      - 18080:81\n")
    (root / "compose.override.yaml").write_text('services:\n  web:\n    environment:\n      DEBUG: "1"\n')
    (root / ".env").write_text("COMPOSE_FILE=compose.yaml\n")
    done = _fix(root, ".")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "18080" in done.stdout, done.stdout
    assert "not read" not in done.stdout and "named on the command line" not in done.stdout, done.stdout
