"""host-vs-container: a project script of the standard library alone is the host's.

openwisp/docker-openwisp (tests/replay/docker-openwisp): the Makefile's `python-build` (Makefile:36) and
`bump` (Makefile:134) run `python build.py ...`, which imports random, re, sys and pathlib to edit .env and
images/common/openwisp/VERSION; preflight warned "'python' (make target 'python-build') needs 'tldextract',
which the host lacks: run it in 'nginx'" (tldextract: the nginx image's requirements.txt) and advised
`docker compose run --build --rm nginx python build.py change-secret-key`, which would build the nginx image
to rewrite a host file the image does not even hold. The script needs nothing an image installs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_host_vs_container import fake_pyenv
from test_hvc_host_setup import run

from doctor.project.stdlib_only import standard_library_script

OPENWISP = Path(__file__).parent / "replay" / "docker-openwisp"


def _openwisp(tmp_path: Path) -> Path:
    root = tmp_path / "docker-openwisp"
    shutil.copytree(OPENWISP, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    return root


def test_a_standard_library_script_is_not_advised_into_a_service(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _openwisp(tmp_path)
    env = {**fake_pyenv(tmp_path, {"3.12.1": ()}), "HOME": str(tmp_path), "PYENV_VERSION": "3.12.1"}
    subjects = [f.subject for f in run(root, env, monkeypatch)]
    assert not [s for s in subjects if "build.py" in s], subjects


def test_the_same_script_importing_a_package_the_image_installs_still_belongs_in_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _openwisp(tmp_path)
    script = root / "build.py"
    script.write_text(script.read_text().replace("import random\n", "import random\n\nimport tldextract\n", 1))
    env = {**fake_pyenv(tmp_path, {"3.12.1": ()}), "HOME": str(tmp_path), "PYENV_VERSION": "3.12.1"}
    found = [f for f in run(root, env, monkeypatch) if "build.py" in f.subject]
    assert [f.subject for f in found] == ["nginx:python build.py change-secret-key",
                                          "nginx:python build.py bump-version $(VERSION)"]
    assert "needs 'tldextract'" in found[0].message


@pytest.mark.parametrize(("code", "alone"), [
    ("import re, sys\nfrom pathlib import Path\nprint(Path(sys.argv[1]).read_text())\n", True),
    ("import os, sys\ndef main():\n    from django.core.management import execute_from_command_line\n", False),
    ("from . import settings\n", False),
    ("from app.main import app\n", False),
    ("import subprocess\nsubprocess.run(['pytest'])\n", False),
    ("import os\nos.system('pytest')\n", False),
    ("mod = __import__('requests')\n", False),
    ("import importlib\nimportlib.import_module('yaml')\n", False),
    ("def broken(:\n", False),
])
def test_which_scripts_need_the_standard_library_alone(tmp_path: Path, code: str, alone: bool) -> None:
    (tmp_path / "task.py").write_text(code)
    assert standard_library_script("python3", ["task.py", "x"], tmp_path) is alone
    assert standard_library_script("./task.py", [], tmp_path) is alone
    assert not standard_library_script("python3", ["-m", "task"], tmp_path)
    assert not standard_library_script("python3", ["missing.py"], tmp_path)
    assert os.path.exists(tmp_path / "task.py")


@pytest.mark.parametrize("deep", ["x = " + "+".join(["1"] * 6000), "x = " + "-" * 3000 + "1"])
def test_a_script_nested_past_the_parser_is_unknown_not_an_error(tmp_path: Path, deep: str) -> None:
    """openwisp's build.py with `x = 1+1+...` (6,000 terms) under the 256 KB cap: ast.parse raised
    RecursionError (MemoryError on some builds) past the SyntaxError it caught, and preflight's
    host-vs-container, dotenv-override, leaked-host-port and service-name-drift failed with it."""
    from doctor.project.dotenv_ast import module_calls

    (tmp_path / "task.py").write_text(f"import sys\nfrom dotenv import load_dotenv\nload_dotenv()\n{deep}\n")
    assert not standard_library_script("python3", ["task.py"], tmp_path)
    try:
        ast_ok = bool(__import__("ast").parse(deep))
    except (RecursionError, MemoryError):
        ast_ok = False
    assert len(module_calls(tmp_path / "task.py", (tmp_path / "task.py").read_text())) == int(ast_ok)
