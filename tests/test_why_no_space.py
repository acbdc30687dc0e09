"""`doctor why` on `no space left on device`: a full disk, said as such, read from the piped `up` where the engine
refused to create the container.

Run with compose v2.40.3: a service `db` mounting a new named volume of `driver_opts: {type: tmpfs, device: tmpfs, o:
size=64k}` at /bin, whose image's /bin (busybox, 1 MB) the engine copies into it, and an `app` beside it. `up -d`
ends in `Error response from daemon: failed to copy files: userspace copy failed: write
/var/lib/docker/volumes/P_data/_data/busybox: no space left on device`; the engine has app's container, created and
never started, and none of db. `doctor why` blamed app ("created, never started: compose stopped first"), said
"the piped text is not used", and listed db as `- db  no container (not created)`; with the text alone (after
`down`) it read db's error as "compose reports the service's container failed" with its log to look at, which it never
had. It now reads the text where the engine has no container of a service that failed in it and the others were only
created, and matches the line as `no-space`: a full disk, and where to look.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from test_why_live import _blocks, compose

COMPOSE = """\
services:
  db:
    image: {image}
    command: ["/bin/sleep", "300"]
    volumes:
      - data:/bin
  app:
    image: {image}
    command: ["sleep", "300"]
volumes:
  data:
    driver_opts:
      type: tmpfs
      device: tmpfs
      o: size=64k
"""


def _why(root: Path, *args: str, text: str = "") -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    return subprocess.run([sys.executable, "-m", "doctor", "why", *args], cwd=root, capture_output=True, text=True,
                          timeout=120, input=text, env=environ)


@pytest.mark.docker
def test_why_reads_the_engines_no_space_from_the_piped_up(tmp_path: Path, docker_engine: str,
                                                          busybox_image: str) -> None:
    root = tmp_path / "nospace"
    root.mkdir()
    (root / "compose.yaml").write_text(COMPOSE.format(image=busybox_image))
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    try:
        up = compose(docker_engine, root, name, "up", "-d")
        assert "no space left on device" in up.stderr, up.stderr
        done = _why(root, "-p", name, text=up.stderr)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert "show a service that failed before it had a container" in done.stderr, done.stderr
        blocks = _blocks(done.stdout)
        assert "no space left on device" in blocks["db"] and "means    a disk is full" in blocks["db"], done.stdout
        assert blocks["app"].startswith("- app"), done.stdout  # not blamed: only created
        at = 1 + COMPOSE.splitlines().index("    driver_opts:")
        assert f"look at  compose.yaml:{at}  the `driver_opts` of its volume 'data'" in blocks["db"], done.stdout
        done = _why(root, "-p", name)  # live alone: db is where `up` stopped, its error only `up` printed
        assert done.returncode == 1, done.stderr
        assert "- app  created, never started: compose stopped at 'db' first" in done.stdout, done.stdout
        assert "compose created the other services' containers and none for this one" in _blocks(done.stdout)["db"]
        compose(docker_engine, root, name, "down", "-v")
        done = _why(root, text=up.stderr)  # the text alone, its containers gone
        assert "means    a disk is full" in _blocks(done.stdout)["db"], done.stdout
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans")


def test_the_size_limited_volume_or_tmpfs_is_pointed_at(tmp_path: Path) -> None:
    from doctor.host.containers import ContainerState
    from doctor.project import Project, ProjectOptions
    from doctor.why.causes import pointed_at
    from doctor.why.signatures import BUILTIN
    from doctor.why.symptoms import match_symptoms

    root = tmp_path / "nospace"
    root.mkdir()
    text = COMPOSE.format(image="busybox").replace(
        '    command: ["sleep", "300"]\n', '    command: ["sleep", "300"]\n    tmpfs:\n      - /scratch:size=16k\n')
    (root / "compose.yaml").write_text(text)
    project = Project(ProjectOptions(path=root, project_name="p", env={"HOME": str(tmp_path), "PATH": "/usr/bin"}))
    lines = text.splitlines()

    def looked(service: str, line: str) -> tuple[int | None, str]:
        container = ContainerState(id="c", name=f"p-{service}-1", service=service, state="exited", exit_code=1,
                                   log_tail=(line,))
        (symptom,) = match_symptoms(container, BUILTIN)
        where, said = pointed_at(project, symptom)
        return where.line if where is not None else None, said

    at, said = looked("db", "Error response from daemon: failed to copy files: userspace copy failed: write "
                            "/var/lib/docker/volumes/p_data/_data/busybox: no space left on device")
    assert at == 1 + lines.index("    driver_opts:") and "its volume 'data', whose size is less" in said, said
    at, said = looked("app", "dd: error writing '/scratch/x': No space left on device")
    assert at == 1 + lines.index("    tmpfs:") and said.startswith("its `tmpfs:` at /scratch, full"), said
    assert looked("app", "could not write to file \"pg_wal/xlogtemp.32\": No space left on device") == (None, "")
