"""Differential tests: doctor's env-file reader against the real `docker compose config` (v2.40.3).

Every compose-go dotenv fixture (from ../shared, never copied into the repo) is read once as a
service `env_file:` and once as the project `.env`; a table of tricky texts covers what the
fixtures do not. Cases compose accepts share one project (one service each) to keep it fast.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from doctor.project.envfile import read_dotenv_files, read_env_file, read_service_env_files

pytestmark = pytest.mark.compose

OS_ENV = {"VAR_TO_BE_LOADED_FROM_OS_ENV": "SOME_RANDOM_VALUE", "PLAIN": "shell", "EMPTY": ""}
NAME = re.compile(r"[_A-Za-z][_A-Za-z0-9]*\Z")

# Texts compose accepts, each checked as an env_file (values verified by the run itself)
ACCEPTED = [
    "K=v\t# c\nL=v #c\nM=v#c\n",
    "K: yaml style\nexport E=1\nexportF=2\n",
    "X=file\nREF=${PLAIN}-${X}\nPLAIN=file\nAFTER=$PLAIN\n",
    "A=$$lit\nB=\"\\$lit\"\nC='$lit'\nD=\"\\0044PLAIN\"\n",
    "OP1=${UNSET:-d}\nOP2=${EMPTY-d}\nOP3=${PLAIN:+alt}\nOP4=${EMPTY+alt}\nOP5=${PLAIN?e}\nOP6=${EMPTY?e}\n",
    "Q=\"a\\01b\\0c\\0123\\0400\\c\\x41\\u00e9\"\nR=\"tab\\there\\\\n\"\n",
    "S='it\\'s \\n \\\\ x'\nT=\"multi\nline ${PLAIN}\"\nU='multi\nsingle'\n",
    'A="abc"def\nB="x" # comment\nC=\'y\'#c\n',
    "1NUM=x\nK.k-[0]=2\né=3\nA\tB=4\n",
    "VAR_TO_BE_LOADED_FROM_OS_ENV\nNOT_FOUND\nPLAIN\n",
    "DUP=1\nDUP=2\nDUP\n",
    "\ufeffBOM=1\r\nCRLF = 2 \r\n",
    "LAST_BARE",
    "export\nFOO=1\nexport \n",
    "J=${UNSET:-{\"j\":1}}\nK=${PLAIN:-{x}}\nL=${UNSET:-a}b}\n",
]
# Texts compose rejects (it stops at the first bad line; doctor reports a Problem there)
REJECTED = [
    "A!B=1\n",
    "INVALID LINE\n",
    "MY KEY=v\n",
    'A="unterminated\n',
    "A='unterminated\n",
    "A=${UNSET:?must be set}\n",
    "A=${1}\n",
    'A="x" "y"\n',
    "export ",
    "A=${PLAIN:-${NOPE:?eager}}\n",
]


def _config(compose_bin: str, project: Path, *extra: str,
            before: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root"), **OS_ENV}
    return subprocess.run([compose_bin, *before, "config", *extra], cwd=project, env=env,
                          capture_output=True, text=True, timeout=60)


def _env_file_project(project: Path, env_files: list[Path]) -> None:
    project.mkdir(parents=True, exist_ok=True)
    services = "".join(f"  s{i}:\n    image: busybox\n    env_file: {json.dumps(str(path))}\n"
                       for i, path in enumerate(env_files))
    (project / "compose.yaml").write_text(f"services:\n{services}")


def _lookup(project: Path) -> Callable[[str], str | None]:
    # an env_file's ${X} sees the project environment: the OS env plus COMPOSE_PROJECT_NAME
    return {**OS_ENV, "COMPOSE_PROJECT_NAME": project.name}.get


def _unescape(environment: dict[str, str | None]) -> dict[str, str | None]:
    return {k: None if v is None else v.replace("$$", "$") for k, v in environment.items()}


def _compare_env_files(compose_bin: str, project: Path, files: list[Path]) -> None:
    _env_file_project(project, files)
    done = _config(compose_bin, project, "--format", "json")
    assert done.returncode == 0, done.stderr
    services = json.loads(done.stdout)["services"]
    for i, path in enumerate(files):
        ours = read_env_file(path, _lookup(project))
        assert ours.problems == (), (path.name, ours.problems)
        theirs = _unescape(services[f"s{i}"].get("environment", {}))
        assert ours.as_dict() == theirs, path.read_text(errors="replace")


def _fixtures(shared_dir: Path) -> list[Path]:
    return sorted(p for p in (shared_dir / "compose-go-fixtures/dotenv/fixtures").iterdir() if p.is_file())


def test_fixtures_as_env_file(compose_bin: str, shared_dir: Path, tmp_path: Path) -> None:
    fixtures = [p for p in _fixtures(shared_dir) if p.name != "invalid1.env"]
    assert len(fixtures) >= 10
    _compare_env_files(compose_bin, tmp_path / "fixtures", fixtures)


def test_invalid_fixture_rejected_by_both(compose_bin: str, shared_dir: Path, tmp_path: Path) -> None:
    path = shared_dir / "compose-go-fixtures/dotenv/fixtures/invalid1.env"
    project = tmp_path / "invalid"
    _env_file_project(project, [path])
    done = _config(compose_bin, project, "--format", "json")
    assert done.returncode != 0
    assert "line 7: key cannot contain a space" in done.stderr
    problems = read_env_file(path, _lookup(project)).problems
    assert [p.location.line for p in problems if p.location] == [7]


def test_tricky_texts_as_env_file(compose_bin: str, tmp_path: Path) -> None:
    files = []
    for i, text in enumerate(ACCEPTED):
        path = tmp_path / f"case{i}.env"
        path.write_bytes(text.encode())
        files.append(path)
    _compare_env_files(compose_bin, tmp_path / "tricky", files)


def test_rejected_texts(compose_bin: str, tmp_path: Path) -> None:
    def run(index: int) -> subprocess.CompletedProcess[str]:
        project = tmp_path / f"bad{index}"
        project.mkdir()
        path = project / "bad.env"
        path.write_text(REJECTED[index])
        _env_file_project(project, [path])
        return _config(compose_bin, project, "--format", "json")

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, range(len(REJECTED))))
    for index, done in enumerate(results):
        text = REJECTED[index]
        assert done.returncode != 0, f"compose accepted {text!r}"
        project = tmp_path / f"bad{index}"
        problems = read_env_file(project / "bad.env", _lookup(project)).problems
        assert len(problems) == 1, (text, problems)


def test_fixtures_as_dot_env(compose_bin: str, shared_dir: Path, tmp_path: Path) -> None:
    """The same fixtures as the project `.env`, read back through `${VAR}` and `--environment`."""
    fixtures = [p for p in _fixtures(shared_dir) if p.name != "invalid1.env"]

    def run(path: Path) -> tuple[Path, dict[str, str], subprocess.CompletedProcess[str],
                                 subprocess.CompletedProcess[str]]:
        project = tmp_path / f"dot-{path.stem}"
        project.mkdir()
        (project / ".env").write_bytes(path.read_bytes())
        # .env: ${X} sees the OS env first, then earlier keys (no COMPOSE_PROJECT_NAME yet)
        ours = read_env_file(project / ".env", OS_ENV).as_dict()
        keys = [k for k in ours if NAME.match(k)]
        environment = "".join(f"      {k}: {json.dumps('${' + k + '}')}\n" for k in keys)
        (project / "compose.yaml").write_text(
            f"services:\n  x:\n    image: busybox\n    environment:\n{environment or '      _: x'}\n")
        return (project, ours, _config(compose_bin, project, "--format", "json"),
                _config(compose_bin, project, "--environment"))

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, fixtures))
    for project, ours, done, listed in results:
        assert done.returncode == 0, done.stderr
        assert listed.returncode == 0, listed.stderr
        theirs = _unescape(json.loads(done.stdout)["services"]["x"]["environment"])
        # the shell beats the .env, for the final value too
        merged = {**ours, **OS_ENV}
        for key, value in theirs.items():
            if key != "_":
                assert value == merged[key], (project.name, key)
        full = {**merged, "COMPOSE_PROJECT_NAME": project.name, "PWD": str(project),
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root")}
        expected = "".join(f"{k}={full[k]}\n" for k in sorted(full))
        assert listed.stdout == expected, project.name


def test_several_dotenv_files(compose_bin: str, tmp_path: Path) -> None:
    project = tmp_path / "several"
    project.mkdir()
    (project / "a.env").write_text("K=a1\nB=a\nPLAIN=file\nEARLY=${PLAIN}\n")
    (project / "b.env").write_text("R=${K}\nK=b1\nS=${K}\nB\nT=${B}\nB=b2\nU=${B}\nV=${EARLY}\n")
    merged, files = read_dotenv_files([project / "a.env", project / "b.env"], OS_ENV)
    assert all(f.problems == () for f in files)
    keys = sorted(merged)
    environment = "".join(f"      {k}: {json.dumps('${' + k + '}')}\n" for k in keys)
    (project / "compose.yaml").write_text(
        f"services:\n  x:\n    image: busybox\n    environment:\n{environment}")
    done = _config(compose_bin, project, "--format", "json",
                   before=("--env-file", "a.env", "--env-file", "b.env"))
    assert done.returncode == 0, done.stderr
    theirs = _unescape(json.loads(done.stdout)["services"]["x"]["environment"])
    assert theirs == {**merged, **{k: v for k, v in OS_ENV.items() if k in merged}}


def test_several_service_env_files(compose_bin: str, tmp_path: Path) -> None:
    project = tmp_path / "chain"
    project.mkdir()
    texts = {"a.env": "K=a1\nB=a\nPLAIN=file\n",
             "b.env": "K=b1\nR=${K}\nS=${B}\nE=${FROM_ENV}\nP=${PLAIN}\nB\n",
             "c.env": "R=${K}\nFROM_ENV\n", "raw.env": 'K="raw ${X}" # kept\n'}
    for name, text in texts.items():
        (project / name).write_text(text)
    services = {  # env_file list (path, raw) and environment of each service
        "x": ([("a.env", False), ("b.env", False)], {}),
        "y": ([("a.env", False), ("c.env", False)], {"K": "env", "FROM_ENV": "e"}),
        "z": ([("a.env", False), ("raw.env", True), ("c.env", False)], {}),
    }
    yaml = "services:\n"
    for name, (files, environment) in services.items():
        refs = ", ".join(f"{{path: {f}, format: raw}}" if raw else f for f, raw in files)
        yaml += f"  {name}:\n    image: busybox\n    env_file: [{refs}]\n"
        if environment:
            yaml += f"    environment: {json.dumps(environment)}\n"
    (project / "compose.yaml").write_text(yaml)
    done = _config(compose_bin, project, "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)["services"]
    project_env = {**OS_ENV, "COMPOSE_PROJECT_NAME": project.name}
    for name, (files, environment) in services.items():
        parsed = read_service_env_files([(project / f, raw) for f, raw in files], project_env, environment)
        ours: dict[str, str | None] = {}
        for one in parsed:
            assert one.problems == ()
            ours.update(one.as_dict())
        ours.update(environment)  # `environment:` beats env_file
        assert _unescape(result[name]["environment"]) == ours, name


def test_random_env_texts(compose_bin: str, tmp_path: Path) -> None:
    """Seeded random env files: those doctor reads cleanly must give compose's environment (one
    run for all); those with a Problem must make compose fail (a sample, one run each)."""
    import random

    rnd = random.Random(7)
    keys = ["K", "PLAIN", "K2", "export K3", "  K4", "K.x", "EMPTY", "# c", "KEY5", "BAD KEY", "B!"]
    seps = ["=", "=", ":", " = ", "", "\n"]
    pieces = ["=", ":", " ", "\t", "\n", "#", " #", "'", '"', "\\", "$", "${PLAIN}", "$PLAIN", "${U:-d}",
              "x", "\\n", "\\0101", "é", "${U:?req}", "${1}"]
    project = tmp_path / "random"
    project.mkdir()
    clean: list[Path] = []
    faulty: list[Path] = []
    for i in range(250):
        lines = [rnd.choice(keys) + rnd.choice(seps) + "".join(rnd.choices(pieces, k=rnd.randint(0, 8)))
                 for _ in range(rnd.randint(1, 4))]
        path = project / f"r{i}.env"
        path.write_bytes((rnd.choice(["\n", "\r\n"]).join(lines) + rnd.choice(["", "\n"])).encode())
        (faulty if read_env_file(path, _lookup(project)).problems else clean).append(path)
    assert len(clean) > 30 and len(faulty) > 30
    _compare_env_files(compose_bin, project, clean)

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        one = tmp_path / f"faulty-{path.stem}"
        one.mkdir()
        (one / "bad.env").write_bytes(path.read_bytes())
        _env_file_project(one, [one / "bad.env"])
        return _config(compose_bin, one, "--format", "json")

    sample = faulty[:: max(1, len(faulty) // 8)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        for path, done in zip(sample, pool.map(run, sample), strict=True):
            assert done.returncode != 0, f"compose accepted {path.read_text()!r}"
