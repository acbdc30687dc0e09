"""runtime-drift reads tox's env list, Heroku's runtime.txt, and a GitLab pipeline's `extends:` and local `include:`.

An auditor planted each on a copy of wagtail/bakerydemo (8e2b625755, 2026-08-19, BSD-3-Clause: its
`.python-version` 3.12, `runtime.txt` python-3.12.1 and `FROM python:3.12-slim`, trimmed below) and
doctor said ✓: `envlist = py310` in a tox.ini, `python-3.10.4` in runtime.txt, a GitLab job on 3.11
through the hidden template it extends or the file its `include:` names were never read.
openedx/devstack's `envlist = py{38}` beside its CI's 3.8 matrix, and cookiecutter-django's
`envlist = py314` beside `requires-python = "==3.14.*"`, stay quiet.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_runtime_drift_real import _findings, _write

from doctor.project.gitlab_ci import read_gitlab_ci
from doctor.project.tox_envs import env_python, read_tox

BAKERYDEMO = {
    ".python-version": "3.12\n",
    "runtime.txt": "python-3.12.1\n",
    "Dockerfile": ("# syntax=docker/dockerfile:1\nFROM ghcr.io/astral-sh/uv:${UV_VERSION} AS uv\n\n"
                   "FROM python:3.12-slim\n"),
    "docker-compose.yml": "services:\n  app:\n    build:\n      context: .\n      dockerfile: ./Dockerfile\n",
}
SETUP_CFG = ("[metadata]\nname = bakerydemo\n\n[tox:tox]\nskipsdist = true\nenvlist = {envlist}\n\n"
             "[testenv]\ndeps = pytest\n")
ELSEWHERE = "elsewhere 3.12: .python-version:1, runtime.txt:1, Dockerfile:4"


def _found(files: dict[str, str], tmp_path: Path) -> list[tuple[str, int | None, str]]:
    root = _write(tmp_path / "bakerydemo", {**BAKERYDEMO, **files})
    return [(f.location.path.relative_to(root).as_posix(), f.location.line, f.message)
            for f in _findings(root, tmp_path) if f.location]


@pytest.mark.parametrize(("files", "expected"), [
    ({}, []),  # upstream: everything on 3.12
    # tox: a list is a matrix, agreeing when one of its envs runs the image's version
    ({"tox.ini": "[tox]\nenvlist = py{311,312}-django52, lint\n"}, []),
    ({"tox.ini": "[tox]\nskipsdist = true\nenv_list =\n    py3.11\n    3.12\n"}, []),
    ({"tox.ini": "[tox]\nenvlist = py3, pypy3, docs\n"}, []),  # any Python 3 (no voice); pypy is not CPython
    ({"tox.ini": "[tox]\nenvlist = {env:TOX_ENVS:py310}\n"}, []),  # a value tox fills in: not guessed
    ({"tox.ini": "[tox]\nenvlist = django-3.2\n"}, []),  # Django's version, not Python's
    ({"tox.ini": "[tox]\nenvlist = py310\n"},
     [("tox.ini", 2, f"python 3.10 (tox envlist py310), {ELSEWHERE}")]),
    ({"tox.ini": "[tox]\nminversion = 4\nenvlist = py{310,311}  # the CI matrix\n"},
     [("tox.ini", 3, f"python 3.10, 3.11 (tox envlist py{{310,311}}), {ELSEWHERE}")]),
    ({"tox.ini": "[testenv]\ndeps = pytest\n[tox]\nenv_list = lint,\n  py3{9-11}-django{42,52}\n"},
     [("tox.ini", 4, f"python 3.9, 3.10, 3.11 (tox env_list lint, py3{{9-11}}-django{{42,52}}), {ELSEWHERE}")]),
    ({"tox.ini": "[tox]\nenvlist = py3.10\n"},
     [("tox.ini", 2, f"python 3.10 (tox envlist py3.10), {ELSEWHERE}")]),
    # pyproject's [tool.tox] (legacy_tox_ini's text, or native) and tox.toml
    ({"pyproject.toml": '[project]\nname = "x"\n\n[tool.tox]\nlegacy_tox_ini = """\n[tox]\nenvlist = py310\n"""\n'},
     [("pyproject.toml", 7, f"python 3.10 (tox envlist py310), {ELSEWHERE}")]),
    ({"pyproject.toml": '[tool.tox]\nrequires = ["tox>=4.21"]\nenv_list = ["3.11", "type"]\n'},
     [("pyproject.toml", 3, f"python 3.11 (tox env_list 3.11, type), {ELSEWHERE}")]),
    ({"tox.toml": 'env_list = ["3.13", "3.11"]\n'},
     [("tox.toml", 1, f"python 3.13, 3.11 (tox env_list 3.13, 3.11), {ELSEWHERE}")]),
    ({"tox.toml": 'env_list = ["3.11"]\n', "tox.ini": "[tox]\nenvlist = py312\n"}, []),  # tox.ini wins
    # setup.cfg's [tox:tox] (tox's second place: after tox.ini, before pyproject.toml)
    ({"setup.cfg": SETUP_CFG.format(envlist="py310")},
     [("setup.cfg", 6, f"python 3.10 (tox envlist py310), {ELSEWHERE}")]),
    ({"setup.cfg": SETUP_CFG.format(envlist="py{311,312}")}, []),
    ({"setup.cfg": SETUP_CFG.format(envlist="py312"), "pyproject.toml": '[tool.tox]\nenv_list = ["3.10"]\n'}, []),
    ({"setup.cfg": SETUP_CFG.format(envlist="py310"), "tox.ini": "[tox]\nenvlist = py312\n"}, []),
    # a setup.cfg without [tox:tox] does not configure tox: pyproject's is read
    ({"setup.cfg": "[flake8]\nmax-line-length = 100\n[testenv]\nbasepython = python3.9\n",
      "pyproject.toml": '[tool.tox]\nenv_list = ["3.10"]\n'},
     [("pyproject.toml", 2, f"python 3.10 (tox env_list 3.10), {ELSEWHERE}")]),
    # Heroku's runtime.txt: a deploy pin like .python-version
    ({"runtime.txt": "python-3.10.4\n"},
     [("runtime.txt", 1, "python 3.10.4 (runtime.txt python-3.10.4), elsewhere 3.12: .python-version:1, "
                         "Dockerfile:4")]),
], ids=["upstream", "tox-matrix-has-3.12", "tox-bare-3.12", "tox-py3-pypy", "tox-substitution",
        "tox-django-factor", "tox-py310", "tox-braces", "tox-range", "tox-dotted", "pyproject-legacy",
        "pyproject-native", "tox-toml", "tox-ini-first", "setup-cfg-py310", "setup-cfg-matrix-has-3.12",
        "setup-cfg-before-pyproject", "tox-ini-before-setup-cfg", "setup-cfg-without-tox", "runtime-txt-3.10"])
def test_bakerydemo_tox_and_runtime_txt(tmp_path: Path, files: dict[str, str],
                                        expected: list[tuple[str, int, str]]) -> None:
    assert _found(files, tmp_path) == expected


def test_a_github_pin_the_tox_matrix_tests_is_no_voice(tmp_path: Path) -> None:
    """A lint job on 3.13 beside tox's 3.12/3.13 envs is that job's choice, as beside a workflow matrix."""
    lint = ("on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n"
            "        with:\n          python-version: '3.13'\n")
    files = {"tox.ini": "[tox]\nenvlist = py{312,313}\n", ".github/workflows/lint.yml": lint}
    assert _found(files, tmp_path) == []


@pytest.mark.parametrize(("name", "version"), [
    ("py310", "3.10"), ("py3.10", "3.10"), ("cpython3.12", "3.12"), ("py311-django42", "3.11"), ("3.13", "3.13"),
    ("py3", "3"), ("py27", "2.7"), ("pypy3", None), ("pypy3.10", None), ("jython", None), ("lint", None),
    ("py", None), ("django-3.2", None)])
def test_env_python(name: str, version: str | None) -> None:
    assert env_python(name) == version


def test_read_tox_in_a_folder_without_tox(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.ruff]\nline-length = 100\n')
    (tmp_path / "setup.cfg").write_text("[tool:pytest]\naddopts = -q\n[testenv]\nbasepython = python2.7\n")
    assert read_tox(tmp_path) == []


GITLAB_EXTENDS = """include:
  - local: /ci/python.yml
  - remote: 'https://gitlab.example.com/ci/shared.yml'
  - template: Security/SAST.gitlab-ci.yml

.python:
  image: python:{template}-slim

test:
  extends: .python
  script: [pytest]

lint:
  extends: [.python]
  script: [ruff check .]
"""


@pytest.mark.parametrize(("template", "included", "expected"), [
    ("3.12", "3.12", []),
    # the template's image, run by test and lint: one place, at the template's line
    ("3.11", "3.12", [(".gitlab-ci.yml", 7,
                       f"python 3.11 (GitLab CI image python:3.11-slim), {ELSEWHERE} and 2 more")]),
    # an included file's job, and a template's `python:$PY` with the extending job's variable
    ("3.12", "3.10", [("ci/python.yml", 8,
                       f"python 3.10 (GitLab CI image python:$PY (PY: 3.10)), {ELSEWHERE} and 1 more"),
                      ("ci/python.yml", 10, f"python 3.10 (GitLab CI image python:3.10), {ELSEWHERE} and 1 more")]),
], ids=["agreeing", "template-on-3.11", "included-on-3.10"])
def test_gitlab_extends_and_local_include(tmp_path: Path, template: str, included: str,
                                          expected: list[tuple[str, int, str]]) -> None:
    python_yml = (".pyvar:\n  image: python:$PY\n  variables:\n    PY: '3.9'\nintegration:\n  extends: .pyvar\n"
                  f"  variables:\n    PY: '{included}'\ndocs:\n  image: python:{included}\n")
    files = {".gitlab-ci.yml": GITLAB_EXTENDS.format(template=template), "ci/python.yml": python_yml}
    assert sorted(_found(files, tmp_path)) == expected


@pytest.mark.parametrize(("files", "expected"), [
    # a template no readable job extends is still a place (a remote file's jobs may); one extended is not
    ({".gitlab-ci.yml": ".tpl:\n  image: python:3.9\n"}, [(".gitlab-ci.yml", 2, ("3.9",))]),
    ({".gitlab-ci.yml": ".tpl:\n  image: python:3.9\nt:\n  extends: .tpl\n  image: python:3.12\n"},
     [(".gitlab-ci.yml", 5, ("3.12",))]),
    # the later of several templates wins, the job's own keys over both; a matrix from the job
    ({".gitlab-ci.yml": (".a:\n  image: python:3.9\n.b:\n  image: python:$V\nt:\n  extends: [.a, .b]\n"
                         "  parallel:\n    matrix:\n      - V: ['3.11', '3.12']\n")},
     [(".gitlab-ci.yml", 9, ("3.11", "3.12"))]),
    # a cycle ends; an include as a plain string, with a glob; a missing or escaping one is skipped
    ({".gitlab-ci.yml": "a:\n  extends: b\n  image: python:3.10\nb:\n  extends: a\n"},
     [(".gitlab-ci.yml", 3, ("3.10",))]),
    ({".gitlab-ci.yml": "include: 'ci/*.yml'\n", "ci/a.yml": "x:\n  image: node:20\n",
      "ci/b.yml": "include: ['../up.yml', 'gone.yml']\ny:\n  image: python:3.13\n"},
     [("ci/a.yml", 2, ("20",)), ("ci/b.yml", 3, ("3.13",))]),
])
def test_read_gitlab_ci_extends_include(tmp_path: Path, files: dict[str, str],
                                        expected: list[tuple[str, int, tuple[str, ...]]]) -> None:
    root = _write(tmp_path / "p", files, git=False)
    (tmp_path / "up.yml").write_text("z:\n  image: python:2.7\n")
    found = sorted((d.location.path.relative_to(root).as_posix(), d.location.line, d.versions)
                   for d in read_gitlab_ci(root))
    assert found == expected, found
