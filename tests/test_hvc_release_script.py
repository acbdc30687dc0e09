"""host-vs-container on suitenumerique/people (tests/replay/lasuite-people): two recipes of the host.

`make release` runs `python scripts/release.py`, which imports the standard library and its sibling
scripts/utils.py (Python puts the script's folder first on sys.path), whose `run_command(cmd)` runs
`subprocess.check_call`: release.py passes it `git ...` and `uv lock ...`, programs of the host. preflight
said "'python' (make target 'release') needs 'brotli' and 34 more the host lacks: run it in 'app-dev'", a
service that does not even hold scripts/ (its build context, the repo root, holds it; its COPYs do not).

`make install-front-desk` runs `cd $(PATH_FRONT_DESK) && yarn && yarn playwright install chromium`: the bare
`yarn` installs the host's node_modules, which `yarn playwright` then runs from; preflight advised the
second into 'frontend-dev'.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_host_vs_container import fake_pyenv
from test_hvc_host_setup import run
from test_hvc_install_and_serve import findings, flagsmith_frontend

from doctor.project.stdlib_only import standard_library_script

PEOPLE = Path(__file__).parent / "replay" / "lasuite-people"


def _people(tmp_path: Path) -> Path:
    """The replay set up as a user does: each env.d/development/*.dist copied without .dist, data/ made."""
    root = tmp_path / "people"
    shutil.copytree(PEOPLE, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    for dist in (root / "env.d" / "development").glob("*.dist"):
        shutil.copy(dist, dist.with_suffix(""))
    (root / "data" / "media").mkdir(parents=True)
    (root / "data" / "static").mkdir(parents=True)
    return root


def _release_findings(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    env = {**fake_pyenv(tmp_path, {"3.12.1": ()}), "HOME": str(tmp_path), "PYENV_VERSION": "3.12.1"}
    return [f.message for f in run(root, env, monkeypatch) if "release.py" in f.subject]


def test_the_release_script_running_git_and_uv_through_its_sibling_is_the_hosts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _people(tmp_path)
    assert "from utils import run_command" in (root / "scripts" / "release.py").read_text()
    assert _release_findings(root, tmp_path, monkeypatch) == []


@pytest.mark.parametrize("line", [
    'run_command("pytest src/backend", shell=True)\n',  # a tool of the image's packages
    'run_command("uv run pytest", shell=True)\n',  # uv starting one
    'run_command(CMD, shell=True)\n',  # a program doctor cannot read: unknown, the image's as before
    'run_command("sh -c \'make x\'", shell=True)\n',  # a shell runs whatever it is told
])
def test_the_same_script_starting_what_the_image_holds_still_belongs_in_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str) -> None:
    root = _people(tmp_path)
    script = root / "scripts" / "release.py"
    script.write_text(script.read_text() + f"\n\ndef extra():\n    {line}")
    [message] = _release_findings(root, tmp_path, monkeypatch)
    assert message.startswith("'python' (make target 'release') needs 'brotli' and ")


def test_a_sibling_importing_a_package_keeps_the_script_the_images(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _people(tmp_path)
    utils = root / "scripts" / "utils.py"
    utils.write_text("import brotli\n" + utils.read_text())
    assert len(_release_findings(root, tmp_path, monkeypatch)) == 1


def _host_tools(program: str) -> bool:
    return program in ("pytest", "alembic", "celery")


@pytest.mark.parametrize(("files", "alone"), [
    ({"utils.py": "import subprocess\ndef sh(c):\n    subprocess.check_call(c, shell=True)\n",
      "task.py": "from utils import sh\nsh('git pull')\nsh(f'git checkout -b {x}')\n"}, True),
    ({"utils.py": "import subprocess as sp\ndef sh(c):\n    sp.run(c)\n",
      "task.py": "import utils\nutils.sh(['docker', 'compose', 'build'])\n"}, True),
    ({"task.py": "import subprocess\nsubprocess.run(['git', 'tag', 'v1'])\n"}, True),
    ({"task.py": "import subprocess\nsubprocess.run('git add . && pytest', shell=True)\n"}, False),
    ({"task.py": "import subprocess\nsubprocess.run(['./manage.py', 'test'])\n"}, False),
    ({"task.py": "import subprocess\nsubprocess.run(['celery', 'worker'])\n"}, False),
    ({"task.py": "import subprocess\nsubprocess.run(f'{tool} lock', shell=True)\n"}, False),
    ({"task.py": "import subprocess\nsubprocess.run(*ARGS)\n"}, False),
    ({"utils.py": "import subprocess\ndef sh(*c):\n    subprocess.run(c)\n",
      "task.py": "from utils import sh\nsh('git')\n"}, False),
    ({"utils.py": "import subprocess\ndef sh(c):\n    subprocess.run(c)\n", "task.py": "from utils import sh\nsh(A)\n"},
     False),
    ({"task.py": "import os\nos.system('git status')\n"}, True),
    ({"task.py": "import os\nos.system('alembic upgrade head')\n"}, False),
    ({"task.py": "import asyncio\nasyncio.create_subprocess_shell('pytest')\n"}, False),
    ({"task.py": "from a import x\n", "a.py": "from b import x\n", "b.py": "from c import x\n",
      "c.py": "from d import x\n", "d.py": "x = 1\n"}, False),  # past the depth followed: unknown
    ({"task.py": "from a import x\n", "a.py": "from b import x\n", "b.py": "x = 1\n"}, True),
    ({"task.py": "import helpers\n", "helpers/__init__.py": "x = 1\n"}, False),  # a package: not followed
])
def test_sibling_modules_and_the_programs_a_script_starts(tmp_path: Path, files: dict[str, str], alone: bool) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert standard_library_script("python3", ["task.py"], tmp_path, image_tool=_host_tools) is alone
    # nothing to judge a program by: any program started is unknown, the image's as before
    starts = any(w in "".join(files.values()) for w in ("subprocess", "os.system"))
    assert standard_library_script("python3", ["task.py"], tmp_path) is (alone and not starts)


def test_a_recipe_running_what_its_own_install_put_on_the_host_stays_there(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = flagsmith_frontend(tmp_path)
    (project / "Makefile").write_text(
        "install-front:\n\tyarn && yarn playwright install chromium\n"
        "lint:\n\tyarn lint\n"
        "setup:\n\tnpm ci\n\tnpx vite build\n")
    found = findings(project, monkeypatch)
    assert sorted(found) == [4], {line: f.message for line, f in found.items()}  # `yarn lint` alone


def test_an_install_in_another_folder_leaves_the_command_the_services(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = flagsmith_frontend(tmp_path)
    (project / "docs").mkdir()
    (project / "Makefile").write_text("both:\n\tcd docs && yarn\n\tyarn playwright install chromium\n")
    assert sorted(findings(project, monkeypatch)) == [3]


def _bound_django(tmp_path: Path, makefile: str) -> Path:
    """A Django project its one service binds whole (`.:/app`), its image installing django."""
    root = tmp_path / "bound"
    root.mkdir()
    (root / "Dockerfile").write_text("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
                                     "RUN pip install -r requirements.txt\n")
    (root / "requirements.txt").write_text("django==5.0\n")
    (root / "compose.yaml").write_text("services:\n  app:\n    build: .\n    volumes:\n      - .:/app\n")
    (root / "Makefile").write_text(makefile)
    (root / "build.py").write_text(
        'import random, re, sys\nfrom pathlib import Path\nPath(".env").write_text(str(random.random()))\n')
    (root / "manage.py").write_text(
        "import sys\nfrom django.core.management import execute_from_command_line\n"
        "execute_from_command_line(sys.argv)\n")
    return root


def _targets(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    env = {**fake_pyenv(tmp_path, {"3.12.1": ()}), "HOME": str(tmp_path), "PYENV_VERSION": "3.12.1"}
    return sorted(f.message.split("make target '")[1].split("'")[0] for f in run(root, env, monkeypatch)
                  if "make target '" in f.message)


def test_a_standard_library_script_the_service_binds_is_still_the_hosts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # openwisp's `python build.py change-secret-key` with the project bound whole into its Django service:
    # a service carrying the script gives it no package it needs (the review of cb89cea7)
    root = _bound_django(tmp_path, "secret:\n\tpython build.py change-secret-key\n\ntest:\n\tpython manage.py test\n")
    assert _targets(root, tmp_path, monkeypatch) == ["test"]


def test_a_tool_installed_first_leaves_the_folders_packages_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `pip install --upgrade pip` or `pip install --user pre-commit` installs none of django: `python manage.py
    # test` after it still fails on the host; `pip install -r requirements.txt` first is the host's own setup
    root = _bound_django(tmp_path, "test:\n\tpip install --upgrade pip\n\tpython manage.py test\n\n"
                                   "lint:\n\tpip install --user pre-commit && python manage.py check\n\n"
                                   "setup:\n\tpip install -r requirements.txt && python manage.py check\n")
    assert _targets(root, tmp_path, monkeypatch) == ["lint", "test"]


def test_the_folders_packages_installed_for_the_user_let_the_command_after_run_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `pip install --user -r requirements.txt` puts django in the host's user site, which `python` imports
    root = _bound_django(tmp_path, "check:\n\tpip install --user -r requirements.txt && python manage.py check\n\n"
                                   "dev:\n\tpython -m pip install --user -e . && python manage.py check\n")
    assert _targets(root, tmp_path, monkeypatch) == []


def test_an_npm_install_of_one_package_fills_the_whole_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # npm, yarn and pnpm install package.json's whole tree when they add a package: only a global install does not
    root = tmp_path / "fe"
    root.mkdir()
    (root / "Dockerfile").write_text("FROM node:22\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY . .\n")
    (root / "compose.yaml").write_text("services:\n  frontend:\n    build: .\n    ports: ['3000:3000']\n"
                                       "    command: ['bash', '-l']\n")
    (root / "package.json").write_text('{"name": "x", "scripts": {"build": "vite build"}, '
                                       '"dependencies": {"react": "18.3.1", "vite": "5.0.0"}}\n')
    (root / "Makefile").write_text("build:\n\tnpm install --save-dev typescript && npx vite build\n\n"
                                   "tools:\n\tnpm i -g pnpm && npx vite build\n")
    assert _targets(root, tmp_path, monkeypatch) == ["tools"]
