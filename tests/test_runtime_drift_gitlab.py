"""runtime-drift: a GitLab pipeline's job images (`.gitlab-ci.yml`) are CI's voice, as CircleCI's are.

The project cookiecutter-django generates with `ci_tool=Gitlab` (cookiecutter/cookiecutter-django
2d3b8809f2, 2026-08-19, BSD-3-Clause; the lines below are its output, trimmed) pins Python 3.14 in
`.python-version`, `requires-python`, uv.lock and its Dockerfile's `FROM ghcr.io/astral-sh/uv:python3.14-...`,
and lints in CI on `image: ghcr.io/astral-sh/uv:python3.14-bookworm`. With that image moved to 3.13,
doctor said ✓: it read GitHub workflows and CircleCI, never `.gitlab-ci.yml` (audit-runtime).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_runtime_drift_real import _findings, _write

from doctor.project.gitlab_ci import read_gitlab_ci

GITLAB_CI = """stages:
  - lint
  - test

variables:
  POSTGRES_USER: 'my_awesome_project'
  POSTGRES_HOST: postgres

precommit:
  stage: lint
  image: ghcr.io/astral-sh/uv:{lint}-bookworm
  before_script:
    - uv venv
    - uv pip install -q pre-commit pre-commit-uv
  script:
    - uv run pre-commit run --show-diff-on-failure --color=always --all-files

pytest:
  stage: test
  image: docker:25.0
  services:
    - docker:dind
  script:
    - docker compose -f docker-compose.local.yml run django pytest
"""

COOKIECUTTER = {
    ".python-version": "3.14\n",
    "pyproject.toml": '[project]\nname = "my_awesome_project"\nversion = "0.1.0"\nrequires-python = "==3.14.*"\n',
    "compose/local/django/Dockerfile": ("# define an alias for the specific python version used in this file.\n"
                                        "FROM ghcr.io/astral-sh/uv:python3.14-bookworm-slim AS python\n\n"
                                        "FROM python AS python-build-stage\n"),
    "docker-compose.local.yml": ("services:\n  django:\n    build:\n      context: .\n"
                                 "      dockerfile: ./compose/local/django/Dockerfile\n"
                                 "    image: my_awesome_project_local_django\n    volumes:\n      - .:/app:z\n"
                                 "    command: /start\n"),
}


@pytest.mark.parametrize(("lint", "expected"), [
    ("python3.14", []),  # upstream as generated: everything on 3.14
    ("python3.13", [(".gitlab-ci.yml", 11, "python 3.13 (GitLab CI image ghcr.io/astral-sh/uv:python3.13-bookworm), "
                     "elsewhere 3.14: .python-version:1, pyproject.toml:4 (requires-python ==3.14.*), "
                     "compose/local/django/Dockerfile:2")]),
], ids=["upstream", "lint-job-on-3.13"])
def test_cookiecutter_django_gitlab_pipeline(tmp_path: Path, lint: str, expected: list[tuple[str, int, str]]) -> None:
    root = _write(tmp_path / "my_awesome_project", {**COOKIECUTTER, ".gitlab-ci.yml": GITLAB_CI.format(lint=lint)})
    (root / "docker-compose.yml").symlink_to("docker-compose.local.yml")
    found = [(f.location.path.relative_to(root).as_posix(), f.location.line, f.message)
             for f in _findings(root, tmp_path) if f.location]
    assert found == expected, found


def test_the_mission_drift_names_gitlab_beside_the_others(tmp_path: Path) -> None:
    """CI 3.11 (GitLab), image 3.12, local 3.10: each place apart from the agreed one is reported."""
    files = {**COOKIECUTTER, ".python-version": "3.10\n", "pyproject.toml": '[project]\nname = "x"\nversion = "0"\n',
             "compose/local/django/Dockerfile": "FROM python:3.12-slim\n",
             ".gitlab-ci.yml": "test:\n  image: python:3.11-slim\n  script: [pytest]\n"}
    root = _write(tmp_path / "app", files)
    (root / "docker-compose.yml").symlink_to("docker-compose.local.yml")
    found = sorted((f.location.path.name, f.message) for f in _findings(root, tmp_path) if f.location)
    assert found == [(".gitlab-ci.yml", "python 3.11 (GitLab CI image python:3.11-slim), elsewhere 3.12: "
                                        "compose/local/django/Dockerfile:1"),
                     (".python-version", "python 3.10 (.python-version 3.10), elsewhere 3.12: "
                                         "compose/local/django/Dockerfile:1")], found


PIPELINES = [
    # the `default:` image, an image mapping, a hidden template: each at its line
    ("default:\n  image: python:3.12\nlint:\n  image:\n    name: node:20-alpine\n.tpl:\n  image: python:3.11\n",
     [("python", 2, ("3.12",)), ("node", 5, ("20",)), ("python", 7, ("3.11",))]),
    # a variable: reported where the version is written (the job's over the pipeline's)
    ("variables:\n  PY: '3.10'\ntest:\n  variables:\n    PY: '3.12'\n  image: python:${PY}-slim\n",
     [("python", 5, ("3.12",))]),
    ("variables:\n  PY: {value: '3.11', description: the version}\ntest:\n  image: python:$PY\n",
     [("python", 2, ("3.11",))]),
    # a matrix is one place with several versions
    ("test:\n  image: python:$PYTHON_VERSION\n  parallel:\n    matrix:\n      - PYTHON_VERSION: ['3.11', '3.12']\n",
     [("python", 5, ("3.11", "3.12"))]),
    # not known here (a project's CI/CD settings), not a runtime image, services, a broken file
    ("test:\n  image: python:$UNSET\n", []),
    ("test:\n  image: docker:25.0\n  services: [python:3.9]\n", []),
    ("test:\n  image: $PYTHON_IMAGE_PREFIXES\n", []),
    ("test: [\n", []),
]


@pytest.mark.parametrize(("text", "expected"), PIPELINES)
def test_read_gitlab_ci(tmp_path: Path, text: str, expected: list[tuple[str, int, tuple[str, ...]]]) -> None:
    (tmp_path / ".gitlab-ci.yml").write_text(text)
    found = [(d.runtime, d.location.line, d.versions) for d in read_gitlab_ci(tmp_path)]
    assert found == expected, found


def test_a_warm_run_reads_no_yaml_for_an_unchanged_pipeline(tmp_path: Path) -> None:
    """The pipeline's pins are remembered (doctor.project.memo), as a workflow's are: a warm preflight
    imports no PyYAML for `.gitlab-ci.yml`."""
    import json
    import os
    import subprocess
    import sys
    import time

    root = _write(tmp_path / "p", {**COOKIECUTTER, ".gitlab-ci.yml": GITLAB_CI.format(lint="python3.13")})
    (root / "docker-compose.yml").symlink_to("docker-compose.local.yml")
    when = time.time() - 7200  # a checkout's age: a file changed in the last two seconds is never remembered
    for path in [root, *root.rglob("*")]:
        os.utime(path, (when, when), follow_symlinks=False)
    run = ("import json, sys\nimport doctor.cli\nsys.argv = ['doctor', 'preflight', '--format', 'json', '--select', "
           "'runtime-drift']\ntry:\n    doctor.cli.main()\nexcept SystemExit:\n    pass\n"
           "sys.stderr.write(json.dumps(sorted(sys.modules)))\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "DOCTOR_CONTEXT": "host"}
    env.pop("DOCTOR_NO_CACHE", None)
    outputs = []
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", run], cwd=root, env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        outputs.append((done.stdout, json.loads(done.stderr.splitlines()[-1])))
    assert "GitLab CI image" in outputs[0][0] and outputs[0][0] == outputs[2][0]
    assert "yaml" in outputs[0][1] and "yaml" not in outputs[2][1]
