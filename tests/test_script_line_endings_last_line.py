"""script-line-endings on two shapes a reviewer met in real projects.

A script converted to CRLF without a final newline ends in a lone `\\r` (plane's
apps/api/bin/docker-entrypoint-worker.sh after `sed -i 's/$/\\r/'`): the shell reads it as part of
the last word, so the check finds it and the fix removes it. A script the image's own stage COPYs
and RUNs while building (getsentry/self-hosted's sentry/enhance-image.sh, which other services
also bind-mount at /etc/sentry) breaks the build first: the finding names that RUN line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_script_line_endings_real import CHECK, errors, project

from doctor.engine import Registry, load_registry
from doctor.fix_report import FixStatus, render_fix_report
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

WORKER = b"#!/bin/sh\nexec celery -A plane worker -l info"  # no final newline
BOUND = "services:\n  worker:\n    image: debian:12\n    volumes: ['./bin:/code/bin']\n"


# -- 1. a lone `\r` at the end of the file ----------------------------------------------------------

@pytest.mark.parametrize("data", [
    WORKER,  # LF, no final newline: fine as it is
    WORKER + b"\n",
    b"#!/bin/sh\nprintf 'a\\rb'\n",  # a CR inside a line is the script's own text
])
def test_a_script_without_a_cr_at_a_line_end_is_quiet(tmp_path: Path, data: bytes) -> None:
    root = project(tmp_path, {"bin/worker.sh": data, "compose.yaml": BOUND})
    assert errors(root) == []


@pytest.mark.parametrize("data", [
    WORKER.replace(b"\n", b"\r\n") + b"\r",  # `sed -i 's/$/\r/'`: the last line ends in `\r` alone
    WORKER + b"\r",  # what the old fix left behind: only the last line's `\r`
    WORKER + b"\r\r",  # converted twice
])
def test_a_cr_at_the_end_of_the_file_is_a_crlf_line_end(tmp_path: Path, data: bytes) -> None:
    root = project(tmp_path, {"bin/worker.sh": data, "compose.yaml": BOUND})
    where = "reaches 'worker' (bind mount, compose.yaml:4)"
    assert errors(root) == [("bin/worker.sh", f"has CRLF line endings and {where}")]


@pytest.mark.parametrize(("data", "after"), [
    (WORKER.replace(b"\n", b"\r\n") + b"\r", WORKER),  # no final newline added
    (b"\xef\xbb\xbf" + WORKER.replace(b"\n", b"\r\n") + b"\r", WORKER),
    (WORKER.replace(b"\n", b"\r\r\n") + b"\r\r", WORKER),
    (WORKER.replace(b"\n", b"\r\n") + b"\r\n", WORKER + b"\n"),
])
def test_the_fix_removes_the_cr_at_the_end_of_the_file_in_one_run(tmp_path: Path, data: bytes, after: bytes) -> None:
    root = project(tmp_path / "p", {"bin/worker.sh": data, "compose.yaml": BOUND,
                                    ".gitattributes": "*.sh text eol=lf\n"})
    env = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1"}
    registry = Registry({CHECK: load_registry().checks[CHECK]})
    options = FixOptions(ProjectOptions(path=root, env=env), families=frozenset({"scripts"}), yes=True, env=env)
    report = fix(options, registry)
    assert report.results and all(r.status is FixStatus.APPLIED and r.fixed for r in report.results), (
        render_fix_report(report))
    assert (root / "bin" / "worker.sh").read_bytes() == after
    assert errors(root) == []


# -- 2. a script the image's own stage runs while building -------------------------------------------

# getsentry/self-hosted's sentry/Dockerfile and the shape of its docker-compose.yml
SENTRY_DOCKERFILE = ("ARG SENTRY_IMAGE\nFROM ${SENTRY_IMAGE}\n\n"
                     "RUN pip install https://github.com/getsentry/sentry-nodestore-s3/archive/main.zip\n\n"
                     "COPY . /usr/src/sentry\n\n"
                     "RUN if [ -s /usr/src/sentry/enhance-image.sh ]; then \\\n"
                     "    /usr/src/sentry/enhance-image.sh; \\\n    fi\n")

def sentry_compose(build_all: bool = False) -> str:
    """`web` builds ./sentry; the other services bind-mount it at /etc/sentry (and build it too, as
    sentry's own do through the x-sentry-defaults anchor, when `build_all`)."""
    build = "    build: {context: ./sentry}\n"
    return ("services:\n"
            f"  web:\n    image: sentry-self-hosted-local\n{build}"
            "    entrypoint: /etc/sentry/entrypoint.sh\n    volumes: ['./sentry:/etc/sentry']\n"
            f"  attachments-consumer:\n    image: sentry-self-hosted-local\n{build if build_all else ''}"
            "    entrypoint: /etc/sentry/entrypoint.sh\n    volumes: ['./sentry:/etc/sentry']\n"
            f"  cron:\n    image: sentry-self-hosted-local\n{build if build_all else ''}"
            "    volumes: ['./sentry:/etc/sentry']\n")


ENHANCE = b"#!/bin/bash\r\nset -euo pipefail\r\napt-get update\r\npip install python-ldap\r\n"
ENTRYPOINT = b"#!/bin/bash\nset -e\nexec sentry \"$@\"\n"


def test_a_script_the_images_own_stage_runs_breaks_the_build(tmp_path: Path) -> None:
    root = project(tmp_path, {"sentry/Dockerfile": SENTRY_DOCKERFILE, "sentry/entrypoint.sh": ENTRYPOINT,
                              "sentry/enhance-image.sh": ENHANCE, "docker-compose.yml": sentry_compose()})
    assert errors(root) == [("sentry/enhance-image.sh",
                             "has CRLF line endings and breaks the build of 'web' (RUN, Dockerfile:8)")]


def test_the_build_wins_when_every_service_builds_the_image(tmp_path: Path) -> None:
    root = project(tmp_path, {"sentry/Dockerfile": SENTRY_DOCKERFILE, "sentry/entrypoint.sh": ENTRYPOINT,
                              "sentry/enhance-image.sh": ENHANCE, "docker-compose.yml": sentry_compose(build_all=True)})
    where = "breaks the build of 'attachments-consumer', 'cron', 'web' (RUN, Dockerfile:8)"
    assert errors(root) == [("sentry/enhance-image.sh", f"has CRLF line endings and {where}")]


@pytest.mark.parametrize("run", [
    "bash /usr/src/sentry/enhance-image.sh",
    "sh -c '/usr/src/sentry/enhance-image.sh --all'",
    '["/usr/src/sentry/enhance-image.sh"]',
    "chmod +x /usr/src/sentry/enhance-image.sh \\\n && PIP_NO_CACHE=1 exec /usr/src/sentry/enhance-image.sh",
])
def test_each_way_a_run_line_runs_the_script(tmp_path: Path, run: str) -> None:
    dockerfile = f"FROM python:3.12-slim\nCOPY . /usr/src/sentry\nRUN {run}\n"
    root = project(tmp_path, {"sentry/Dockerfile": dockerfile, "sentry/entrypoint.sh": ENTRYPOINT,
                              "sentry/enhance-image.sh": ENHANCE, "docker-compose.yml": sentry_compose()})
    assert errors(root) == [("sentry/enhance-image.sh",
                             "has CRLF line endings and breaks the build of 'web' (RUN, Dockerfile:3)")]


@pytest.mark.parametrize("dockerfile", [
    "FROM python:3.12-slim\nCOPY . /usr/src/sentry\n",  # copied, never run
    # named, not run: cookiecutter-django's `RUN chmod +x /start`
    "FROM python:3.12-slim\nCOPY . /usr/src/sentry\nRUN chmod +x /usr/src/sentry/enhance-image.sh\n",
    "FROM python:3.12-slim\nCOPY . /usr/src/sentry\nRUN test -x /usr/src/sentry/enhance-image.sh || true\n",
    "FROM python:3.12-slim\nRUN /usr/src/sentry/enhance-image.sh || true\nCOPY . /usr/src/sentry\n",  # run before
    "FROM python:3.12-slim\nCOPY . /usr/src/sentry\n"
    "RUN sed -i 's/\\r$//' /usr/src/sentry/enhance-image.sh && /usr/src/sentry/enhance-image.sh\n",
])
def test_a_stage_that_does_not_run_the_script_leaves_the_bind_mount(tmp_path: Path, dockerfile: str) -> None:
    root = project(tmp_path, {"sentry/Dockerfile": dockerfile, "sentry/entrypoint.sh": ENTRYPOINT,
                              "sentry/enhance-image.sh": ENHANCE, "docker-compose.yml": sentry_compose()})
    stripped = "sed" in dockerfile  # the stage runs it stripped of its CRs; no container runs it
    expected = [] if stripped else [
        ("sentry/enhance-image.sh", "has CRLF line endings and reaches 'attachments-consumer' "
                                    "(bind mount, docker-compose.yml:10)")]
    assert errors(root) == expected


def test_a_named_stage_of_several_is_named(tmp_path: Path) -> None:
    dockerfile = ("FROM python:3.12-slim AS base\nCOPY . /usr/src/sentry\n"
                  "FROM base AS app\nRUN /usr/src/sentry/enhance-image.sh\n")
    root = project(tmp_path, {"sentry/Dockerfile": dockerfile, "sentry/entrypoint.sh": ENTRYPOINT,
                              "sentry/enhance-image.sh": ENHANCE, "docker-compose.yml": sentry_compose()})
    where = "breaks the build of 'web' (RUN in stage 'app', Dockerfile:4)"
    assert errors(root) == [("sentry/enhance-image.sh", f"has CRLF line endings and {where}")]


def test_a_script_a_run_names_by_a_relative_path_without_dot_slash_breaks_the_build(tmp_path: Path) -> None:
    """nickjj/docker-django-example: `RUN chmod 0755 bin/* && bin/uv-install` (WORKDIR /app, `COPY
    --chown=ruby:ruby bin/ ./bin`): with CRLF in bin/uv-install doctor said it 'reaches 'css', 'js'
    (bind mount)', missing that the build of 'web' fails; `./bin/uv-install` was found."""
    dockerfile = ("FROM python:3.13-slim AS app-build\nWORKDIR /app\nCOPY bin/ ./bin\n"
                  "RUN chmod 0755 bin/* && bin/uv-install\n")
    compose = ("services:\n  web:\n    build: .\n    image: web\n"
               "  js:\n    image: node:22\n    volumes: ['.:/app']\n")
    root = project(tmp_path, {"Dockerfile": dockerfile, "docker-compose.yml": compose,
                              "bin/uv-install": b"#!/usr/bin/env bash\r\nset -e\r\nuv sync\r\n"})
    assert errors(root) == [("bin/uv-install",
                             "has CRLF line endings and breaks the build of 'web' (RUN, Dockerfile:4)")]
