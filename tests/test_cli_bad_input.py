"""Bad input through the real CLI: a finding or one line with file (and line), exit 1 or 2, never a traceback.

The loader's own tests (test_compose_bad_input.py) check each Problem in detail; this is the
user's view: `doctor preflight` on the broken project, with every other check still reported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

GOOD_SERVICE = "services:\n  web:\n    image: busybox\n    ports:\n      - '18080:80'\n"


def _tab_indent(p: Path) -> None:
    (p / "compose.yaml").write_text("services:\n  web:\n\timage: busybox\n")


def _duplicate_key(p: Path) -> None:
    (p / "compose.yaml").write_text("services:\n  web:\n    image: a\n    image: b\n")


def _services_list(p: Path) -> None:
    (p / "compose.yaml").write_text("services:\n  - web\n")


def _bare_int_ports(p: Path) -> None:
    (p / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    ports: 8080\n")


def _empty(p: Path) -> None:
    (p / "compose.yaml").write_text("")


def _huge(p: Path) -> None:
    filler = "x-pad:\n" + "".join(f"  k{i}: '{'y' * 200}'\n" for i in range(100_000))
    (p / "compose.yaml").write_text(GOOD_SERVICE + filler)  # ~21 MB


def _binary(p: Path) -> None:
    (p / "compose.yaml").write_bytes(bytes(range(256)) * 64)


def _symlink_loop(p: Path) -> None:
    (p / "compose.yaml").write_text(GOOD_SERVICE)
    (p / "loop").symlink_to(p / "loop")
    (p / "a").symlink_to(p / "b")
    (p / "b").symlink_to(p / "a")


def _missing_env_file_required(p: Path) -> None:
    (p / "compose.yaml").write_text(GOOD_SERVICE + "    env_file: nope.env\n")


def _missing_env_file_optional(p: Path) -> None:
    (p / "compose.yaml").write_text(GOOD_SERVICE + "    env_file:\n      - path: nope.env\n        required: false\n")


def _broken_dotenv(p: Path) -> None:
    (p / "compose.yaml").write_text(GOOD_SERVICE + "    environment:\n      A: ${GOOD}\n")
    (p / ".env").write_bytes(b"GOOD=1\nBAD KEY=2\nQUOTE='unterminated\n")


def _non_utf8_dotenv(p: Path) -> None:
    (p / "compose.yaml").write_text(GOOD_SERVICE)
    (p / ".env").write_bytes(b"GOOD=1\nLATIN=caf\xe9\nOTHER=2\n")


def _non_utf8_script_name(p: Path) -> None:
    (p / "compose.yaml").write_text('services:\n  web:\n    image: alpine\n    volumes: ["./app:/app"]\n')
    (p / "app").mkdir()
    (p / "app" / os.fsdecode(b"caf\xe9.sh")).write_bytes(b"#!/bin/sh\r\necho\r\n")


# name -> (make project, expected exit, text that must appear in the output)
CASES: dict[str, tuple[Callable[[Path], None], int, str]] = {
    "tab-in-indentation": (_tab_indent, 1, "compose.yaml:3"),
    "duplicate-key": (_duplicate_key, 1, "compose.yaml:4"),
    "services-as-list": (_services_list, 1, "compose.yaml"),
    "ports-bare-int": (_bare_int_ports, 1, "compose.yaml:4"),
    "empty-file": (_empty, 1, "empty compose file"),
    "twenty-megabytes": (_huge, 1, "compose.yaml"),
    "binary-file": (_binary, 1, "compose.yaml"),
    "symlink-loop": (_symlink_loop, 0, "✓ root-owned-files"),
    "env-file-missing-required": (_missing_env_file_required, 1, "nope.env"),
    "env-file-missing-optional": (_missing_env_file_optional, 0, "✓ compose-config"),
    "dotenv-broken-lines": (_broken_dotenv, 1, ".env:2"),
    # compose v2.40.3 reads the bytes as they are: no fault
    "dotenv-not-utf8": (_non_utf8_dotenv, 0, "✓ compose-config"),
    # its finding's fingerprint hashed the name strictly as UTF-8: "internal error" in json, fix, baseline
    "script-name-not-utf8": (_non_utf8_script_name, 1, "has CRLF line endings"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_never_crashes(name: str, tmp_path: Path) -> None:
    make, expected_exit, expected_text = CASES[name]
    project = tmp_path / "proj"
    project.mkdir()
    make(project)
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path)}
    env.pop("GITHUB_ACTIONS", None)
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", str(project)], capture_output=True,
                          text=True, env=env, timeout=60, errors="replace")
    output = done.stdout + done.stderr
    assert "Traceback" not in output and "internal error" not in output
    as_json = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--format", "json", str(project)],
                             capture_output=True, text=True, env=env, timeout=60, errors="replace")
    assert "internal error" not in as_json.stderr and as_json.returncode == expected_exit, as_json.stderr
    assert done.returncode == expected_exit, output
    assert expected_text in output, output
    if done.returncode != 2:  # a finding, not a usage error: every other check still reports
        for check_id in ("env-drift", "port-collision", "service-name-drift", "missing-mount"):
            assert check_id in done.stdout, f"{check_id} did not run:\n{output}"


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_a_reader_that_goes_away_ends_the_run_quietly(fmt: str, tmp_path: Path) -> None:
    """`doctor preflight | head -1`: no "internal error" line, the status of a SIGPIPE death (141)."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path)}
    env.pop("GITHUB_ACTIONS", None)
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before doctor writes a byte
    try:
        done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--format", fmt, str(project)],
                              stdout=write_end, stderr=subprocess.PIPE, text=True, env=env, timeout=60)
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 141


def test_ports_with_the_engine_down_says_it_could_not_look(tmp_path: Path) -> None:
    """`doctor ports` with the daemon down printed '✓ no clashes' as if it had looked at the engine."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text(GOOD_SERVICE)
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "doctor", "ports", str(project)], capture_output=True,
                          text=True, env=env, timeout=60)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
    last = done.stdout.rstrip().splitlines()[-1]
    assert last.startswith("~ no clashes") and "✓" not in done.stdout, done.stdout
    assert "docker engine unavailable: no socket at /nonexistent/docker.sock" in last
    as_json = subprocess.run([sys.executable, "-m", "doctor", "ports", "--json", str(project)],
                             capture_output=True, text=True, env=env, timeout=60)
    import json

    assert json.loads(as_json.stdout)["engine"].startswith("unavailable: no socket at /nonexistent")


@pytest.mark.parametrize("command", ["preflight", "baseline"])
def test_a_report_file_doctor_cannot_write_is_one_line(command: str, tmp_path: Path) -> None:
    """`--output DIR`, or a file in a folder the user may not write, ended in 'internal error:
    IsADirectoryError ... .x.json.1234.abcd.doctor-tmp'; `doctor baseline` in a read-only checkout too."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text(GOOD_SERVICE)
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path),
           "DOCTOR_NO_CACHE": "1"}
    env.pop("DOCTOR_DEBUG", None)
    if command == "preflight":
        args, target = ["preflight", "--format", "json", "--output", str(tmp_path), str(project)], tmp_path
        expected = f"doctor: cannot write {tmp_path}: it is a directory\n"
    else:
        (project / ".doctor-baseline.json").mkdir()  # what a read-only checkout does to the write, as root too
        args, target = ["baseline", str(project)], project / ".doctor-baseline.json"
        expected = f"doctor: cannot write {target}: it is a directory\n"
    done = subprocess.run([sys.executable, "-m", "doctor", *args], capture_output=True, text=True, env=env,
                          timeout=60)
    assert (done.returncode, done.stderr) == (2, expected), done.stdout + done.stderr
    assert "doctor-tmp" not in done.stderr and not list(target.parent.glob(".*doctor-tmp"))


def test_a_report_file_in_a_folder_the_user_may_not_write_is_one_line() -> None:
    import shutil
    import tempfile

    from run_as import as_user

    from doctor.app import UsageError, write_atomic

    if os.geteuid() != 0:
        pytest.skip("needs root to run the write as another user")
    locked = Path(tempfile.mkdtemp(prefix="doctor-test-locked-"))
    locked.chmod(0o755)  # root's folder, under /tmp where anyone may look: nobody may not create files in it

    def attempt() -> str:
        try:
            write_atomic(locked / "doctor.sarif", "{}")
        except UsageError as exc:
            return str(exc)
        return "written"

    try:
        assert as_user(65534, attempt) == f"cannot write {locked / 'doctor.sarif'}: permission denied"
    finally:
        shutil.rmtree(locked)


def test_ports_in_a_folder_with_no_compose_file_is_one_line_exit_2(tmp_path: Path) -> None:
    """`doctor ports` where there is no project printed 'no compose file' then '✓ no clashes', exit 0;
    its own docstring (and preflight) say exit 2 with compose's line."""
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "doctor", "ports", str(tmp_path)], capture_output=True,
                          text=True, env=env, timeout=60)
    assert done.returncode == 2 and done.stdout == "", done.stdout + done.stderr
    assert done.stderr.startswith(f"doctor: {tmp_path}: no configuration file provided: not found")


def test_a_full_disk_under_the_output_is_one_line(tmp_path: Path) -> None:
    """`doctor preflight > /dev/full` (a CI disk that filled up) said 'internal error: OSError: [Errno 28]'."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text(GOOD_SERVICE)
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path)}
    env.pop("DOCTOR_DEBUG", None)
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "doctor", "preflight", str(project)], stdout=full,
                              stderr=subprocess.PIPE, text=True, env=env, timeout=60)
    assert (done.returncode, done.stderr) == (2, "doctor: cannot write the output: no space left on device\n")


def test_compose_from_stdin_is_refused_in_words_that_say_so(tmp_path: Path) -> None:
    """`cat compose.yaml | doctor preflight -f -` (compose reads stdin there) said '-: no such compose file'."""
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "-f", "-", str(tmp_path)], input=GOOD_SERVICE,
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2 and done.stderr == (
        "doctor: -f -: doctor does not read a compose file from stdin (it reads the files around it too): "
        "save it and give its path\n"), done.stderr


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_terminal_that_is_not_utf8_still_gets_the_report(encoding: str, tmp_path: Path) -> None:
    """A CI agent or terminal on a non-UTF-8 locale (PYTHONIOENCODING=ascii, LANG=en_US.ISO-8859-1) got
    'internal error: UnicodeEncodeError ... \\u2713' and no report at all; then '?' for both ✓ and ✗, so a
    passed check and a failed one looked the same. ASCII marks now: '+' passed, 'X' failed."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    ports: ['${PORT}:80']\n")
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path),
           "PYTHONIOENCODING": encoding}
    env.pop("GITHUB_ACTIONS", None)
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--select", "env-drift,leaked-host-port",
                           str(project)], capture_output=True, env=env, timeout=60)
    assert done.returncode == 1 and done.stderr == b"", done.stderr
    assert b"X env-drift" in done.stdout and b"'PORT' is not set" in done.stdout, done.stdout
    assert b"+ leaked-host-port" in done.stdout, done.stdout
    assert b"?" not in done.stdout, done.stdout


@pytest.mark.parametrize("args", [["preflight"], ["preflight", "/"], ["fix", "--dry-run"], ["why"], ["ports"],
                                  ["info"]])
def test_a_current_folder_that_no_longer_exists_is_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    """After `git worktree remove` (or a branch switch) the shell still sits in the removed folder:
    preflight printed a traceback and exited 1 (read by CI as "findings"), the others an internal error."""
    gone = tmp_path / "gone"
    gone.mkdir()
    script = ("import os, subprocess, sys; os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]); "
              "sys.exit(subprocess.run([sys.executable, '-m', 'doctor', *sys.argv[2:]]).returncode)")
    done = subprocess.run([sys.executable, "-c", script, str(gone), *args], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("doctor: the current folder no longer exists") and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr


def test_a_ctrl_c_while_doctor_still_imports_is_one_line() -> None:
    """Ctrl-C in the first ~50 ms of `doctor fix` (before its own handler) printed a KeyboardInterrupt
    traceback; one line now, and the process still ends by SIGINT. An error that is no interrupt
    keeps its traceback."""
    done = subprocess.run([sys.executable, "-c", "import doctor; raise KeyboardInterrupt"], capture_output=True,
                          text=True, timeout=60)
    assert done.stderr == "doctor: interrupted\n"
    assert done.returncode in (-2, 130)
    other = subprocess.run([sys.executable, "-c", "import doctor; raise ValueError('x')"], capture_output=True,
                           text=True, timeout=60)
    assert "Traceback" in other.stderr and "ValueError: x" in other.stderr


def test_a_compose_file_that_does_not_load_leaves_the_override_unjudged(tmp_path: Path) -> None:
    """compose.yaml with a YAML error beside an override adding a bind mount to `backend`: doctor also
    reported 'service 'backend' has neither an image nor a build context specified' at the override,
    judging it alone; compose stops at the YAML error, and so does doctor."""
    from doctor.project import Project, ProjectOptions

    (tmp_path / "compose.yaml").write_text("services:\n  backend:\n    image: nginx\n   bad: [\n")
    (tmp_path / "compose.override.yaml").write_text("services:\n  backend:\n    volumes:\n      - ./app:/app\n")
    problems = Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin"})).compose.problems
    assert [(p.kind.value, p.message) for p in problems] == [("yaml", "yaml: did not find expected key")]


def test_a_dotenv_over_doctors_limit_is_a_warning_and_env_drift_does_not_guess(tmp_path: Path) -> None:
    """A .env over doctor's 16 MiB limit, which compose reads: it was an error ("cannot read env
    file: too large") and env-drift then reported every variable it sets as unset, so CI failed on
    a project compose starts. A warning now, the checks partial, env-drift silent about it."""
    from doctor.engine import RunOptions, load_registry, preflight
    from doctor.model import Severity
    from doctor.project import ProjectOptions
    from doctor.project.reading import ENV_LIMIT

    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox:${TAG}\n")
    line = b"K_" + b"a" * 96 + b"=v\n"
    with (tmp_path / ".env").open("wb") as env:
        env.write(b"TAG=1.36\n")
        env.write(line * (ENV_LIMIT // len(line) + 10))
    env_vars = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1"}
    report = preflight(RunOptions(project=ProjectOptions(path=tmp_path, env=env_vars), env=env_vars,
                                  select=("compose-config", "env-drift")), load_registry()).report
    assert [(f.check, f.severity) for f in report.findings] == [("compose-config", Severity.WARNING)]
    assert report.findings[0].message.startswith("env file not read: too large")
    assert report.exit_code(Severity.ERROR) == 0


@pytest.mark.parametrize("args", [["list"], ["explain", "leaked-host-port"], ["--version"], ["--help"],
                                  ["fix", "--help"]])
def test_the_small_commands_end_quietly_too_when_the_reader_goes_away_or_the_disk_is_full(
        args: list[str], tmp_path: Path) -> None:
    """`doctor list | head -1`: 141 and nothing on stderr (a BrokenPipeError traceback, exit 1, before);
    `doctor list > /dev/full`: one line and 2 (an OSError traceback)."""
    env = {**os.environ, "HOME": str(tmp_path)}
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "doctor", *args], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, env=env, timeout=60)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (141, "")
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "doctor", *args], stdout=full, stderr=subprocess.PIPE,
                              text=True, env=env, timeout=60)
    assert (done.returncode, done.stderr) == (2, "doctor: cannot write the output: no space left on device\n")


@pytest.mark.parametrize("closed", ["<&-", ">&-", "2>&-"])
def test_a_standard_stream_closed_at_start_is_dev_null(closed: str, tmp_path: Path) -> None:
    """`doctor why <&-` read its own code cache (the first file it opened took fd 0) as the output of
    `up` and diagnosed it; `>&-` and `2>&-` ended in "'NoneType' object has no attribute 'isatty'",
    or a check reported crashed. Now the closed stream is /dev/null: `why` says no container ran."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  web:\n    image: doctor-test/none:1\n")
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path)}
    env.pop("GITHUB_ACTIONS", None)
    for command in ("why", "preflight"):
        line = f'exec "$0" -m doctor {command} "$1" {closed}'
        done = subprocess.run(["sh", "-c", line, sys.executable, str(project)], capture_output=True, text=True,
                              env=env, timeout=60)
        seen = done.stdout + done.stderr
        assert "Traceback" not in seen and "NoneType" not in seen and "internal error" not in seen, seen
        assert "crashed" not in seen and "piped" not in seen, seen
        if command == "preflight":
            assert done.returncode == 0, seen


def test_control_characters_from_the_project_are_shown_not_obeyed(tmp_path: Path) -> None:
    """A `.env` value holding ESC ] 0 ; ... BEL (a terminal title) reached the console raw through
    compose's `invalid hostPort: red^[]0;pwned^Gis`; a container log piped to `why` passed OSC
    sequences (a title, OSC 52's clipboard write) through. Shown in caret notation, or stripped."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / ".env").write_text("REDIS_HOST=red\x1b]0;pwned\x07is\n")
    (project / "compose.yaml").write_text('services:\n  web:\n    image: nginx\n    ports: ["${REDIS_HOST}:80"]\n')
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path)}
    env.pop("GITHUB_ACTIONS", None)
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", str(project)], capture_output=True,
                          text=True, env=env, timeout=60)
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout, done.stdout
    assert "red^[]0;pwnedis" in done.stdout, done.stdout
    log = "web-1  | Error: \x1b]52;c;aGVsbG8=\x07connect ECONNREFUSED 127.0.0.1:5432 \x1b]0;owned\x1b\\\n"
    done = subprocess.run([sys.executable, "-m", "doctor", "why", str(project)], input=log, capture_output=True,
                          text=True, env=env, timeout=90)
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout + done.stderr, done.stdout


def test_visible() -> None:
    from doctor.report.console import visible

    assert visible("a\x1b[2Jb\tc\nd\x7f\x9b\r\x07") == "a^[[2Jb\tc\nd^?\\x9b"


@pytest.mark.parametrize("command", ["why", "ports"])
@pytest.mark.parametrize("name", ["UPPER", "../x"])
def test_why_and_ports_refuse_a_project_name_compose_refuses(command: str, name: str, tmp_path: Path) -> None:
    """`why -p UPPER` looked at project `upper`, `ports -p ../x` at `x`; compose and preflight refuse them."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "doctor", command, "-p", name, str(project)], capture_output=True,
                          text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert done.stderr.startswith(f"doctor: invalid project name {name!r} (given with -p)"), done.stderr


def test_a_missing_or_folder_env_file_flag_gets_advice_about_the_flag(tmp_path: Path) -> None:
    """`--env-file /nonexistent` advised making it optional `at /nonexistent:None` in an `env_file:`
    key no file has; `--env-file SOMEDIR` said it could not find it."""
    project = tmp_path / "proj"
    (project / "envdir").mkdir(parents=True)
    (project / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path)}
    missing = tmp_path / "nonexistent.env"
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--env-file", str(missing), str(project)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert f"fix: create {missing} (no template beside it to copy), or name env files that exist" in done.stdout
    assert ":None" not in done.stdout and "required: false" not in done.stdout, done.stdout
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--env-file", str(project / "envdir"),
                           str(project)], capture_output=True, text=True, env=env, timeout=60)
    assert "is a directory" in done.stdout and "couldn't find" not in done.stdout, done.stdout


def test_ports_of_a_project_compose_refuses_is_no_tick(tmp_path: Path) -> None:
    """`ports: ["abc:80", ...]` (compose: invalid hostPort) was `✓ no clashes`, exit 0, "problem": null."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text('services:\n  web:\n    image: nginx\n    ports: ["abc:80", "8080:80"]\n')
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "doctor", "ports", str(project)], capture_output=True, text=True,
                          env=env, timeout=60)
    assert "✓" not in done.stdout and "compose refuses it (compose.yaml:4: invalid port 'abc:80'" in done.stdout
    done = subprocess.run([sys.executable, "-m", "doctor", "ports", "--json", str(project)], capture_output=True,
                          text=True, env=env, timeout=60)
    import json

    assert json.loads(done.stdout)["checkouts"][0]["problem"].startswith("compose refuses it")


def test_a_doubling_env_value_used_many_times_is_bounded(tmp_path: Path) -> None:
    """`.env` doubling a value to 2 MiB (A17), read by 100 keys of compose.yaml: 635 MB and 34 s (the
    credential-shape test walked each 2 MiB value character by character, once per key; no budget on
    what the files' interpolation adds). Now past 64 MiB the rest is not read, said once, and no value
    over 16 KB is judged a credential by its shape: 300 keys run in 1 GiB of address space."""
    import resource

    project = tmp_path / "proj"
    project.mkdir()
    (project / ".env").write_text("A0=xxxxxxxxxxxxxxxx\n" + "".join(f"A{i}=${{A{i - 1}}}${{A{i - 1}}}\n"
                                                                   for i in range(1, 18)))
    (project / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    environment:\n"
                                          + "".join(f"      K{i}: ${{A17}}\n" for i in range(300)))
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path),
           "DOCTOR_JOBS": "1"}

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", str(project)], capture_output=True,
                          text=True, env=env, timeout=120, preexec_fn=limited)
    assert "grows the files past 64 MiB: doctor reads no more of their values" in done.stdout, done.stdout
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    assert done.returncode == 0, (done.returncode, done.stderr)


@pytest.mark.parametrize("kind", ["fifo", "folder", "dangling"])
def test_a_doctor_yaml_that_is_no_regular_file_is_one_line(kind: str, tmp_path: Path) -> None:
    """A FIFO (or a folder, a dangling link) named doctor.yaml was skipped without a word: `doctor
    config` said there was no doctor.yaml, and the settings in it were never the run's."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    target = project / "doctor.yaml"
    {"fifo": lambda: os.mkfifo(target), "folder": target.mkdir,
     "dangling": lambda: target.symlink_to(tmp_path / "gone.yaml")}[kind]()
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "doctor", "config", str(project)], capture_output=True, text=True,
                          env=env, timeout=30)
    assert done.returncode == 2 and done.stderr.startswith(f"doctor: {target}: "), done.stderr
    assert done.stderr.count("\n") == 1 and "doctor reads its configuration from a regular file" in done.stderr
