"""`doctor fix --dry-run` says what `doctor fix` says of a port move's by-hand step (tests/replay/documenso).

documenso runs its app on the host against docker/development/compose.yml; the root `.env` (from
`.env.example`) dials postgres at `127.0.0.1:54320`, lines 46 and 48. With 54320 held, preflight and
`doctor fix --yes docker/development` said `move 'database' from host port 54320 to N (...) (then, by hand:
change 54320 to N in NEXT_PRIVATE_DATABASE_URL in .env:46, ...)`, but `doctor fix --dry-run` said only the
move: its rounds run in a scratch copy of the compose folder, where the checkout's top and its `.env` are
not, so the one step the user must take by hand went unsaid. Now a first round's fix shows the title the
project's own preflight gave it, as the run prints it. The port is a free one, held for the test.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

from doctor.engine import load_registry
from doctor.fix_report import FixStatus
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "documenso"
UPSTREAM = 54320


def _copy(tmp_path: Path, port: int) -> Path:
    root = tmp_path / "documenso"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    compose = root / "docker" / "development" / "compose.yml"
    text = compose.read_text()
    assert text.count(f"- {UPSTREAM}:5432") == 1
    compose.write_text(text.replace(f"- {UPSTREAM}:5432", f"- {port}:5432"))
    dotenv = (root / ".env.example").read_text()
    assert dotenv.count(f"127.0.0.1:{UPSTREAM}/") == 2
    (root / ".env").write_text(dotenv.replace(f"127.0.0.1:{UPSTREAM}/", f"127.0.0.1:{port}/"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _titles(tmp_path: Path, root: Path, dry_run: bool) -> list[tuple[FixStatus, str]]:
    env = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host", "HOME": str(tmp_path / "home"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    options = ProjectOptions(path=root / "docker" / "development", env=env, cwd=root)
    report = fix(FixOptions(project=options, families=frozenset({"ports"}), yes=True, dry_run=dry_run, env=env),
                 load_registry())
    return [(r.status, r.title) for r in report.results if r.check == "port-collision" and r.status in (
        FixStatus.APPLIED, FixStatus.DRY_RUN)]


def test_the_dry_run_names_the_host_apps_lines_to_change_by_hand(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("0.0.0.0", 0))
        holder.listen()
        port = holder.getsockname()[1]
        dry = _titles(tmp_path / "a", _copy(tmp_path / "a", port), dry_run=True)
        done = _titles(tmp_path / "b", _copy(tmp_path / "b", port), dry_run=False)
    assert [status for status, _ in dry] == [FixStatus.DRY_RUN]
    assert [status for status, _ in done] == [FixStatus.APPLIED]
    title = dry[0][1]
    assert title.startswith(f"move 'database' from host port {port} to ")
    assert "(then, by hand: change " in title and " in NEXT_PRIVATE_DATABASE_URL in .env:46, " \
                                                 "NEXT_PRIVATE_DIRECT_DATABASE_URL in .env:48 " in title, title
    # the same words as the run's, but for the folder of the checkout each names
    assert title.replace(str(tmp_path / "a"), "") == done[0][1].replace(str(tmp_path / "b"), "")
