"""An env file compose cannot parse, or whose port value it rejects, stops `doctor fix` as a YAML error does.

Before, `doctor fix --env --yes` appended `# added by doctor` and `NEWKEY=zzz` after `NOTE='it is`
(an open quote: both lines became part of NOTE, compose's error moved from line 2 to line 4) and said
`1 applied (1 verified fixed)`, exit 0; `doctor fix --ports --yes` moved another variable of a `.env`
whose `API_PORT= # set me` compose reads as `# set me` (`invalid hostPort`), exit 0. Now each edits
nothing, says which line stops compose, and exits 1. Each shape is checked against the real
`docker compose config` first, so the test holds only what compose really rejects.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

COMPOSE_ENV = "services:\n  web:\n    image: nginx:alpine\n    env_file: .env\n    environment:\n      FOO: ${FOO}\n"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "FOO", "WEB_PORT", "API_PORT"))}
    env.update(HOME=str(tmp_path / "home"), XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), DOCTOR_NO_CACHE="1",
               COMPOSE_PROJECT_NAME=f"doctor-h-contractfix-{tmp_path.name[-12:].lower()}")
    return env


def _project(root: Path, compose: str, dotenv: str, example: str = "") -> None:
    root.mkdir()
    (root / "compose.yaml").write_text(compose)
    (root / ".env").write_text(dotenv)
    if example:
        (root / ".env.example").write_text(example)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A", ":!.env"], cwd=root, check=True)


def _compose_config(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The real `docker compose config -q` of the project, as the user would run it."""
    if shutil.which("docker") is None:
        pytest.skip("no docker binary")
    done = subprocess.run(["docker", "compose", "config", "-q"], cwd=root, capture_output=True, text=True,
                          env=env, timeout=60)
    if "is not a docker command" in done.stderr:
        pytest.skip("no docker compose")
    return done


def _compose_rejects(root: Path, env: dict[str, str]) -> str:
    done = _compose_config(root, env)
    assert done.returncode != 0
    return done.stderr


def _fix(root: Path, env: dict[str, str], *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "doctor", "fix", *flags, "--yes", "."], capture_output=True,
                          text=True, timeout=180, env=env, cwd=root)


def test_an_open_quote_in_env_gets_no_key_appended(tmp_path: Path) -> None:
    root = tmp_path / "uq"
    _project(root, COMPOSE_ENV, "FOO=1\nNOTE='it is", "FOO=1\nNEWKEY=zzz\n")
    env = _env(tmp_path)
    assert "line 2: unterminated quoted value" in _compose_rejects(root, env)
    done = _fix(root, env, "--env")
    assert done.returncode == 1, done.stdout
    assert ("doctor fix edits nothing while compose cannot read the project's files (.env:2: unterminated quoted "
            "value for \"NOTE\")") in done.stdout
    assert (root / ".env").read_text() == "FOO=1\nNOTE='it is"


@pytest.mark.parametrize("line", ["API_PORT= # set me\n", "\tAPI_PORT=\t{port}\t# api\n"])
def test_a_port_value_compose_rejects_stops_every_port_fix(tmp_path: Path, held_port: int, line: str) -> None:
    """The held port of 'web' would move (WEB_PORT), but compose rejects 'api''s port from .env: nothing moves."""
    root = tmp_path / "ports"
    compose = ('services:\n  web:\n    image: nginx:alpine\n    ports: ["${WEB_PORT:-1}:80"]\n'
               '  api:\n    image: nginx:alpine\n    ports: ["${API_PORT:-18481}:81"]\n')
    dotenv = f"WEB_PORT={held_port}\n" + line.format(port=held_port + 1 if held_port < 65535 else held_port - 1)
    _project(root, compose, dotenv)
    env = _env(tmp_path)
    assert "invalid hostPort" in _compose_rejects(root, env)
    done = _fix(root, env, "--ports")
    assert done.returncode == 1, done.stdout
    assert "doctor fix edits nothing while compose cannot read the project's files (.env:2: invalid port" in done.stdout
    assert (root / ".env").read_text() == dotenv and not (root / "compose.override.yaml").exists()


def test_an_env_compose_reads_still_gets_the_key(tmp_path: Path) -> None:
    root = tmp_path / "ok"
    _project(root, COMPOSE_ENV, "FOO=1\nNOTE='it is'\n", "FOO=1\nNEWKEY=zzz\n")
    done = _fix(root, _env(tmp_path), "--env")
    assert done.returncode == 0, done.stdout
    assert (root / ".env").read_text().endswith("NEWKEY=zzz\n")


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)


def _compose_ok(root: Path, env: dict[str, str]) -> None:
    done = _compose_config(root, env)
    assert done.returncode == 0, done.stderr


INCLUDED = {
    "compose.yaml": "include:\n  - api/compose.yaml\nservices:\n  web:\n    image: nginx:alpine\n",
    "api/compose.yaml": "services:\n  api:\n    image: nginx:alpine\n    env_file: [api.env]\n",
    "api/api.env.example": "SECRET=changeme\nPORT=3000\n",
}
EXTENDED = {
    "compose.yaml": "services:\n  web:\n    image: nginx:alpine\n    extends: {file: common.yaml, service: base}\n",
    "common.yaml": "services:\n  base:\n    image: nginx:alpine\n    env_file: [web.env]\n",
    "web.env.example": "SECRET=changeme\nPORT=3000\n",
}


@pytest.mark.parametrize(("files", "made"), [(INCLUDED, "api/api.env"), (EXTENDED, "web.env")],
                         ids=["include", "extends"])
def test_a_missing_env_file_of_an_included_or_extended_file_is_copied(tmp_path: Path, files: dict[str, str],
                                                                      made: str) -> None:
    """A missing env file is pointed at the compose file naming it; one an include or extends reads is not
    in the project's own files, and was taken for a line of an env file compose cannot parse (exit 1)."""
    root = tmp_path / "missing"
    root.mkdir()
    _tree(root, files)
    env = _env(tmp_path)
    assert "not found" in _compose_rejects(root, env)
    done = _fix(root, env)
    assert done.returncode == 0, done.stdout
    assert f"copy {made}.example to {made} (fixed)" in done.stdout
    assert "edits nothing" not in done.stdout
    _compose_ok(root, env)


def test_an_open_quote_in_an_included_env_file_still_stops_fix(tmp_path: Path) -> None:
    root = tmp_path / "incq"
    root.mkdir()
    _tree(root, {**INCLUDED, "api/api.env": "SECRET=1\nNOTE='it is"})
    env = _env(tmp_path)
    assert "unterminated quoted value" in _compose_rejects(root, env)
    done = _fix(root, env, "--env")
    assert done.returncode == 1, done.stdout
    assert "doctor fix edits nothing while compose cannot read the project's files (api/api.env:2:" in done.stdout
    assert (root / "api/api.env").read_text() == "SECRET=1\nNOTE='it is"
