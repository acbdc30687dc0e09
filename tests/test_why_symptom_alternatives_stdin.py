"""`doctor why` as a tester saw it on CTFd/CTFd (91ced62): a symptom cut past the host it names, a held port
whose fix lost the alternative preflight offers (stop who holds it), and a symptom piped to `why`, which
it then ignored; since trials F1-G2 it reads that text when no container is there to read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from test_why_live import compose, free_port, run_why
from test_why_live import image as image  # the stand-in image fixture, tagged per test

from doctor.engine import Report
from doctor.host.containers import ContainerState
from doctor.model import Finding, Fix, Location, Safety, Severity
from doctor.redact import Redactor
from doctor.why.advice import as_explained, unexplained
from doctor.why.diagnose import Diagnosis, Symptom
from doctor.why.excerpt import EXCERPT_TAIL, EXCERPT_WIDTH
from doctor.why.piped import read_piped, service_of
from doctor.why.render import console_lines
from doctor.why.signatures import BUILTIN
from doctor.why.symptoms import match_symptoms

MARIADB = ("pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on 'mariadbserver' "
           "([Errno -2] Name or service not known)\")")
REFUSED = ("sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) (2003, \"Can't connect to MySQL server "
           "on 'db' ([Errno 111] Connection refused)\") url=mysql+pymysql://ctfd:s3cret-Pa55@db:3306/ctfd")
ENGINE = ("driver failed programming external connectivity on endpoint p-web-1 (0f1f0e2f1fc9c1c73acacd7bd1936d0bf3b"
          "a0a5d0286e9eaf1fff0ffef7e1807): Bind for 0.0.0.0:21441 failed: port is already allocated")


def _symptom(line: str, service: str = "ctfd") -> tuple[ContainerState, Symptom]:
    container = ContainerState("abc", f"p-{service}-1", service, "exited", exit_code=1, log_tail=(line,))
    return container, match_symptoms(container, BUILTIN)[0]


@pytest.mark.parametrize(("line", "kept"), [
    (MARIADB, "Can't connect to MySQL server on 'mariadbserver' ([Errno -2] Name or service not known)"),
    (REFUSED, "Can't connect to MySQL server on 'db' ([Errno 111] Connection refused)"),
])
def test_the_symptom_keeps_the_host_named_before_the_match(line: str, kept: str) -> None:
    """Before: `…Name or service not known)")` and `…Connection refused)") url=…`: the host was cut off."""
    _, symptom = _symptom(line)
    assert symptom.start > 40 and kept in symptom.excerpt, symptom.excerpt


def test_an_engine_error_is_still_shown_from_its_match() -> None:
    # the endpoint's hash before `Bind for` names no host: noise, left out as before
    _, symptom = _symptom(ENGINE)
    assert symptom.excerpt == "…Bind for 0.0.0.0:21441 failed: port is already allocated"


def test_the_excerpt_is_bounded_and_cut_between_words() -> None:
    line = f"Can't connect to 'db' ([Errno 111] Connection refused) {'retrying in 5 seconds ' * 40}"
    _, symptom = _symptom(line)
    head, tail = symptom.excerpt.split(" … ")
    assert len(head) <= EXCERPT_WIDTH and line.startswith(head) and line[len(head)] == " ", head  # between words
    assert len(tail) <= EXCERPT_TAIL and line.rstrip().endswith(f" {tail}"), tail  # the line's end, from a word
    _, later = _symptom(f"{REFUSED} {'retrying in 5 seconds ' * 40}")
    assert "server on 'db'" in later.excerpt and len(later.excerpt) <= EXCERPT_WIDTH + EXCERPT_TAIL + 4
    long_word = "x" * 3000 + " ModuleNotFoundError: No module named 'app'"
    _, symptom = _symptom(long_word)
    assert symptom.excerpt == "…ModuleNotFoundError: No module named 'app'"
    _, url = _symptom("Connection refused url=postgres://app:" + "v" * 300 + "@db/app")
    shown = Redactor.from_environment({}).text(url.excerpt)
    assert shown == "Connection refused url=postgres://app:…", shown  # cut before the password, not inside it
    mount = ('error mounting "/home/dev/src/app/nginx.conf" to rootfs at "/bin/busybox": mount /home/dev/src/app/'
             'nginx.conf:/bin/busybox (via /proc/self/fd/6), flags: 0x5000: not a directory: unknown: Are you trying '
             'to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the '
             'expected type')
    _, engine = _symptom(f"Error response from daemon: failed to create task for container: {mount}")
    assert "/home/dev/src/app/nginx.conf" in engine.excerpt and engine.excerpt.endswith(
        "Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and "
        "is the expected type"), engine.excerpt  # the engine's hint at the end stays
    _, keyed = _symptom("Connection refused " + "a " * 200 + "password: hunter2hunter2 " + "b " * 60)
    assert "hunter2" not in Redactor.from_environment({}).text(keyed.excerpt), keyed.excerpt
    _, one_word = _symptom("Connection refused;" + "k=v&" * 2000)
    assert len(one_word.excerpt) <= EXCERPT_WIDTH + 1 and one_word.excerpt.endswith("&…")


def test_the_excerpt_s_secret_is_masked_in_the_console_and_the_message(tmp_path: Path) -> None:
    container, symptom = _symptom(REFUSED)
    lines = list(console_lines(Report(tmp_path, ()), [Diagnosis("ctfd", container, (symptom,),
                               (unexplained(symptom),))], Redactor.from_environment({}), "p", tmp_path))
    text = "\n".join(lines)
    assert "server on 'db'" in text and "s3cret-Pa55" not in text, text


def test_why_shows_the_alternatives_the_fix_carries(tmp_path: Path) -> None:
    """preflight printed `or:  stop 'web' of project 'h': ...` under the move; why printed the move alone."""
    container, symptom = _symptom(ENGINE, "web")
    stop = Fix("stop 'web' of project 'h'", Safety.UNSAFE, command=("docker", "compose", "-p", "h", "stop", "web"))
    move = Fix("move 'web' from host port 21441 to 21442", Safety.SAFE, alternatives=(stop,))
    held = Finding("port-collision", Severity.ERROR, "0.0.0.0:21441/tcp ('web') is taken by 'h' service 'web'",
                   Location(tmp_path / "compose.yaml", 6), "web:21441", move)
    diagnosis = Diagnosis("web", container, (symptom,), (as_explained(held, symptom),))
    lines = list(console_lines(Report(tmp_path, ()), [diagnosis], Redactor.from_environment({}), "p", tmp_path))
    at = lines.index("    fix      move 'web' from host port 21441 to 21442")
    assert lines[at + 1] == "    or       stop 'web' of project 'h': docker compose -p h stop web", lines


def doctor(*args: str, cwd: Path, stdin: int = subprocess.DEVNULL,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env=env, stdin=stdin)


def test_text_piped_to_why_is_read_when_no_container_is(tmp_path: Path) -> None:
    """wagtail/bakerydemo trial: `up`'s output piped in named the entrypoint the kernel could not
    start; with no container to read (here no engine at all), the text's symptom is explained by the
    CRLF finding, as a container's log line would be."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    image: busybox\n    entrypoint: [\"/code/docker-entrypoint.sh\"]\n"
        "    volumes:\n      - ./docker-entrypoint.sh:/code/docker-entrypoint.sh\n")
    (tmp_path / "docker-entrypoint.sh").write_bytes(b'#!/bin/sh\r\nexec "$@"\r\n')
    env = {**os.environ, "DOCKER_HOST": "tcp://127.0.0.1:9", "HOME": str(tmp_path)}
    piped = subprocess.run([sys.executable, "-m", "doctor", "why"], cwd=tmp_path, capture_output=True, text=True,
                           timeout=60, env=env,
                           input="\x1b[31mapp-1  | exec /code/docker-entrypoint.sh: no such file or directory\x1b[0m\n"
                                 "app-1 exited with code 1\n")
    assert piped.returncode == 1, piped
    assert "✗ app  exited (1), in the piped output" in piped.stdout, piped.stdout  # compose's exit line says so
    assert "cause    script-line-endings  docker-entrypoint.sh:1" in piped.stdout, piped.stdout
    assert "reading the piped text alone" in piped.stderr, piped.stderr
    quiet = doctor("why", cwd=tmp_path, env=env)  # no stdin to speak of: the engine's absence is the one line
    assert quiet.returncode == 2 and quiet.stderr.count("\n") == 1, quiet.stderr
    assert quiet.stderr.startswith("doctor: cannot look at the containers:"), quiet.stderr
    unknown = subprocess.run([sys.executable, "-m", "doctor", "why"], cwd=tmp_path, capture_output=True, text=True,
                             timeout=60, env=env, input="nothing any signature knows\n")
    assert unknown.returncode == 2 and "cannot look at the containers" in unknown.stderr, unknown


def test_piped_text_is_read_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from doctor.why import piped

    read_end, write_end = os.pipe()
    try:
        os.write(write_end, b"port is already allocated\n")
        os.close(write_end)
        write_end = -1
        assert read_piped(read_end) == "port is already allocated\n"
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)
    monkeypatch.setattr(piped, "FIRST_WAIT", 0.2)
    read_end, write_end = os.pipe()  # open and empty, as a CI step's stdin can be: no text, no hang
    try:
        assert read_piped(read_end) == ""
    finally:
        os.close(read_end)
        os.close(write_end)
    monkeypatch.setattr(piped, "MAX_BYTES", 64)
    file = tmp_path / "up.log"
    file.write_text("x" * 1000 + "\nBind for 0.0.0.0:3306 failed: port is already allocated\n")
    with file.open("rb") as given, open(os.devnull, "rb") as null:
        text = read_piped(given.fileno())
        assert text.endswith("port is already allocated\n") and len(text) == 64
        assert read_piped(given.fileno()) == "" and read_piped(null.fileno()) == ""  # read already; no text


def test_a_piped_line_is_given_to_the_service_it_names() -> None:
    services = {"web", "db", "why-web"}
    assert service_of("web-1  | Error: connect ECONNREFUSED", services) == ("web", "web-1")
    assert service_of("Error response from daemon: ... endpoint trialf1-why-web-1 (0bbf8a): listen tcp4",
                      services) == ("why-web", "trialf1-why-web-1")
    assert service_of(" Container proj_db_1  Error", {"db"}) == ("db", "proj_db_1")
    assert service_of("listen tcp4 0.0.0.0:28081: bind: address already in use", services) == ("", "")


@pytest.mark.docker
def test_why_offers_what_preflight_offers_for_a_port_another_project_holds(tmp_path: Path, docker_engine: str,
                                                                          image: str) -> None:
    run = uuid.uuid4().hex[:8]
    name, holder = f"doctor-test-{run}", f"doctor-test-hold-{run}"
    port = free_port()
    root, other = tmp_path / "app", tmp_path / "holder"
    for folder in (root, other):
        folder.mkdir()
        (folder / "compose.yaml").write_text(
            f"services:\n  web:\n    image: {image}\n"
            f"    command: [\"sh\", \"-c\", 'trap \"exit 0\" TERM; httpd -f -p 80 -h / & wait']\n"
            f"    ports:\n      - \"{port}:80\"\n")
    try:
        assert compose(docker_engine, other, holder, "up", "-d").returncode == 0
        up = compose(docker_engine, root, name, "up", "-d")
        assert up.returncode != 0 and "already allocated" in up.stderr, up.stderr
        done = doctor("preflight", "-p", name, "--select", "port-collision", "--format", "json", cwd=root)
        (finding,) = json.loads(done.stdout)["findings"]
        offered = [f"{a['title']}: {' '.join(a['command'])}" for a in finding["fix"]["alternatives"]]
        assert offered == [f"stop 'web' of project '{holder}': docker compose -p {holder} stop web"], finding
        status, text = run_why(root, name)
        assert status == 1, text
        lines = text.splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith("    fix      move 'web'"))
        assert [line.removeprefix("    or       ") for line in lines[at + 1:at + 1 + len(offered)]] == offered, text
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "-t", "0")
        compose(docker_engine, other, holder, "down", "-v", "--remove-orphans", "-t", "0")
