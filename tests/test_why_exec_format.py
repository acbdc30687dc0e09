"""`doctor why` on `exec /SCRIPT: exec format error`: the entrypoint the kernel would not run, with its line.

healthchecks (tests/replay/healthchecks-3d018c0) with a bound entrypoint planted on web, `entrypoint:
/noshebang.sh` and `./noshebang.sh:/noshebang.sh`, the script without a `#!` line. compose v2.40.3's attached `up`
shows `web-1  | exec /noshebang.sh: exec format error`; `doctor why` said what exec-not-found may mean (CRLF, an
interpreter or file absent) and "no finding explains it", with no line. It now points at the `entrypoint:` and says
the bound script has no `#!` first line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from why_run import run_why

REPLAY = Path(__file__).resolve().parent / "replay" / "healthchecks-3d018c0"

# `docker compose -p doctor-audit-why3-h9b up --abort-on-container-exit 2>&1` (compose v2.40.3), trimmed
UP = """\
 Container doctor-audit-why3-h9b-web-1  Created
Attaching to db-1, web-1
web-1  | exec /noshebang.sh: exec format error
\r\x1b[Kweb-1 exited with code 1
\x1b[31m\x1b[1mAborting on container exit...\x1b[0m
\r\x1b[Kdb-1 exited with code 0
"""


def _copy(tmp_path: Path, first_line: str) -> Path:
    root = tmp_path / "hc"
    shutil.copytree(REPLAY, root)
    compose = root / "docker" / "docker-compose.yml"
    planted = "    entrypoint: /noshebang.sh\n    volumes:\n      - ./noshebang.sh:/noshebang.sh\n    env_file:\n"
    compose.write_text(compose.read_text().replace("    env_file:\n", planted, 1))
    (root / "docker" / "noshebang.sh").write_text(f"{first_line}echo hi\n")
    return root / "docker"


def test_a_bound_script_with_no_shebang_is_named(tmp_path: Path) -> None:
    root = _copy(tmp_path, "")
    line = 1 + root.joinpath("docker-compose.yml").read_text().splitlines().index("    entrypoint: /noshebang.sh")
    done = run_why(root, UP)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert (f"    look at  docker-compose.yml:{line}  its `entrypoint:`, which starts /noshebang.sh: noshebang.sh, "
            "bound there, has no `#!` first line") in done.stdout, done.stdout


def test_with_a_shebang_the_other_causes_are_said(tmp_path: Path) -> None:
    done = run_why(_copy(tmp_path, "#!/bin/sh\n"), UP)
    assert "no `#!` first line naming its interpreter or a program built for another platform" in done.stdout, (
        done.stdout)
