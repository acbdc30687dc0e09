"""Bad input that reaches the checks: a finding, or nothing, never a crashed check, and no work
growing faster than the input.

Each project is built in tmp_path and run in-process through every check; a check that raised
ends with Status.ERROR (the per-check border), which is what these tests rule out. Where the
input is a kind of something doctor already handles (a COPY source too long to exist is a
missing one, a package.json nested too deep an invalid one) the run must read exactly as it
does for that.
"""

from __future__ import annotations

import random
import shlex
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from trees import write_tree

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Status
from doctor.project import ProjectOptions
from doctor.project.script_words import _words

LONG = "x" * 300  # over NAME_MAX (255): stat/open fail with ENAMETOOLONG
DEEP = "/".join(["abcdefgh"] * 600)  # over PATH_MAX (4096) once joined to the project's folder
BUILT = "services:\n  web:\n    build: .\n"


def _results(project: Path) -> dict[str, tuple[Status, str, tuple[tuple[str, str, str], ...]]]:
    """Every check's status, error text and findings (severity, subject, message) on the project."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "DOCTOR_NO_CACHE": "1",
           "DOCKER_HOST": f"unix://{project}/no-engine.sock"}  # the same on every machine: no engine
    options = ProjectOptions(path=project, env=env)
    report = preflight(RunOptions(project=options, env=env), load_registry()).report
    return {r.check: (r.status, r.reason, tuple((f.severity.label, f.subject, f.message) for f in r.findings))
            for r in report.results}


def _same(one: dict[str, tuple[Status, str, tuple[tuple[str, str, str], ...]]],
          other: dict[str, tuple[Status, str, tuple[tuple[str, str, str], ...]]]) -> None:
    """The two runs read alike in every check of the project's files (host checks such as
    path-gap answer from the machine, within a time limit: not compared)."""
    checks = load_registry().checks
    compared = {c for c in one if checks[c].project_only or c == "host-vs-container"}
    assert {c: (s, f) for c, (s, _, f) in one.items() if c in compared} == {
        c: (s, f) for c, (s, _, f) in other.items() if c in compared}


def _crashed(results: dict[str, tuple[Status, str, tuple[tuple[str, str, str], ...]]]) -> dict[str, str]:
    return {check: reason for check, (status, reason, _) in results.items() if status is Status.ERROR}



# --- 1. env_file: / -------------------------------------------------------------------------

def test_env_file_that_is_the_root_folder_is_compose_configs_finding_not_a_crash(tmp_path: Path) -> None:
    # docker compose config: "failed to read /: read /: is a directory"
    project = write_tree(tmp_path, {"compose.yaml": "services:\n  web:\n    image: alpine\n    env_file: /\n"})
    results = _results(project)
    assert _crashed(results) == {}
    assert any("env file" in message for _, _, message in results["compose-config"][2])


def _env_file_named(root: Path, name: str) -> Path:
    return write_tree(root, {"compose.yaml": f"services:\n  web:\n    image: alpine\n    env_file: ./{name}\n"})


def test_env_file_name_too_long_is_a_missing_env_file(tmp_path: Path) -> None:
    # the whole run stopped here (the compose loader's Path.exists raised ENAMETOOLONG)
    long = _results(_env_file_named(tmp_path / "long", LONG))
    missing = _results(_env_file_named(tmp_path / "missing", "nope.env"))
    assert _crashed(long) == {}
    assert [m for _, _, m in long["compose-config"][2]] == [
        m.replace("nope.env", LONG) for _, _, m in missing["compose-config"][2]]


def test_env_drift_reads_an_env_file_name_too_long_as_missing(tmp_path: Path) -> None:
    assert _crashed(_results(_env_file_named(tmp_path, LONG))) == {}


# --- 2. COPY sources whose name is too long to exist -----------------------------------------

def _copy_long(name: str) -> dict[str, str]:
    return {"Dockerfile": f"FROM python:3.12\nCOPY {name} /app/\n", "compose.yaml": BUILT}


def _copy_long_glob(name: str) -> dict[str, str]:
    return {"Dockerfile": f"FROM python:3.12\nCOPY {name}/*.sh /app/\nRUN /app/{name}/x.sh\n", "compose.yaml": BUILT}


def _builder_stage_runs_it(name: str) -> dict[str, str]:
    dockerfile = f"FROM python:3.12 AS b\nCOPY {name} /w/\nRUN /w/{name}.sh\nFROM python:3.12\nCOPY --from=b /w /w\n"
    return {"Dockerfile": dockerfile, "compose.yaml": BUILT}


def _command_names_it(name: str) -> dict[str, str]:
    compose = (f"services:\n  web:\n    image: alpine\n    working_dir: /app\n    volumes:\n      - .:/app\n"
               f"    command: ./{name}.sh\n    entrypoint: /app/{name}/{name}\n")
    return {"compose.yaml": compose}


def _built_and_bound(name: str) -> dict[str, str]:
    compose = (f"services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n    develop:\n      watch:\n"
               f"        - action: sync\n          path: ./{name}\n          target: /app/w\n")
    return {"Dockerfile": "FROM python:3.12\nRUN pip install flask\nCOPY . /app\n", "requirements.txt": "flask\n",
            "compose.yaml": compose}


@pytest.mark.parametrize("make", [_copy_long, _copy_long_glob, _builder_stage_runs_it, _command_names_it,
                                  _built_and_bound])
@pytest.mark.parametrize("name", [LONG, DEEP], ids=["name-too-long", "path-too-long"])
def test_a_source_too_long_to_exist_is_a_missing_one(tmp_path: Path, make: Callable[[str], dict[str, str]],
                                                     name: str) -> None:
    long = _results(write_tree(tmp_path / "long", make(name)))
    missing = _results(write_tree(tmp_path / "missing", make("missing")))
    assert _crashed(long) == {}
    _same(long, missing)


# --- 3. JSON nested past the interpreter's stack ---------------------------------------------

NESTED = '{"a":' * 3000 + "1" + "}" * 3000


def _package(text: str) -> dict[str, str]:
    return {"app/package.json": text, "Dockerfile": "FROM node:20\nRUN npm install\nCOPY app /app\n",
            "compose.yaml": BUILT + "    volumes:\n      - ./app:/app\n"}


def test_package_json_nested_too_deep_reads_as_an_invalid_one(tmp_path: Path) -> None:
    deep = _results(write_tree(tmp_path / "deep", _package(NESTED)))
    invalid = _results(write_tree(tmp_path / "invalid", _package('{"a": ')))
    assert _crashed(deep) == {}
    _same(deep, invalid)


def test_dockerfile_exec_form_nested_too_deep_is_a_shell_form(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12\nCOPY . /app\nCMD " + "[" * 3000 + "]" * 3000 + "\n"
    dockerfile += "COPY --from=base " + "[" * 3000 + "]" * 3000 + "\n"
    project = write_tree(tmp_path, {"Dockerfile": dockerfile, "compose.yaml": BUILT})
    assert _crashed(_results(project)) == {}


# --- 4. a long single-line command ------------------------------------------------------------

def _command(size: int) -> str:
    """A `sh -c "..."` command of about `size` characters: one quoted shell word of most of it."""
    return 'sh -c "echo ' + "aaaa " * (size // 5) + '" && ./run.sh'


def _best(seconds: Callable[[], float], times: int) -> float:
    return min(seconds() for _ in range(times))


def _timed(text: str, repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        _words(text)
    return time.perf_counter() - start


COMMANDS = ['sh -c "echo hi && ./run.sh"', "bash -lc 'python manage.py migrate'", r'a\ b "c\"d" e\\f',
            '""', "a''b", 'x "" y', "./entrypoint.sh --port=8000", 'sh -c "unterminated', "ends\\",
            '"a \\q b" \'c \\ d\'', "tab\there\nnewline"]


def test_commands_split_as_shlex_splits_them_in_time_linear_in_their_length() -> None:
    """script-line-endings reads a command's words as before (shlex.split, else split at blanks),
    and 1 MB split once costs what ten 100 KB splits cost (shlex: ten times that, quadratic in a
    word's length). A ratio of the two, never a time: the margin is wide either way."""
    rng = random.Random(4)
    alphabet = [" ", "\t", "\n", "'", '"', "\\", "a", "b", "\x0b", "#", "$", "é"]
    texts = [*COMMANDS, *("".join(rng.choice(alphabet) for _ in range(rng.randrange(16))) for _ in range(20_000))]
    assert [t for t in texts if _words(t) != _shlex_words(t)] == []
    small, large = _command(100_000), _command(1_000_000)
    assert _words(large)[-2:] == ["&&", "./run.sh"]
    tenfold = _best(lambda: _timed(small, 10), 5)
    once = _best(lambda: _timed(large), 2)
    assert once < 4 * tenfold, (once, tenfold)


def _shlex_words(text: str) -> list[str]:
    """What script-line-endings read a command as before: shlex.split, else split at blanks."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def test_a_root_package_json_nested_too_deep_and_a_bind_named_too_long_crash_no_check(tmp_path: Path) -> None:
    """runtime-drift read the root package.json with json.loads (RecursionError), missing-mount a
    bind source with Path.exists (ENAMETOOLONG): both crashed their check."""
    deep = '{"a":' * 3000 + "1" + "}" * 3000
    project = write_tree(tmp_path, {"package.json": deep, "Dockerfile": "FROM node:22\n",
                                  "compose.yaml": f"services:\n  web:\n    build: .\n    volumes: ['./{LONG}:/app']\n"})
    assert _crashed(_results(project)) == {}
