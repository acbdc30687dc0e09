"""script-line-endings names the service that runs a script, not one whose folder bind carries it along:
chirpstack (tests/replay/chirpstack).

chirpstack/chirpstack's docker-compose.yml binds the whole repo into the Rust dev shell (`./:/chirpstack`,
line 7) and `./.docker-compose/postgresql/initdb:/docker-entrypoint-initdb.d` into 'postgres' (line 30),
whose entrypoint runs every script of that folder on the first start. With CRLF in 0001-init_chirpstack.sh
(a Windows checkout) doctor said it "reaches 'chirpstack' (bind mount, docker-compose.yml:7)": both ways
were folder mounts, ranked alike, and the first service by name won. A folder mounted or copied onto a
folder an entrypoint runs now brings its top-level files as surely as a mount of the very file does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.checks.script_line_endings import ScriptLineEndings

from doctor.host import Host
from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).resolve().parent / "replay" / "chirpstack"
INITDB = Path(".docker-compose/postgresql/initdb")


def _crlf(tmp_path: Path, script: Path) -> Path:
    root = tmp_path / "chirpstack"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    path = root / script
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        shutil.copyfile(root / INITDB / "0002-chirpstack_extensions.sh", path)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    return root


def _found(root: Path) -> list[tuple[str, str, int | None]]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    found = ScriptLineEndings().run(Project(ProjectOptions(path=root, env=env)), Host(env=env, timeout=1.0))
    return [(f.subject or "", f.message, f.location.line if f.location else None)
            for f in found if f.subject != ".gitattributes"]


def test_the_initdb_script_reaches_postgres_which_runs_it(tmp_path: Path) -> None:
    script = (INITDB / "0001-init_chirpstack.sh").as_posix()
    found = _found(_crlf(tmp_path, INITDB / "0001-init_chirpstack.sh"))
    assert found == [(script, "has CRLF line endings and reaches 'postgres' (bind mount, docker-compose.yml:30)", 1)]


def test_a_script_below_the_initdb_folder_runs_nowhere_and_stays_carried(tmp_path: Path) -> None:
    """postgres' entrypoint runs the folder's own files, not those of a folder inside it: both binds carry it, and
    the first service by name is named, as before."""
    script = INITDB / "lib" / "extensions.sh"
    found = _found(_crlf(tmp_path, script))
    assert found == [(script.as_posix(), "has CRLF line endings and reaches 'chirpstack' (bind mount, "
                      "docker-compose.yml:7)", 1)]
