"""`doctor why` on a container that exited with an error and wrote no log line at all: what it ran, with its line.

flagsmith (tests/replay/flagsmith): `migrate-db` runs `command: [migrate]` on the flagsmith image, and flagsmith and
its task processor wait on it with `condition: service_completed_successfully`. With a stand-in image whose
entrypoint exits 1 on `migrate` and says nothing, compose v2.40.3's `up -d` ends in `service "migrate-db" didn't
complete successfully: exit 1`, and `doctor why` said `symptom  exited (1) (no log output)` and "look at docker
compose -p NAME logs migrate-db", a log it had read and found empty. It now says the container exited with code 1
with no line in its log, and points at the `command:` (else the `entrypoint:`, else the image's) with its line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from test_why_live import _blocks, compose, run_why

from doctor.host.containers import ContainerState
from doctor.project import Project, ProjectOptions
from doctor.why.causes import pointed_at
from doctor.why.signatures import BUILTIN
from doctor.why.symptoms import match_symptoms

REPLAY = Path(__file__).resolve().parent / "replay" / "flagsmith"
IMAGE = "docker.flagsmith.com/flagsmith/flagsmith:latest"
SILENT_1 = "exited (1) with no line in its log (it printed nothing, or the engine did not give its log)"


def _exited(service: str, *log: str) -> ContainerState:
    return ContainerState(id="c", name=f"flagsmith-{service}-1", service=service, state="exited", exit_code=1,
                          log_tail=log)


def _line(root: Path, text: str) -> int:
    return 1 + root.joinpath("docker-compose.yml").read_text().splitlines().index(text)


def test_a_silent_exit_points_at_what_the_service_ran(tmp_path: Path) -> None:
    root = tmp_path / "flagsmith"
    shutil.copytree(REPLAY, root)
    project = Project(ProjectOptions(path=root, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}))
    (symptom,) = match_symptoms(_exited("migrate-db"), BUILTIN)
    assert symptom.line == SILENT_1 and symptom.signature is None
    where, said = pointed_at(project, symptom)
    assert where is not None and where.line == _line(root, "    command:"), where
    assert said.startswith("its `command: migrate` (given to the image's entrypoint), which exited with code 1 and "
                           "left no line in its log"), said
    assert "`docker compose run --rm migrate-db`" in said, said
    # no command or entrypoint in compose: the image's own
    (symptom,) = match_symptoms(ContainerState(id="c", name="flagsmith_postgres", service="postgres", state="exited",
                                               exit_code=3), BUILTIN)
    where, said = pointed_at(project, symptom)
    assert where is None and said.startswith("what the image 'postgres:15.5-alpine' runs"), said
    # a log line, even one no signature reads, is the symptom as before
    (symptom,) = match_symptoms(_exited("migrate-db", "Operations to perform:"), BUILTIN)
    assert symptom.line == "Operations to perform:" and pointed_at(project, symptom) == (None, "")


def _standin(docker: str, base: str) -> str:
    """A flagsmith stand-in: busybox whose entrypoint exits 1 without a word on `migrate`, else sleeps."""
    tag = "doctor-test/flagsmith-silent:1"
    if subprocess.run([docker, "image", "inspect", tag], capture_output=True).returncode == 0:
        return tag
    made = subprocess.run([docker, "create", base, "sh"], capture_output=True, text=True, check=True).stdout.strip()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            rootfs = Path(tmp) / "rootfs.tar"
            subprocess.run([docker, "export", "--output", str(rootfs), made], check=True, capture_output=True)
            entry = json.dumps(["sh", "-c", 'case "$1" in migrate) exit 1;; esac; exec sleep 300', "flagsmith"])
            subprocess.run([docker, "import", "--change", f"ENTRYPOINT {entry}", "--change", 'CMD ["serve"]',
                            str(rootfs), tag], check=True, capture_output=True)
    finally:
        subprocess.run([docker, "rm", "-f", made], capture_output=True)
    return tag


@pytest.mark.docker
def test_live_why_on_flagsmith_whose_migration_exits_silently(tmp_path: Path, docker_engine: str,
                                                              busybox_image: str) -> None:
    root = tmp_path / "flagsmith"
    shutil.copytree(REPLAY, root)
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    path = root / "docker-compose.yml"
    text = path.read_text().replace(IMAGE, _standin(docker_engine, busybox_image))
    # the db a stand-in that is healthy at once, under a name of this run; no fixed host port
    text = text.replace("postgres:15.5-alpine", busybox_image).replace(
        "container_name: flagsmith_postgres", f"container_name: {name}-pg\n    command: [sleep, '300']").replace(
        "pg_isready -d flagsmith -U postgres", "true").replace("start_period: 20s", "start_period: 0s")
    path.write_text(text.replace("    ports:\n      - 8000:8000\n", "").replace("    ports:\n      - 8001:8000\n", ""))
    try:
        up = compose(docker_engine, root, name, "up", "-d")
        assert 'service "migrate-db" didn\'t complete successfully: exit 1' in up.stderr, up.stderr
        status, shown = run_why(root, name)
        assert status == 1, shown
        block = _blocks(shown)["migrate-db"]
        assert f"symptom  {SILENT_1}" in block, shown
        assert (f"docker-compose.yml:{_line(root, '    command:')}  its `command: migrate` (given to the "
                "image's entrypoint), which exited with code 1") in block, shown
        assert "logs migrate-db" not in block, shown
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans")


# compose v2.40.3's foreground `up` of the live test's copy (project doctor-audit-fs, the db's container_name as
# upstream's), migrate-db exiting 1 without a word
ATTACHED_UP = (
    " Container doctor-audit-fs-migrate-db-1  Created\n"
    " Container doctor-audit-fs-flagsmith-task-processor-1  Created\n"
    " Container doctor-audit-fs-flagsmith-1  Created\n"
    "Attaching to flagsmith-1, flagsmith-task-processor-1, migrate-db-1, flagsmith_postgres\n"
    "\n"
    "\x1b[Kmigrate-db-1 exited with code 1\n"
    "service \"migrate-db\" didn't complete successfully: exit 1\n"
)


def test_a_piped_attached_up_whose_one_shot_said_nothing(tmp_path: Path) -> None:
    """Piped, the foreground `up` listed flagsmith and its task processor as `✓ started: attached, and the piped
    output shows no exit of it` (compose attaches to them, and never starts them: they wait for migrate-db to
    complete), and migrate-db's look-at was its log, which the attached output holds whole: empty."""
    from why_run import run_why

    root = tmp_path / "flagsmith"
    shutil.copytree(REPLAY, root)
    done = run_why(root, ATTACHED_UP)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    blocks = _blocks(done.stdout)
    assert blocks["flagsmith"].startswith("- flagsmith "), done.stdout
    assert "not started: it depends on 'migrate-db', which failed" in blocks["flagsmith-task-processor"], done.stdout
    assert "means    compose attached to the container from its start and it exited printing nothing" in (
        blocks["migrate-db"]), done.stdout
    assert (f"look at  docker-compose.yml:{_line(root, '    command:')}  its `command: migrate` (given to the image's "
            "entrypoint), which exited with code 1") in blocks["migrate-db"], done.stdout
    # a line of its own: that line is the symptom, not its silence
    said = ATTACHED_UP.replace("\n\n", "\nmigrate-db-1  | django.db.utils.OperationalError: could not translate host "
                                       "name \"postgres\" to address\n")
    assert "printing nothing" not in run_why(root, said).stdout
    # waiting on migrate-db only to have started: compose started it
    started = root / "docker-compose.yml"
    started.write_text(started.read_text().replace("condition: service_completed_successfully",
                                                   "condition: service_started"))
    assert "✓ flagsmith " in run_why(root, ATTACHED_UP).stdout


def test_a_loop_of_silent_exits_points_at_what_it_runs(tmp_path: Path) -> None:
    """`restart: always` on a command that exits 3 without a word (read live: `restarting, 7 restarts`): beside the
    loop, whose look-at is the first error of a log that has none, the silent exit and what the service runs."""
    root = tmp_path / "loop"
    root.mkdir()
    (root / "compose.yaml").write_text('services:\n  worker:\n    image: busybox\n    restart: always\n'
                                       '    command: ["sh", "-c", "exit 3"]\n')
    project = Project(ProjectOptions(path=root, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}))
    looping = ContainerState(id="c", name="loop-worker-1", service="worker", state="restarting", exit_code=3,
                             restart_count=7)
    loop, silent = match_symptoms(looping, BUILTIN)
    assert loop.signature is not None and loop.signature.id == "restart-loop", loop
    assert silent.line == SILENT_1.replace("(1)", "(3)"), silent
    where, said = pointed_at(project, silent)
    assert where is not None and where.line == 5 and said.startswith("its `command: sh -c 'exit 3'`"), said
