"""`fix --ports` and a site key naming a service on the network with its container port.

ThreeDotsLabs/wild-workouts (tests/replay/wild-workouts): every service reads `env_file: .env`, whose
`FIRESTORE_EMULATOR_HOST=firestore:8787` dials the emulator on the compose network, at the port it listens
on inside ("127.0.0.1:8787:8787"). With 8787 held (a second worktree beside the first), moving the
emulator's host port to 8788 said `(then, by hand: .env:6 FIRESTORE_EMULATOR_HOST=firestore:8787 still
names the old port: set it to port 8788 if it is the address browsers open)`: `firestore` was taken for a
name /etc/hosts gives (tubearchivist's `TA_HOST=http://tubearchivist.local:8000`), though it is the
service's own name, and following the step would point every service at a port nothing listens on inside.
A name a service answers to on the network (its name, container_name, hostname, aliases) is now no such
address; a name of no service is still named.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.checks.port_collision.fix import PortMove, port_fix
from portprobe import BusyHost

from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "wild-workouts"


def _firestore_move(root: Path) -> PortMove:
    project = Project(ProjectOptions(path=root, env={"HOME": str(root.parent / "home"), "PATH": "/usr/bin:/bin"}))
    firestore = project.services["firestore"]
    mapping = next(m for m in firestore.ports if m.published == "8787")
    move = port_fix(project, BusyHost({8787, 8788}), "firestore", mapping, compose_version=(2, 40, 3))
    assert isinstance(move, PortMove), move
    return move


def test_a_service_name_with_its_container_port_is_no_address_to_move(tmp_path: Path) -> None:
    root = tmp_path / "wild-workouts"
    shutil.copytree(REPLAY, root)
    move = _firestore_move(root)
    assert move.new == 8789, move
    assert "FIRESTORE_EMULATOR_HOST" not in move.title, move.title
    assert all(e.path.name != ".env" for e in move.edits), move.edits


def test_a_name_no_service_answers_to_is_still_named(tmp_path: Path) -> None:
    root = tmp_path / "wild-workouts"
    shutil.copytree(REPLAY, root)
    dotenv = root / ".env"
    dotenv.write_text(dotenv.read_text().replace("FIRESTORE_EMULATOR_HOST=firestore:8787",
                                                 "FIRESTORE_EMULATOR_HOST=emulator.local:8787"))
    move = _firestore_move(root)
    assert (".env:6 FIRESTORE_EMULATOR_HOST=emulator.local:8787 still names the old port: set it to port 8789"
            in move.title), move.title
