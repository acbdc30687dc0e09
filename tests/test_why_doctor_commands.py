"""The `doctor ...` commands `doctor why` advises select the project it diagnosed, as its `docker compose ...` ones do.

Before: after `$ docker compose -p track-b -f other.yml up -d` failed on a held port (the line pasted above its
output), `why` read track-b from other.yml and advised `` `doctor ports` for who holds the port; `doctor fix --ports`
moves this project's side ``. Copied, `doctor fix --ports` read the folder's compose.yaml, which publishes nothing:
"nothing to fix". doctor's commands take PATH, -p, -f, --env-file and --profile as `why` does, so the advice now
writes them (`doctor fix -p track-b -f other.yml --ports`), and the command it prints moves other.yml's port.
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.why.advice import in_project, stale
from doctor.why.diagnose import BARE, Words
from doctor.why.signatures import MOUNT_TYPE, PORT_ALLOCATED

COMPOSE = "services:\n  web:\n    image: busybox\n"
OTHER = 'services:\n  web:\n    image: busybox\n    ports:\n      - "{port}:80"\n'


def _up_output(port: int) -> str:
    """A failed `up` of track-b from other.yml, pasted with its command line: web's host port was held."""
    return ("$ docker compose -p track-b -f other.yml up -d\n"
            " Container track-b-web-1  Creating\n Container track-b-web-1  Created\n"
            " Container track-b-web-1  Starting\n"
            "Error response from daemon: driver failed programming external connectivity on endpoint track-b-web-1 "
            f"(3d92ee4c5f91): Bind for 0.0.0.0:{port} failed: port is already allocated\n")


def _doctor(cwd: Path, *args: str, text: str | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES",
                                                                "COMPOSE_FILE")}
    environ = {**environ, "DOCKER_HOST": "tcp://127.0.0.1:9", "HOME": str(cwd)}  # no engine
    return subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, input=text, env=environ)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(("where", "path", "selects"), [
    ("shop", (), "-p track-b -f other.yml"),
    # `doctor why ../shop` from a folder beside it: PATH (its doctor.yaml is read there), and -f from here
    ("elsewhere", ("../shop",), "../shop -p track-b -f ../shop/other.yml"),
])
def test_the_doctor_commands_it_advises_act_on_the_project_the_up_ran(
        tmp_path: Path, where: str, path: tuple[str, ...], selects: str) -> None:
    root = tmp_path / "shop"
    root.mkdir()
    (tmp_path / "elsewhere").mkdir()
    port = _free_port()  # free while `why` runs: no finding explains the symptom, and its look-at is printed
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "other.yml").write_text(OTHER.format(port=port))
    done = _doctor(tmp_path / where, "why", *path, text=_up_output(port))
    assert done.returncode == 1, done
    assert (f"look at  `doctor ports {selects}` for who holds the port; `doctor fix {selects} --ports` moves this "
            "project's side") in done.stdout, done.stdout
    printed = re.search(r"`(doctor fix [^`]*)`", done.stdout)
    assert printed is not None
    with socket.socket() as holder:  # now the port is held, as when `up` failed: run the command as printed
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("0.0.0.0", port))
        holder.listen()
        fixed = _doctor(tmp_path / where, *shlex.split(printed[1])[1:], "--dry-run")
        bare = _doctor(root, "fix", "--ports", "--dry-run")  # what the advice printed before
    assert fixed.returncode == 0, fixed
    assert f'-      - "{port}:80"' in fixed.stdout and "+++ b/" in fixed.stdout, fixed.stdout
    assert "other.yml" in fixed.stdout.split("\n", 1)[0], fixed.stdout  # the diff is other.yml's
    assert "nothing to fix" in bare.stdout, bare.stdout  # the folder's own project publishes no port


def test_the_options_doctor_takes_for_the_project(tmp_path: Path) -> None:
    from doctor.project import Project, ProjectOptions

    root = tmp_path / "shop"
    root.mkdir()
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "other.yml").write_text(OTHER.format(port=8080))
    (root / "dev.env").write_text("X=1\n")
    env = {"PATH": os.environ.get("PATH", "")}

    def options(path: Path = root, cwd: Path = root, **given: object) -> str:
        return Project(ProjectOptions(path=path, env=env, cwd=cwd, **given)).doctor_options()  # type: ignore[arg-type]

    assert options() == ""  # the folder's own project: a bare command finds it
    assert options(project_name="shop") == ""  # the name compose gives it anyway
    assert options(project_name="track-b", profiles=("debug",)) == "-p track-b --profile debug"
    assert options(files=(root / "other.yml",), env_files=(root / "dev.env",)) == "-f other.yml --env-file dev.env"
    assert options(path=root / "other.yml") == "-f other.yml"  # a compose file as PATH: its folder, and it as -f
    assert options(cwd=tmp_path) == "shop"  # PATH from where doctor runs; discovery there finds the files
    assert options(cwd=tmp_path, files=(root / "other.yml",)) == "shop -f shop/other.yml"


def test_only_the_commands_that_take_the_projects_options_are_rewritten() -> None:
    words = Words("docker compose -p track-b -f other.yml", "-p track-b -f other.yml")
    assert in_project(PORT_ALLOCATED.look_at, words) == (
        "`doctor ports -p track-b -f other.yml` for who holds the port; `doctor fix -p track-b -f other.yml --ports` "
        "moves this project's side")
    assert "`doctor fix -p track-b -f other.yml --owners` first" in in_project(MOUNT_TYPE.look_at, words)
    assert in_project("`doctor preflight --select compose-config`", words) == (
        "`doctor preflight -p track-b -f other.yml --select compose-config`")
    for kept in ("`doctor fix -f x.yml --ports`", "`doctor fix -p x`", "`doctor explain port-collision`",
                 "`doctor list`", "`doctor exec -- make test`", "doctor fix --ports"):  # unquoted: no command
        assert in_project(kept, words) == kept
    assert in_project(PORT_ALLOCATED.look_at, BARE) == PORT_ALLOCATED.look_at


def test_a_stale_container_is_asked_about_again_in_the_same_project() -> None:
    from doctor.model import Fix, Safety
    from doctor.why.diagnose import Symptom

    symptom = Symptom("web", "track-b-web-1", "exited (1)", 1, "boom")
    fix = Fix("recreate 'web'", Safety.ADVICE)
    said = stale(symptom, [".env"], fix, Words("docker compose -p track-b", "-p track-b")).message
    assert "`docker compose -p track-b up -d` recreates it (then ask `doctor why -p track-b` again)" in said, said
    assert "(then ask `doctor why` again)" in stale(symptom, [".env"], fix).message
