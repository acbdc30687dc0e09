"""django-environ's `.env` load in its other spellings, on cookiecutter-django (tests/replay/cookiecutter-django).

base.py reads `.env` only under cookiecutter-django's gate, `READ_DOT_ENV_FILE = env.bool(
"DJANGO_READ_DOT_ENV_FILE", default=False)`. Its 2019 template wrote `ROOT_DIR = environ.Path(__file__) - 3`
and `env.read_env(str(ROOT_DIR.path(".env")))`; others call `environ.Env.read_env(...)`, `ROOT_DIR(".env")`,
or import `Env` by name or `environ` under an alias. Each is read the same: the project's `.env` with a
localhost DATABASE_URL is leaked-host-port's at `.env:1` where compose or the image sets the gate true,
and nothing where it does not; a path to another folder's `.env` reads nothing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding

CASE = Path(__file__).parent / "replay" / "cookiecutter-django"
GATE = 'READ_DOT_ENV_FILE = env.bool("DJANGO_READ_DOT_ENV_FILE", default=False)\nif READ_DOT_ENV_FILE:\n'
HEADERS = {
    "2019": 'import environ\nROOT_DIR = (\n    environ.Path(__file__) - 3\n)\nenv = environ.Env()\n' + GATE
            + '    env.read_env(str(ROOT_DIR.path(".env")))\n',
    "class-call": 'import environ\nROOT_DIR = environ.Path(__file__) - 3\nenv = environ.Env()\n' + GATE
                  + '    environ.Env.read_env(str(ROOT_DIR.path(".env")))\n',
    "root-call": 'import environ\nROOT_DIR = environ.Path(__file__) - 3\nenv = environ.Env()\n' + GATE
                 + '    env.read_env(ROOT_DIR(".env"))\n',
    "named": 'from environ import Env, Path as EPath\nROOT_DIR = EPath(__file__) - 3\nenv = Env()\n' + GATE
             + '    Env.read_env(ROOT_DIR(".env"))\n',
    "aliased": 'import environ as e\nROOT_DIR = e.Path(__file__) - 3\nmyenv = e.Env()\n'
               + GATE.replace("env.bool", "myenv.bool") + '    myenv.read_env(str(ROOT_DIR.path(".env")))\n',
}


def _project(tmp_path: Path, header: str, gate: str | None) -> Path:
    """The template with base.py's head up to its GENERAL section replaced by `header`, a `.env` with a
    localhost DATABASE_URL, and DJANGO_READ_DOT_ENV_FILE=`gate` in .envs/.local/.django (None: unset)."""
    root = tmp_path / "p"
    shutil.copytree(CASE, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    base = root / "config" / "settings" / "base.py"
    text = base.read_text()
    base.write_text(text[:text.index("import environ\n")] + header + "\n" + text[text.index("# GENERAL"):])
    (root / ".env").write_text("DATABASE_URL=postgres://u:p@localhost:5432/my_awesome_project\n")
    if gate is not None:
        django = root / ".envs" / ".local" / ".django"
        django.write_text(django.read_text() + f"DJANGO_READ_DOT_ENV_FILE={gate}\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _findings(root: Path) -> list[Finding]:
    from doctor.project import ProjectOptions

    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
    options = ProjectOptions(path=root, files=(root / "docker-compose.local.yml",), env=env)
    report = preflight(RunOptions(project=options, select=("leaked-host-port",), env=env), load_registry()).report
    return [f for f in report.findings if f.check == "leaked-host-port"]


def _at(found: list[Finding]) -> list[tuple[str, int | None]]:
    return [(f.location.path.name, f.location.line) if f.location else ("", None) for f in found]


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_each_spelling_reads_the_project_env_when_the_gate_is_on(tmp_path: Path, name: str) -> None:
    found = _findings(_project(tmp_path, HEADERS[name], "True"))
    assert _at(found) == [(".env", 1)]
    assert found[0].message.startswith("DATABASE_URL host 'localhost' is each container itself in 'django', "
                                       "'celeryworker', 'celerybeat' and 'flower' (did you mean 'postgres'?)")


@pytest.mark.parametrize("gate", [None, "False", "no"])
@pytest.mark.parametrize("name", sorted(HEADERS))
def test_each_spelling_reads_nothing_with_the_gate_off(tmp_path: Path, name: str, gate: str | None) -> None:
    assert _findings(_project(tmp_path, HEADERS[name], gate)) == []


def test_the_gate_set_by_the_image(tmp_path: Path) -> None:
    root = _project(tmp_path, HEADERS["2019"], None)
    dockerfile = root / "compose" / "local" / "django" / "Dockerfile"
    text = dockerfile.read_text()
    dockerfile.write_text(text.replace("ENV UV_COMPILE_BYTECODE=1", "ENV DJANGO_READ_DOT_ENV_FILE=True\n"
                                       "ENV UV_COMPILE_BYTECODE=1", 1))
    assert _at(_findings(root)) == [(".env", 1)]


def test_another_folders_env_is_not_read(tmp_path: Path) -> None:
    """`environ.Path(__file__) - 2` is config/: config/.env, which does not exist."""
    header = HEADERS["class-call"].replace("- 3", "- 2")
    assert _findings(_project(tmp_path, header, "True")) == []
