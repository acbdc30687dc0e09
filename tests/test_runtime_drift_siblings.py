"""runtime-drift: one service's dev and production Dockerfiles on different Pythons.

testdrivenio/flask-on-docker builds `web` from web/Dockerfile in its compose file and from
web/Dockerfile.prod in the production compose file beside it. With the two FROMs on different
Pythons runtime-drift said ✓: the production file is not loaded, and Dockerfiles alone were not
compared. The compose files beside the loaded one are read for their services' `build:` alone,
and the image each build makes (its target stage's FROM) is compared with the loaded build's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from trees import write_tree

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, Severity, relative_to
from doctor.project import ProjectOptions

DEV = "services:\n  web:\n    build: ./web\n"
PROD = "services:\n  web:\n    build:\n      context: ./web\n      dockerfile: Dockerfile.prod\n"


def _findings(root: Path) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1"}
    options = RunOptions(project=ProjectOptions(path=root, env=env), select=("runtime-drift",), env=env)
    return [f for f in preflight(options, load_registry()).report.findings if f.check == "runtime-drift"]


def _shown(root: Path) -> list[tuple[str, int | None, str]]:
    return [(relative_to(f.location.path, root), f.location.line, f.message) for f in _findings(root) if f.location]



def test_flask_on_docker_prod_dockerfile_on_another_python(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"compose.yaml": DEV, "compose.prod.yaml": PROD, "web/Dockerfile": "FROM python:3.11\n",
                             "web/Dockerfile.prod": "FROM python:3.9\n"})
    [found] = _findings(root)
    assert found.location is not None
    assert (relative_to(found.location.path, root), found.location.line) == ("web/Dockerfile.prod", 1)
    assert found.message == ("python 3.9 (FROM python:3.9) for 'web' in compose.prod.yaml, but compose.yaml builds "
                             "it FROM python:3.11 at web/Dockerfile:1")
    assert found.severity is Severity.WARNING and found.fix is not None
    assert found.fix.title == "change FROM python:3.9 to python 3.11 in web/Dockerfile.prod:1"


def test_the_older_loaded_dockerfile_is_the_one_to_change(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"docker-compose.yml": DEV, "docker-compose.prod.yml": PROD,
                             "web/Dockerfile": "FROM python:3.11.4-slim-buster\n",
                             "web/Dockerfile.prod": "FROM python:3.12-slim AS builder\nRUN pip wheel .\n"
                                                    "FROM python:3.12-slim\nCOPY --from=builder /w /w\n"})
    assert _shown(root) == [("web/Dockerfile", 1, "python 3.11.4 (FROM python:3.11.4-slim-buster) for 'web' in "
                             "docker-compose.yml, but docker-compose.prod.yml builds it FROM python:3.12-slim at "
                             "web/Dockerfile.prod:3")]
    assert "take python:3.12-slim-bookworm" in _findings(root)[0].fix.title  # type: ignore[union-attr]


@pytest.mark.parametrize("prod_dockerfile", [
    "FROM python:3.11.4-slim AS builder\nRUN pip wheel .\nFROM python:3.11.4-slim\nCOPY --from=builder /w /w\n",
    "FROM python:3.11\n",
    # a builder stage on another Python is not what runs: the image is the last stage's
    "FROM python:3.10 AS builder\nRUN pip wheel .\nFROM python:3.11-slim\nCOPY --from=builder /w /w\n",
    "FROM node:20 AS assets\nRUN npm ci\nFROM python:3.11-slim\nCOPY --from=assets /a /a\n",
])
def test_dockerfiles_on_one_python_are_quiet(tmp_path: Path, prod_dockerfile: str) -> None:
    root = write_tree(tmp_path, {"compose.yaml": DEV, "compose.prod.yaml": PROD, "web/Dockerfile": "FROM python:3.11\n",
                             "web/Dockerfile.prod": prod_dockerfile})
    assert _findings(root) == []


@pytest.mark.parametrize("prod", [
    "services:\n  web:\n    build:\n      target: prod\n",  # an override of the loaded Dockerfile's stage
    "services:\n  web:\n    build:\n      context: ./web\n      dockerfile: ${DOCKERFILE}\n",  # not guessed
    "services:\n  web:\n    build: ./web\n",  # the same Dockerfile
    "services:\n  worker:\n    build:\n      context: ./web\n      dockerfile: Dockerfile.prod\n",  # no such service
    "services:\n  web:\n    image: example/web:prod\n",
    "services: [\n",  # does not parse: not this check's business
])
def test_no_other_dockerfile_for_a_loaded_service_is_quiet(tmp_path: Path, prod: str) -> None:
    root = write_tree(tmp_path, {"compose.yaml": DEV, "compose.prod.yaml": prod, "web/Dockerfile": "FROM python:3.11\n",
                             "web/Dockerfile.prod": "FROM python:3.9\n"})
    assert _findings(root) == []


def test_a_sibling_with_no_context_takes_the_loaded_builds(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"compose.yaml": DEV, "compose.prod.yaml": "services:\n  web:\n    build:\n"
                             "      dockerfile: Dockerfile.prod\n", "web/Dockerfile": "FROM python:3.11\n",
                             "web/Dockerfile.prod": "FROM python:3.9\n"})
    assert [line[:2] for line in _shown(root)] == [("web/Dockerfile.prod", 1)]


def test_a_from_through_an_arg_reads_the_siblings_build_args(tmp_path: Path) -> None:
    prod = PROD + "      args:\n        - PYTHON_VERSION=3.9\n"
    dockerfile = "ARG PYTHON_VERSION=3.11\nFROM python:${PYTHON_VERSION}-slim\n"
    root = write_tree(tmp_path, {"compose.yaml": DEV, "compose.prod.yaml": prod, "web/Dockerfile": dockerfile,
                             "web/Dockerfile.prod": dockerfile})
    [found] = _findings(root)  # reported where the version is written: the sibling's build arg
    assert found.location is not None and (found.location.path.name, found.location.line) == ("compose.prod.yaml", 7)
    assert found.message == ("python 3.9 (FROM python:3.9-slim) for 'web' in compose.prod.yaml, but compose.yaml "
                             "builds it FROM python:3.11-slim at web/Dockerfile:1")
    (root / "compose.prod.yaml").write_text(PROD)
    assert _findings(root) == []


def test_the_projects_version_settles_which_dockerfile_differs(tmp_path: Path) -> None:
    files = {"compose.yaml": DEV, "compose.prod.yaml": PROD, "web/Dockerfile": "FROM python:3.11\n",
             "web/Dockerfile.prod": "FROM python:3.9\n"}
    # the production Dockerfile is a place like the loaded one: with .python-version it outvotes the
    # newest, and the loaded Dockerfile is the one apart, reported once
    root = write_tree(tmp_path / "a", {**files, ".python-version": "3.9\n"})
    assert _shown(root) == [("web/Dockerfile", 1, "python 3.11 (FROM python:3.11), elsewhere 3.9: .python-version:1, "
                             "web/Dockerfile.prod:1")]
    root = write_tree(tmp_path / "b", {**files, ".python-version": "3.11\n"})
    assert _shown(root) == [("web/Dockerfile.prod", 1, "python 3.9 (FROM python:3.9), elsewhere 3.11: "
                             ".python-version:1, web/Dockerfile:1")]
    # a service pinning its own version answers to it, not to the root's: the two Dockerfiles compared alone
    root = write_tree(tmp_path / "c", {**files, ".python-version": "3.9\n", "web/.python-version": "3.11\n"})
    assert [line[:2] for line in _shown(root)] == [("web/Dockerfile.prod", 1)]


def test_two_sibling_files_on_one_dockerfile_are_one_finding(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"compose.yaml": DEV, "compose.prod.yaml": PROD, "compose.staging.yaml": PROD,
                             "web/Dockerfile": "FROM node:22\n", "web/Dockerfile.prod": "FROM node:20-alpine\n"})
    assert _shown(root) == [("web/Dockerfile.prod", 1, "node 20 (FROM node:20-alpine) for 'web' in "
                             "compose.prod.yaml, but compose.yaml builds it FROM node:22 at web/Dockerfile:1")]


def test_a_warm_run_reads_no_yaml_for_an_unchanged_sibling(tmp_path: Path) -> None:
    """The sibling's builds are remembered (doctor.project.memo): a warm preflight of a project with a
    docker-compose.prod.yml imports no PyYAML for it, as for its loaded files (issue 12)."""
    import json
    import os
    import subprocess
    import sys
    import time

    root = write_tree(tmp_path / "p", {"compose.yaml": DEV, "compose.prod.yaml": PROD,
                                   "web/Dockerfile": "FROM python:3.11\n", "web/Dockerfile.prod": "FROM python:3.9\n"})
    when = time.time() - 7200  # a checkout's age: a file changed in the last two seconds is never remembered
    for path in [root, *root.rglob("*")]:
        os.utime(path, (when, when))
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
    assert "Dockerfile.prod" in outputs[0][0] and outputs[0][0] == outputs[2][0]
    assert "yaml" in outputs[0][1] and "yaml" not in outputs[2][1]
