"""`doctor why` on piped `up` output (mozilla/treeherder trial): a CRLF script's shell errors, a service's
`container_name:` as compose's log prefix, a container name already in use, and a pull compose interrupted.

Before: `backend  | /usr/bin/env: 'bash\\r': ...` (treeherder's `container_name: backend`) went to "(all
services)" unexplained; bash's `$'\\r': command not found` matched no signature (rc 2, "run 'docker compose
up' first"); `Conflict. The container name "/postgres" is already in use` was ignored and the image pulls
blamed; ` db  Interrupted` was dropped.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from doctor.model import Finding, Location, Severity
from doctor.why.diagnose import ALL_SERVICES
from doctor.why.explains import explaining
from doctor.why.piped import interrupted, service_of, text_lines, text_symptoms
from doctor.why.signatures import BUILTIN
from doctor.why.symptoms import line_symptom, readings

CR = "\r"
# the lines as the shells print them (bash 5.2, dash 0.5, busybox 1.36, coreutils 9 on a CRLF script)
CRLF_LINES = [
    ("./entrypoint.sh: line 2: $'\\r': command not found", {"path": "./entrypoint.sh"}),
    ("./entrypoint.sh: line 5: $'foo\\r': command not found", {"path": "./entrypoint.sh"}),
    ("entrypoint.sh: line 3: set: -\\r: invalid option", {"path": "entrypoint.sh"}),
    ("/usr/local/bin/docker-entrypoint: line 4: set: pipefail\\r: invalid option name",
     {"path": "/usr/local/bin/docker-entrypoint"}),
    ("./s.sh: 3: set: Illegal option -\\r", {"path": "./s.sh"}),
    ("./s.sh: set: line 3: illegal option -\\r", {"path": "./s.sh"}),
    ("./start.sh: line 2: \\r: not found", {"path": "./start.sh"}),
    ("bash: ./entrypoint.sh: /bin/bash^M: bad interpreter: No such file or directory", {"path": "./entrypoint.sh"}),
    ("/bin/sh^M: bad interpreter: No such file or directory", {}),
    ("/usr/bin/env: 'bash\\r': No such file or directory", {}),
    ("/usr/bin/env: \u2018bash\\r\u2019: No such file or directory", {}),
]


@pytest.mark.parametrize(("line", "captured"), CRLF_LINES)
def test_a_crlf_scripts_shell_errors_read_as_its_line_endings(line: str, captured: dict[str, str]) -> None:
    matching = readings(f"app-1  | {line}", BUILTIN)
    assert [s.id for s in matching] == ["crlf-script"], (line, [s.id for s in matching])  # not exec/command-not-found
    symptom = line_symptom("app", "app-1", "in the piped output", 0, f"app-1  | {line}", matching)
    assert symptom.checks == ("script-line-endings",)
    assert captured.items() <= symptom.captured.items(), symptom.captured


def test_lines_without_a_cr_are_not_crlf() -> None:
    for line in ("./entrypoint.sh: line 2: foo: command not found", "sh: gunicorn: not found",
                 "/bin/sh: 1: pytest: not found", "set: -x: invalid option", "exec /entrypoint.sh: no such file or "
                 "directory", "/usr/bin/env: 'python3': No such file or directory"):
        assert "crlf-script" not in [s.id for s in readings(line, BUILTIN)], line


def test_bashs_newer_words_for_a_missing_interpreter_are_exec_not_found() -> None:
    line = "bash: line 1: ./t.sh: cannot execute: required file not found"
    (signature,) = readings(line, BUILTIN)
    assert signature.id == "exec-not-found" and signature.match(line) == {"path": "./t.sh"}


def test_raw_crs_in_piped_text_read_as_bash_prints_them() -> None:
    text = (f"app-1  | ./s.sh: line 3: set: -{CR}: invalid option\n"
            f"app-1  | ./s.sh: 3: set: Illegal option -{CR}\n"  # dash: the CR ends the line
            f"app-1  | ready{CR}\n")  # a CRLF line end is no symptom
    assert text_lines(text) == ["app-1  | ./s.sh: line 3: set: -\\r: invalid option",
                                "app-1  | ./s.sh: 3: set: Illegal option -\\r", "app-1  | ready"]
    found = text_symptoms(text, BUILTIN, {"app"}, ALL_SERVICES, 3)
    (symptom,) = found["app"]
    assert symptom.signature is not None and symptom.signature.id == "crlf-script"


def test_a_container_names_prefix_is_its_service() -> None:
    services, names = {"backend", "db"}, {"backend": "backend", "postgres": "db"}
    line = "backend  | /usr/bin/env: 'bash\\r': No such file or directory"
    assert service_of(line, services, names) == ("backend", "backend")
    assert service_of(line, services) == ("", "")  # what it was: no `-N`, no service
    assert service_of("postgres  | FATAL: oops", services, names) == ("db", "postgres")
    assert service_of("backend-1  | x", services, names) == ("backend", "backend-1")  # compose's own names still
    assert service_of("other  | x", services, names) == ("", "")
    assert service_of(" ✘ Container postgres  Error response from daemon: x", services, names) == ("db", "postgres")
    conflict = 'Error response from daemon: Conflict. The container name "/postgres" is already in use by container'
    assert service_of(conflict, services, names) == ("db", "postgres")


CONFLICT = ('Error response from daemon: Conflict. The container name "/postgres" is already in use by container '
            '"0b1c2d3e4f5a". You have to remove (or rename) that container to be able to reuse that name.')
WHERE = Location(Path("/p/compose.yaml"), 7)


def test_a_taken_container_name_is_the_name_not_a_pull_nor_a_held_port() -> None:
    matching = readings(CONFLICT, BUILTIN)
    assert [s.id for s in matching] == ["container-name-conflict"]
    symptom = line_symptom("db", "postgres", "in the piped output", 0, CONFLICT, matching)
    assert symptom.captured == {"container": "postgres"} and symptom.checks == ("port-collision",)
    taken = Finding("port-collision", Severity.ERROR, "container_name 'postgres' of 'db' is taken by a stopped "
                    "container of project 'other': 'up' fails, the name being in use", WHERE, "container-name:postgres")
    port = Finding("port-collision", Severity.ERROR, "'db' publishes 5432, held by 'other'", WHERE, "db:5432")
    assert [e.subject for e in explaining(symptom, [port, taken], ("db",))] == ["container-name:postgres"]
    assert explaining(symptom, [port], ("db",)) == ()  # the port is another fault


def test_interrupted_services_are_named() -> None:
    text = " worker Pulling\n db Pulling\n ✘ worker Error x\n db  Interrupted\n ✘ cache Interrupted  0.1s\n"
    assert interrupted(text, {"db", "worker", "cache"}) == ["db", "cache"]
    assert interrupted(text, {"worker"}) == []


def _stack(root: Path, image: str = "busybox") -> None:
    root.mkdir(exist_ok=True)
    (root / "entrypoint.sh").write_bytes(b"#!/usr/bin/env bash\r\nset -e\r\n\r\necho started\r\n")
    (root / "compose.yaml").write_text(
        f"services:\n  app: {{container_name: app, image: {image}, entrypoint: ./entrypoint.sh, working_dir: /app, "
        f'volumes: [".:/app"]}}\n  db:\n    image: {image}\n    container_name: postgres-{root.name}\n')


def _why(root: Path, text: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "doctor", "why", "-p", f"x{uuid.uuid4().hex[:8]}"], cwd=root,
                          capture_output=True, text=True, timeout=120, input=text, env=dict(os.environ))


@pytest.mark.parametrize("line", [
    "app  | /usr/bin/env: 'bash\\r': No such file or directory",  # container_name: app
    "app-1  | ./entrypoint.sh: line 2: $'\\r': command not found",
])
def test_why_explains_a_piped_crlf_symptom_by_the_scripts_finding(tmp_path: Path, line: str) -> None:
    _stack(tmp_path)
    done = _why(tmp_path, line + "\n")
    assert done.returncode == 1, done
    out = done.stdout
    assert "✗ app  failed, in the piped output" in out and ALL_SERVICES not in out, out
    assert "means    a shell script has Windows (CRLF) line endings" in out, out
    assert "cause    script-line-endings  entrypoint.sh:1\n             has CRLF line endings and reaches 'app'" in out


def test_why_lists_an_interrupted_pull_beside_the_failed_one(tmp_path: Path) -> None:
    _stack(tmp_path)
    text = " app Pulling\n db Pulling\n app-1  | ./entrypoint.sh: line 2: $'\\r': command not found\n db  Interrupted\n"
    out = _why(tmp_path, text).stdout
    assert "- db   interrupted, in the piped output: compose cancelled it when 'app' failed" in out, out
    assert "1 of 2 services failed · 1 explained by a finding (1 not started)" in out, out


@pytest.mark.docker
def test_why_reads_a_piped_name_conflict_as_the_name(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    """No container has the name now: the clash is gone; one has it: port-collision's finding names it."""
    root = tmp_path / f"c{uuid.uuid4().hex[:8]}"
    _stack(root, busybox_image)
    name = f"postgres-{root.name}"
    text = CONFLICT.replace("/postgres", f"/{name}") + "\n"
    done = _why(root, text)
    assert done.returncode == 1, done
    out = done.stdout
    assert "✗ db   failed, in the piped output" in out and "pull" not in out, out
    assert "- app  not started: `up` stopped at 'db' first" in out, out
    assert f"compose.yaml:5  its `container_name: {name}`: no container has that name now, so the clash is gone" in out
    assert f"`docker rm -f {name}` if it comes back" in out, out
    subprocess.run([docker_engine, "create", "--name", name, busybox_image, "true"], check=True, capture_output=True)
    try:
        held = _why(root, text).stdout
    finally:
        subprocess.run([docker_engine, "rm", "-f", name], capture_output=True)
    # at its `container_name:` line, as the look-at above when no container has the name (it named `db:` at :3)
    cause = f"cause    port-collision  compose.yaml:5\n             container_name '{name}' of 'db' is taken"
    assert cause in held, held
