"""`doctor why` on a list form whose first word holds blanks: split it, not "is its tool in the image?".

docusealco/docuseal's healthcheck is `test: ["CMD", "pg_isready -U postgres"]`, the whole command as ONE word: the
engine's probe says `exec: "pg_isready -U postgres": executable file not found in $PATH`, and `doctor why` pointed at
the healthcheck's line but said "no finding explains it" and asked "is its tool in the image?". The same for
`command: ["sleep 600"]` or an `entrypoint:` list (the container is created and never runs): command-not-found's
pattern takes no blank in the program, so no signature read it at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from doctor.why.signatures import BUILTIN
from doctor.why.symptoms import readings

PREFIX = os.environ.get("DOCTOR_TEST_PROJECT_PREFIX", "doctor-test-")
PROBE = ('healthcheck unhealthy: OCI runtime exec failed: exec failed: unable to start container process: exec: '
         '"pg_isready -U postgres": executable file not found in $PATH: unknown')
HEALTHCHECK = """\
services:
  db:
    image: {image}
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"]
    healthcheck:
      test: ["CMD", "pg_isready -U postgres"]
      interval: 1s
      retries: 2
      timeout: 2s
  app:
    image: {image}
    command: ["sleep", "600"]
    depends_on:
      db:
        condition: service_healthy
"""
COMMAND = "services:\n  web:\n    image: {image}\n    command: [\"sleep 600\"]\n"
ENTRYPOINT = "services:\n  worker:\n    image: {image}\n    entrypoint: [\"echo hello\", \"x\"]\n"
HC_CAUSE = ("    cause    compose.yaml:6\n"
            "             the `healthcheck:` list of 'db' [\"CMD\", \"pg_isready -U postgres\"] has blanks in its "
            "first word: the engine runs no shell for a list and looks for a program named 'pg_isready -U postgres'\n"
            "    fix      split it into words (`test: [\"CMD\", \"pg_isready\", \"-U\", \"postgres\"]`) or use "
            "`CMD-SHELL` (`test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]`)\n")
CMD_CAUSE = ("    cause    compose.yaml:4\n"
             "             the `command:` list of 'web' [\"sleep 600\"] has blanks in its first word: the engine "
             "runs no shell for a list and looks for a program named 'sleep 600'\n"
             "    fix      split it into words (`command: [\"sleep\", \"600\"]`) or use a string "
             "(`command: sleep 600`)\n")
ENTRY_CAUSE = ("the `entrypoint:` list of 'worker' [\"echo hello\", \"x\"] has blanks in its first word",
               "split it into words (`entrypoint: [\"echo\", \"hello\", \"x\"]`) or use a string (`entrypoint: echo "
               "hello x`)")


@pytest.mark.parametrize("line", [PROBE, 'runc create failed: unable to start container process: exec: "sleep 600": '
                                         "executable file not found in $PATH: unknown"])
def test_the_engines_words_read_as_a_word_with_blanks(line: str) -> None:
    assert [s.id for s in readings(line, BUILTIN)] == ["exec-word-blanks"]


def test_a_program_the_image_lacks_stays_command_not_found() -> None:
    line = 'exec: "zammad-railsserver": executable file not found in $PATH: unknown'
    assert [s.id for s in readings(line, BUILTIN)] == ["command-not-found"]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}


def _up_and_why(docker: str, root: Path, compose: str, image: str) -> tuple[str, str]:
    """`doctor why` on the containers of a failed `up -d`, and on that `up`'s output piped in once they are gone."""
    root.mkdir()
    (root / "compose.yaml").write_text(compose.format(image=image))
    name = f"{PREFIX}{uuid.uuid4().hex[:8]}"
    env = _env()
    try:
        up = subprocess.run([docker, "compose", "-p", name, "up", "-d"], cwd=root, capture_output=True, text=True,
                            timeout=180, env=env)
        assert up.returncode != 0, up
        live = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", name], cwd=root, capture_output=True,
                              text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    finally:
        subprocess.run([docker, "compose", "-p", name, "down", "-v", "-t", "0"], cwd=root, capture_output=True,
                       timeout=120, env=env)
    piped = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", name, "-"], cwd=root, capture_output=True,
                           text=True, timeout=120, env=env, input=up.stdout + up.stderr)
    assert live.returncode == 1 and piped.returncode == 1, (live, piped)
    return live.stdout, piped.stdout


@pytest.mark.docker
def test_a_healthcheck_written_as_one_word(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    live, piped = _up_and_why(docker_engine, tmp_path / "hc", HEALTHCHECK, busybox_image)
    assert HC_CAUSE in live, live
    assert "is its tool in the image?" not in live and "no finding of doctor's checks" not in live, live
    assert "means    the exec form's first word holds blanks" in live, live
    assert "1 of 2 services failed · 1 explained by a finding (1 not started)" in live, live
    # piped, compose says only `container ... is unhealthy`: the test: list itself says why
    assert "✗ db   unhealthy, in the piped output" in piped and HC_CAUSE in piped, piped


@pytest.mark.docker
@pytest.mark.parametrize(("compose", "said"), [(COMMAND, (CMD_CAUSE,)), (ENTRYPOINT, ENTRY_CAUSE)])
def test_a_command_or_entrypoint_written_as_one_word(tmp_path: Path, docker_engine: str, busybox_image: str,
                                                      compose: str, said: tuple[str, ...]) -> None:
    live, piped = _up_and_why(docker_engine, tmp_path / "cmd", compose, busybox_image)
    for out in (live, piped):
        assert all(words in out for words in said), out
        assert "no finding of doctor's checks" not in out, out
    assert "created, never started" in live, live


def test_a_list_of_words_and_a_shell_form_are_no_such_cause(tmp_path: Path) -> None:
    from doctor.project import Project, ProjectOptions
    from doctor.why.diagnose import Symptom
    from doctor.why.exec_form import blank_word
    from doctor.why.piped_exits import EXITED_UNHEALTHY

    for test in ('["CMD", "pg_isready", "-U", "postgres"]', '["CMD-SHELL", "pg_isready -U postgres"]',
                 "pg_isready -U postgres"):
        root = tmp_path / str(uuid.uuid4().hex[:6])
        root.mkdir()
        (root / "compose.yaml").write_text(
            f"services:\n  db:\n    image: busybox\n    healthcheck:\n      test: {test}\n")
        project = Project(ProjectOptions(path=root, env={"HOME": str(root), "PATH": "/usr/bin:/bin"}))
        symptom = Symptom("db", "", "unhealthy", None, "dependency failed to start: container p-db-1 is unhealthy",
                          EXITED_UNHEALTHY)
        assert blank_word(project, symptom) is None, test
