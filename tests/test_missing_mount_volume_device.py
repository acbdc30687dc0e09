"""missing-mount for named volumes that bind a host folder: docker-templates-datascience (tests/replay).

CristianCantoro/docker-templates-datascience keeps jupyterlab's notebooks and data on two named volumes
the local driver binds to host folders (`driver_opts: {type: none, o: bind, device: /mnt/data/jupyterlab}`,
`/home/ubuntu/jupyterlab`). On a machine without them `up` fails ("failed to mount local volume: mount
/mnt/data/jupyterlab:...: no such file or directory": docker makes a missing bind source of a service, never a
volume's device), and doctor preflight was clean, `doctor why` finding no cause. Now each such volume is an
error at its `device:` line; one inside the project is created by one `doctor fix`. A relative device that
compose sends as written (it resolves one only under `driver: local` with `o: bind`: no `driver:`, or `o:
bind,ro`) fails wherever the folder is, and is an error too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from why_run import run_why

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Safety
from doctor.project import ProjectOptions
from doctor.project.compose import load_project

REPLAY = Path(__file__).parent / "replay" / "docker-templates-datascience"
COMPOSE = "docker-compose.mongo+postgres+jupyterlab.yml"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
DATA, NOTEBOOKS = "/mnt/data/jupyterlab", "/home/ubuntu/jupyterlab"
# what `docker compose up` printed (engine 20.10.24, compose v2.40.3) for a device that is not there
ENGINE = ("Error response from daemon: error while mounting volume '/var/lib/docker/volumes/compose_{key}/_data': "
          "failed to mount local volume: mount {device}:/var/lib/docker/volumes/compose_{key}/_data, flags: 0x1000: "
          "no such file or directory\n")


def _stack(tmp_path: Path, *replace: tuple[str, str]) -> Path:
    root = tmp_path / "datascience"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    compose = root / "compose" / COMPOSE
    text = compose.read_text()
    for old, new in replace:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    compose.write_text(text)
    return root / "compose"


def _options(folder: Path) -> ProjectOptions:
    return ProjectOptions(path=folder / COMPOSE, env={**ENV, "HOME": str(folder)})


def _found(folder: Path) -> list[tuple[str, int | None, str | None, Safety | None]]:
    options = _options(folder)
    report = preflight(RunOptions(project=options, select=("missing-mount",), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.location.line if f.location else None, f.fix.title if f.fix else None,
             f.fix.safety if f.fix else None) for f in report.findings]


def test_as_cloned_the_host_folders_this_machine_lacks_are_errors(tmp_path: Path) -> None:
    if os.path.exists(DATA) or os.path.exists(NOTEBOOKS):
        pytest.skip(f"this machine has {DATA} or {NOTEBOOKS}")
    folder = _stack(tmp_path)
    assert _found(folder) == [
        (f"volume 'jupyterlab_data' binds {DATA}, which does not exist: docker makes no folder for a volume's "
         "device, so 'jupyterlab' cannot start", 73,
         f"create {DATA}/ before starting, or point the device of volume 'jupyterlab_data' at a folder that exists",
         Safety.ADVICE),
        (f"volume 'jupyterlab_notebooks' binds {NOTEBOOKS}, which does not exist: docker makes no folder for a "
         "volume's device, so 'jupyterlab' cannot start", 79,
         f"create {NOTEBOOKS}/ before starting, or point the device of volume 'jupyterlab_notebooks' at a folder "
         "that exists", Safety.ADVICE)]
    # doctor why on the `up` that failed names the finding, not "no finding explains it"
    text = ENGINE.format(key="jupyterlab_data", device=DATA)
    done = run_why(folder, text, "-f", COMPOSE, "-p", "compose")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "cause    missing-mount  " in done.stdout and f"volume 'jupyterlab_data' binds {DATA}" in done.stdout, \
        done.stdout
    assert "no finding of doctor's checks explains it" not in done.stdout


def test_a_device_in_the_project_is_created_by_one_fix(tmp_path: Path) -> None:
    folder = _stack(tmp_path, (DATA, "./data"), (NOTEBOOKS, "./notebooks"))
    before = (folder / COMPOSE).read_bytes()
    assert [(m, line, s) for m, line, _, s in _found(folder)] == [
        ("volume 'jupyterlab_data' binds ./data, which does not exist: docker makes no folder for a volume's "
         "device, so 'jupyterlab' cannot start", 73, Safety.SAFE),
        ("volume 'jupyterlab_notebooks' binds ./notebooks, which does not exist: docker makes no folder for a "
         "volume's device, so 'jupyterlab' cannot start", 79, Safety.SAFE)]
    options = _options(folder)
    # the mounts' fixes alone: the stack publishes 27017, 5432 and 8888, which a developer's own stack may hold
    # (port-collision's move would then change the file)
    mounts = frozenset({"mounts"})
    fix(FixOptions(project=options, families=mounts, yes=True, env=dict(options.env)), load_registry())
    assert (folder / "data").is_dir() and (folder / "notebooks").is_dir()
    assert (folder / COMPOSE).read_bytes() == before
    assert _found(folder) == []
    again = fix(FixOptions(project=options, families=mounts, yes=True, env=dict(options.env)), load_registry())
    assert [r for r in again.results if r.check == "missing-mount"] == [] and not again.diffs, again


def test_a_relative_device_compose_sends_as_written_fails_where_the_folder_is(tmp_path: Path) -> None:
    # no `driver:` (docker's default is local all the same): compose leaves ./data relative
    opts = "    driver_opts:\n      type: none\n      o: bind\n      device: "
    folder = _stack(tmp_path, (f"    driver: local\n{opts}{DATA}", f"{opts}./data"), (NOTEBOOKS, "./notebooks"))
    (folder / "data").mkdir()
    (folder / "notebooks").mkdir()
    assert _found(folder) == [
        ("volume 'jupyterlab_data' binds device ./data, which compose sends as written (it resolves a relative "
         "device only under driver: local with o: bind): 'jupyterlab' cannot start", 72,
         f"write the device of volume 'jupyterlab_data' as an absolute path ({folder / 'data'}), or mount ./data "
         "as a bind in the service", Safety.ADVICE)]


def test_a_device_that_exists_and_a_tmpfs_volume_are_not_reported(tmp_path: Path) -> None:
    folder = _stack(tmp_path, (DATA, str(tmp_path)), (NOTEBOOKS, "./notebooks"),
                    ("    driver: local\n    driver_opts:\n      type: none\n      o: bind\n      device: ./notebooks",
                     "    driver_opts:\n      type: tmpfs\n      device: tmpfs"))
    assert _found(folder) == []


@pytest.mark.compose
@pytest.mark.parametrize(("driver", "o", "device"), [
    ("local", "bind", "./data"), ("local", "bind", "~/data"), (None, "bind", "./data"),
    ("local", "bind,ro", "./data"), ("local", "rbind", "../data"), ("local", "bind", "/srv/data")])
def test_the_device_compose_sends_is_the_models(tmp_path: Path, compose_bin: str, driver: str | None, o: str,
                                                device: str) -> None:
    lines = ["services:", "  app:", "    image: busybox", "    volumes:", "      - data_volume:/data",
             "volumes:", "  data_volume:", *([f"    driver: {driver}"] if driver else []),
             "    driver_opts:", "      type: none", f"      o: '{o}'", f"      device: '{device}'", ""]
    (tmp_path / "compose.yaml").write_text("\n".join(lines))
    env = {**ENV, "HOME": str(tmp_path)}
    done = subprocess.run([compose_bin, "config", "--format", "json"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    sent = json.loads(done.stdout)["volumes"]["data_volume"]["driver_opts"]["device"]
    (model,) = load_project(ProjectOptions(path=tmp_path, env=env)).volume_devices
    assert model.device == sent



UNTYPED = ("services:\n  app:\n    image: {image}\n    command: [\"ls\", \"/d\"]\n    volumes: [\"dv:/d\"]\n"
           "volumes:\n{volume}")
BLOCK = "  dv:\n    driver: local\n    driver_opts:\n      o: bind\n      device: {device}\n"
FLOW = "  dv: {{driver: local, driver_opts: {{o: bind, device: {device}}}}}\n"
UNTYPED_ERROR = ("volume 'dv' sets o: bind with no type: docker refuses to create it (missing required option: "
                 "\"type\"): 'app' cannot start")


def _untyped(root: Path, volume: str, image: str = "busybox") -> ProjectOptions:
    root.mkdir(parents=True, exist_ok=True)
    (root / "compose.yaml").write_text(UNTYPED.format(image=image, volume=volume.format(device=root / "data")))
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found_in(options: ProjectOptions) -> list[tuple[str, int | None, str | None, Safety | None]]:
    report = preflight(RunOptions(project=options, select=("missing-mount",), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.location.line if f.location else None, f.fix.title if f.fix else None,
             f.fix.safety if f.fix else None) for f in report.findings]


@pytest.mark.parametrize(("volume", "line", "typed"), [
    (BLOCK, 9, "      o: bind\n      type: none\n      device: "),
    (FLOW, 7, "driver_opts: {o: bind, type: none, device: ")], ids=["block", "flow"])
@pytest.mark.parametrize("there", [True, False], ids=["folder-there", "folder-missing"])
def test_a_bind_device_with_no_type_is_the_engines_refusal_and_one_fix_adds_it(
        tmp_path: Path, volume: str, line: int, typed: str, there: bool) -> None:
    """`driver_opts: {o: bind, device: /abs/data}` with no `type:`: doctor passed (the folder there) or offered a
    SAFE mkdir (the folder missing), while `docker compose up` stops at `create P_dv: missing required option:
    "type"` either way (test_the_engine_refuses_a_bind_device_with_no_type). Now an error at the driver_opts
    line, whose fix writes `type: none`; with the folder missing the same fix run then creates it."""
    options = _untyped(tmp_path / "p", volume)
    if there:
        (tmp_path / "p" / "data").mkdir()
    assert _found_in(options) == [(UNTYPED_ERROR, line, "add type: none to the driver_opts of volume 'dv'",
                                   Safety.SAFE)]
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    assert typed in (tmp_path / "p" / "compose.yaml").read_text()
    assert (tmp_path / "p" / "data").is_dir() and _found_in(options) == []


@pytest.mark.docker
@pytest.mark.parametrize("volume", [BLOCK, FLOW], ids=["block", "flow"])
def test_the_engine_refuses_a_bind_device_with_no_type(tmp_path: Path, docker_engine: str, busybox_image: str,
                                                       volume: str) -> None:
    """What `docker compose up` says of the project above, before and after doctor's fix (stand-in busybox)."""
    root = tmp_path / "p"
    options = _untyped(root, volume, busybox_image)
    (root / "data").mkdir()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(root)}

    def up() -> subprocess.CompletedProcess[str]:
        name = f"doctor-h-fixmisc-{uuid.uuid4().hex[:8]}"
        try:
            return subprocess.run([docker_engine, "compose", "-p", name, "up", "--pull", "never"], cwd=root, env=env,
                                  capture_output=True, text=True, timeout=120)
        finally:
            subprocess.run([docker_engine, "compose", "-p", name, "down", "-v", "-t", "0"], cwd=root, env=env,
                           capture_output=True, timeout=120)

    before = up()
    assert before.returncode != 0 and 'missing required option: "type"' in before.stderr, before.stderr
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    after = up()
    assert after.returncode == 0, after.stdout + after.stderr
