"""missing-mount's init chown counts only where the writer starts after the init has ENDED.

A plain `depends_on: [init]` waits for the init's start, not its end: an init running `mkdir -p /sources/logs;
sleep 3; chown -R 1000:0 /sources/logs` is still asleep when its writer (`user: "1000:0"`) touches ./logs, still
root-owned, and `up` prints `touch: /logs/x: Permission denied`. doctor said "'init' gives it to 1000:0 before
'writer' starts" (a note) there; it is a warning again. Where the writer, or a service it depends on, depends on the
init with `condition: service_completed_successfully` (Airflow's compose file), compose starts it only after the
init exited, and the note stays (tests/test_missing_mount_init_chown.py on the Airflow replay).
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions
from doctor.project.compose import load_project

INIT = """  init:
    image: doctor-busybox:test
    user: "0:0"
    volumes: [".:/sources"]
    command: ["sh", "-c", "mkdir -p /sources/logs; sleep 3; chown -R 1000:0 /sources/logs"]
"""
WRITER = """  writer:
    image: doctor-busybox:test
    user: "1000:0"
    volumes: ["./logs:/logs"]
    command: ["sh", "-c", "touch /logs/x && echo wrote"]
"""
PLAIN = "    depends_on: [init]\n"
ENDED = "    depends_on:\n      init: {condition: service_completed_successfully}\n"
# the writer waits for a service that waits for the init's end: the init has ended when the writer starts
THROUGH = """    depends_on: [middle]
  middle:
    image: doctor-busybox:test
    command: ["sleep", "30"]
    depends_on:
      init: {condition: service_completed_successfully}
"""
# the init's end is waited for by a service the writer does not wait for: the writer may start first
BESIDE = PLAIN + """  other:
    image: doctor-busybox:test
    command: ["true"]
    depends_on:
      init: {condition: service_completed_successfully}
"""


def _project(root: Path, depends: str) -> Path:
    root.mkdir(parents=True)
    (root / "compose.yaml").write_text("services:\n" + INIT + WRITER + depends)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _logs(root: Path) -> tuple[str, str]:
    options = ProjectOptions(path=root, cwd=root, env={"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1",
                                                       "HOME": str(root)})
    report = preflight(RunOptions(project=options, select=("missing-mount",), env=dict(options.env)),
                       load_registry()).report
    found = [(f.severity.name, f.message) for f in report.findings if f.message.startswith("bind source ./logs ")]
    assert len(found) == 1, report.findings
    return found[0]


def test_the_model_keeps_the_dependencies_waited_for_to_end(tmp_path: Path) -> None:
    model = load_project(ProjectOptions(path=_project(tmp_path / "p", THROUGH), env={"PATH": "/usr/bin"}))
    assert model.services["writer"].depends_on == ("middle",)
    assert model.services["writer"].depends_completed == ()
    assert model.services["middle"].depends_completed == ("init",)


@pytest.mark.parametrize(("depends", "severity"), [
    (PLAIN, "WARNING"), (ENDED, "INFO"), (THROUGH, "INFO"), (BESIDE, "WARNING")])
def test_only_an_init_that_has_ended_gives_the_folder(tmp_path: Path, depends: str, severity: str) -> None:
    severity_found, message = _logs(_project(tmp_path / "p", depends))
    assert severity_found == severity, message
    if severity == "WARNING":
        assert message == "bind source ./logs does not exist: docker makes it root-owned, 'writer' runs as '1000:0'"
    else:
        assert message.endswith("'init' gives it to 1000:0 before 'writer' starts (as root: chown -R 1000:0 "
                                "/sources/logs)"), message


@pytest.mark.docker
@pytest.mark.parametrize(("depends", "severity"), [(PLAIN, "WARNING"), (ENDED, "INFO")])
def test_up_agrees(tmp_path: Path, compose_bin: str, busybox_image: str, depends: str, severity: str) -> None:
    root = _project(tmp_path / "p", depends)
    assert _logs(root)[0] == severity
    name = f"doctor-h-fixrevw-{uuid.uuid4().hex[:8]}"
    try:
        up = subprocess.run([compose_bin, "-p", name, "up", "--abort-on-container-exit", "--exit-code-from",
                             "writer", "init", "writer"], cwd=root, capture_output=True, text=True, timeout=120)
    finally:
        subprocess.run([compose_bin, "-p", name, "down", "-v", "--remove-orphans"], cwd=root, capture_output=True,
                       timeout=120)
    if severity == "WARNING":
        assert up.returncode != 0 and "touch: /logs/x: Permission denied" in up.stdout + up.stderr, up.stdout
    else:
        assert up.returncode == 0 and "wrote" in up.stdout, up.stdout + up.stderr


@pytest.mark.parametrize(("init", "severity"), [
    # fixRevW's note: a chown of a folder no one made fails (`chown: /sources/logs: No such file or directory`)
    (INIT.replace("mkdir -p /sources/logs; ", ""), "WARNING"),
    (INIT.replace("mkdir -p /sources/logs", "mkdir -p /sources/logs/app"), "INFO"),  # made with the one below it
    (INIT.replace('[".:/sources"]', '["./logs:/sources/logs"]').replace("mkdir -p /sources/logs; ", ""), "INFO"),
    (INIT.replace("mkdir -p /sources/logs", "mkdir -p /sources/other"), "WARNING"),
])
def test_the_chown_counts_only_for_a_folder_made_before_it(tmp_path: Path, init: str, severity: str) -> None:
    """A root init's chown gives a missing bind source away only once the folder exists when it runs: docker
    makes it for the init's own bind of it (or of a folder below), or a `mkdir` before the chown does."""
    root = tmp_path / "p"
    root.mkdir(parents=True)
    (root / "compose.yaml").write_text("services:\n" + init + WRITER + ENDED)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert _logs(root)[0] == severity
