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

from doctor.project.stdlib_only import dialed_service, standard_library_script

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
    # another module's compile or a method named eval runs no code: only the builtins called by name do
    ("import re\nVERSION_RE = re.compile(r'\\d+')\n", True),
    ("class Box:\n    def eval(self):\n        return 1\nBox().eval()\n", True),
    ("import ast\nast.literal_eval('1')\nexecutor = 'none'\n", True),
    ("print(eval('1 + 1'))\n", False),
    ("exec(open('setup.cfg').read())\n", False),
    ("code = compile('x = 1', 'x', 'exec')\n", False),
    ("from os import system\nsystem('pytest')\n", False),
    ("from os import *\n", False),
    ("import os as o\no.execvp('pytest', ['pytest'])\n", False),
    ("import os\nos.spawnlp(os.P_WAIT, 'pytest', 'pytest')\n", False),
    ("import os\nos.posix_spawnp('pytest', ['pytest'], {})\n", False),
    ("import posix\nposix.system('pytest')\n", False),
    ("import os\nprint(os.path.join('a', 'b'), os.environ.get('X'))\n", True),
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


@pytest.mark.parametrize(("code", "alone"), [
    ("import socket\nsocket.create_connection(('db', 5432))\n", False),
    ("import socket\nsocket.create_connection(('DB', 5432), timeout=3)\n", False),
    ("from urllib.request import urlopen\nurlopen('http://web:8000/health')\n", False),
    ("import http.client\nhttp.client.HTTPConnection('web', 8000).request('GET', '/')\n", False),
    ("DATABASE = 'db:5432'\n", False),
    ("import sys\nprint('web', sys.argv)\n", True),  # a service's name that dials nothing
    ("from urllib.request import urlopen\nurlopen('https://pypi.org/simple/')\n", True),
    ("import socket\nsocket.create_connection(('localhost', 8000))\n", True),
    ("TIMES = ('web', 'x')\nPORT = 'port:abc'\n", True),
])
def test_a_script_dialing_a_service_by_name_needs_the_compose_network(tmp_path: Path, code: str, alone: bool) -> None:
    """A stdlib-only script that dials `db:5432` or `http://web:8000` reaches those names through compose's network
    only: it is not the host's."""
    (tmp_path / "probe.py").write_text(code)
    assert standard_library_script("python3", ["probe.py"], tmp_path, {"db": None, "web": None}) is alone
    assert standard_library_script("python3", ["probe.py"], tmp_path)  # no services given: dials no one known


def test_a_regex_compiled_in_the_script_keeps_it_on_the_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`VERSION_RE = re.compile(r"\\d+")` in openwisp's build.py made `compile` a name that runs code, and preflight
    again said "run it as 'docker compose run --build --rm nginx python build.py ...'"."""
    root = _openwisp(tmp_path)
    script = root / "build.py"
    compiled = 'import sys\n\nVERSION_RE = re.compile(r"\\d+")\n'
    script.write_text(script.read_text().replace("import sys\n", compiled, 1))
    assert "re.compile" in script.read_text()
    env = {**fake_pyenv(tmp_path, {"3.12.1": ()}), "HOME": str(tmp_path), "PYENV_VERSION": "3.12.1"}
    subjects = [f.subject for f in run(root, env, monkeypatch)]
    assert not [s for s in subjects if "build.py" in s], subjects


def test_a_script_dialing_a_service_is_said_to_dial_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """openwisp's build.py given `DB_ADDRESS = ("postgres", 5432)` belongs in a container for compose's network
    alone, and preflight gave the default service's reason: "'python' (make target 'python-build') needs
    'tldextract', which the host lacks" (the nginx image's requirements, which build.py never imports)."""
    root = _openwisp(tmp_path)
    script = root / "build.py"
    script.write_text(script.read_text().replace("import sys\n", 'import sys\n\nDB_ADDRESS = ("postgres", 5432)\n', 1))
    env = {**fake_pyenv(tmp_path, {"3.12.1": ()}), "HOME": str(tmp_path), "PYENV_VERSION": "3.12.1"}
    found = [f for f in run(root, env, monkeypatch) if "build.py" in f.subject]
    assert [f.subject for f in found] == ["nginx:python build.py change-secret-key",
                                          "nginx:python build.py bump-version $(VERSION)"]
    assert found[0].message == ("'python' (make target 'python-build') dials 'postgres' by its service name, which "
                                "only the compose network resolves (the script needs no package): run it in 'nginx'")
    assert "tldextract" not in found[1].message, found[1].message
    assert dialed_service("python", ["build.py", "bump-version"], root, {"postgres": None, "nginx": None}) == "postgres"
    assert dialed_service("python", ["build.py"], root, {"redis": None}) == ""
