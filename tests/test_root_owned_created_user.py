"""root-owned-files: a stray of a non-root owner is blamed on the service whose Dockerfile creates
and runs as that uid, and the advice builds that user with the host user's ids.

vintasoftware/django-react-boilerplate: `frontend` (`node:22-alpine`, no user: root) and `backend`
both mount the repo's root; backend's Dockerfile runs `useradd ... user` (no -u: uid 1000, the
first regular user of a Debian image) and `USER user`. With the checkout owned by uid 1001, its
`backend/users/migrations/0002_auto.py` (uid 1000) was said to be frontend's, with `user:` advice.
peeringdb: the advice to run a service as you ignored its `user: "0:0"`, the line to replace.
Trees are built with chown, so the tests need root (CI runs as root).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from doctor.checks.root_owned_files.created_user import _creation
from root_owned_checks import chown_tree, run_check, title

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="building a mixed-owner tree needs root")
DRB = """\
services:
  frontend:
    image: node:22-alpine
    volumes:
      - .:/app/
      - /app/node_modules
  backend:
    build:
      context: .
      dockerfile: backend/Dockerfile
    volumes:
      - ./:/home/user/app/
"""
DOCKERFILE = """\
FROM python:3.12-slim-bookworm
RUN apt-get update && apt-get install -y gettext
RUN groupadd user && useradd --create-home --home-dir /home/user -g user user
USER user
"""
STRAY = "backend/users/migrations/0002_auto.py"


def build(tmp_path: Path, compose: str, dockerfile: str, strays: dict[str, int], owner: int = 1001) -> Path:
    project = tmp_path / "proj"
    for rel in (STRAY, "backend/Dockerfile", "compose.yaml"):
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text("x\n")
    (project / "compose.yaml").write_text(compose)
    (project / "backend/Dockerfile").write_text(dockerfile)
    chown_tree(tmp_path, owner)
    for rel, uid in strays.items():
        os.lchown(project / rel, uid, uid)
    return project


@needs_root
def test_the_service_whose_dockerfile_user_has_the_strays_uid_is_named(tmp_path: Path) -> None:
    project = build(tmp_path, DRB, DOCKERFILE, {STRAY: 1000})
    advice = title(run_check(project)["owner:backend"])
    assert "'frontend'" not in advice and "if " not in advice, advice
    assert advice.endswith(
        "(then, by hand: build the user 'user' of 'backend' (uid 1000, useradd's first user, "
        'backend/Dockerfile:3) with your ids: ARG UID and ARG GID there, useradd -u "$UID" '
        '(groupadd -g "$GID"), build: args: UID: ${UID} and GID: ${GID} in its compose entry, '
        "and set UID=1001 and GID=1001 in .env)"), advice


@needs_root
def test_an_explicit_uid_counts_and_another_uid_is_not_blamed(tmp_path: Path) -> None:
    explicit = DOCKERFILE.replace("-g user user", "-u 1000 -g user user")
    advice = title(run_check(build(tmp_path / "a", DRB, explicit, {STRAY: 1000}))["owner:backend"])
    assert "of 'backend' (uid 1000, backend/Dockerfile:3)" in advice, advice
    other = DOCKERFILE.replace("-g user user", "--uid=2000 -g user user")
    advice = title(run_check(build(tmp_path / "b", DRB, other, {STRAY: 1000}))["owner:backend"])
    assert "build the user" not in advice, advice


@needs_root
def test_a_default_uid_on_a_base_with_a_user_of_its_own_is_not_guessed(tmp_path: Path) -> None:
    # node's images hold `node` (uid 1000): a useradd there gives 1001
    on_node = DOCKERFILE.replace("python:3.12-slim-bookworm", "node:22-bookworm")
    advice = title(run_check(build(tmp_path, DRB, on_node, {STRAY: 1000}))["owner:backend"])
    assert "build the user" not in advice, advice


@needs_root
def test_a_second_user_created_before_gets_the_next_uid(tmp_path: Path) -> None:
    two = DOCKERFILE.replace("RUN groupadd", "RUN useradd -m builder && groupadd")
    found = run_check(build(tmp_path, DRB, two, {STRAY: 1001}, owner=1002))
    assert "of 'backend' (uid 1001, useradd's first user" in title(found["owner:backend"])


@pytest.mark.parametrize(("segment", "made"), [
    ("useradd --create-home --home-dir /home/user -g user user", ("user", None, False)),
    ("useradd -u 1001 -g app app", ("app", 1001, False)),
    ("useradd -u1001 app", ("app", 1001, False)),
    ("/usr/sbin/useradd --uid=1500 --shell /bin/bash app", ("app", 1500, False)),
    ("useradd -r -g app app", ("app", None, True)),
    ('adduser --disabled-password --gecos "" web', ("web", None, False)),
    ("adduser -D -u 1000 -G www www", ("www", 1000, False)),
    ("adduser web staff", None),  # Debian's adduser USER GROUP: adds to a group
    ('useradd -u "$UID" app', None),  # a variable: the uid is the build's
])
def test_a_useradd_is_read_as_the_shell_would(segment: str, made: tuple[str, int | None, bool] | None) -> None:
    assert _creation(segment) == made


@needs_root
def test_the_advice_to_run_as_you_replaces_an_existing_user_line(tmp_path: Path) -> None:
    compose = ("services:\n  peeringdb:\n    image: doctor-busybox:test\n    user: \"0:0\"\n"
               "    volumes:\n      - ./:/srv\n")
    project = build(tmp_path, compose, DOCKERFILE, {STRAY: 0}, owner=1000)
    advice = title(run_check(project)["owner:backend"])
    assert advice.endswith("run 'peeringdb' with user: \"${UID}:${GID}\" in place of user: \"0:0\" (line 4))"), advice


@needs_root
def test_a_user_line_written_as_the_projects_own_variable_is_set_through_it(tmp_path: Path) -> None:
    """openfun/joanie's `user: ${DOCKER_USER:-1000}` (its Makefile passes DOCKER_USER=$(id -u):$(id -g)): the
    advice said to run it with `user: "${UID}:${GID}"` in place of `user: "1000"`, a line the file does not
    have, past the project's own setting."""
    compose = ("services:\n  peeringdb:\n    image: doctor-busybox:test\n    user: ${DOCKER_USER:-0}\n"
               "    volumes:\n      - ./:/srv\n")
    advice = title(run_check(build(tmp_path, compose, DOCKERFILE, {STRAY: 0}, owner=1000))["owner:backend"])
    assert advice.endswith("set DOCKER_USER=1000:1000 in .env (the user: of 'peeringdb' reads it))"), advice
