"""Parallel worktrees ("tracks") of one repo, live: one `doctor fix --ports --yes` each, then all stacks up at once.

A fixture repo with an origin, a compose file publishing one port through a variable and
one literal, `.env` and the override git-ignored. Worktrees B (and C) are real `git worktree`s.
Track A comes up on the committed ports; each later track's fix moves its colliding ports
into its own block of the port plan (registry under a per-test XDG_STATE_HOME), writing only
untracked files; every stack is up at the same time; `doctor ports` shows the map.
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from portprobe import bindable, free_ports

from doctor import app, commands
from doctor.host.portregistry import read_blocks, registry_path
from doctor.portmap import PortsOptions, ports

pytestmark = pytest.mark.docker

SERVE = """["sh", "-c", 'trap "exit 0" TERM; httpd -f -p {port} -h / & wait']"""


def free_pool(span: int = 1000, probe_ports: int = 300) -> int:
    """The first port of a plan pool of `span` ports for this run: one of 900 starts in 20000-28990, its
    first `probe_ports` ports (the blocks a test's fixes take) bindable now. Two test runs on one engine
    (a CI run beside a developer's) each pick their own: with ten fixed pools they met one time in ten,
    and the second `up` failed on its block's first port ("port is already allocated")."""
    while True:
        start = random.randrange(20000, 29000 - span + 1000, 10)
        if all(bindable(port) for port in range(start, start + probe_ports)):
            return start


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"})
    return done.stdout


def fixture_repo(root: Path, image: str, web: int, api: int, pool: int = 0, tracked_env: bool = False) -> None:
    """The repo: compose.yaml, doctor.yaml with a per-run port pool, the override git-ignored, and `.env`
    git-ignored or (`tracked_env`) committed with the web port in it.
    """
    root.mkdir()
    if pool:
        (root / "doctor.yaml").write_text(f"ports:\n  range: {pool}-{pool + 999}\n")
    (root / "compose.yaml").write_text(
        "services:\n"
        f"  web:\n    image: {image}\n    command: {SERVE.format(port=80)}\n"
        f"    ports:\n      - \"${{WEB_PORT:-{web}}}:80\"\n"
        f"  api:\n    image: {image}\n    command: {SERVE.format(port=8000)}\n"
        f"    ports:\n      - \"{api}:8000\"\n"
    )
    if tracked_env:
        (root / ".env").write_text(f"WEB_PORT={web}\n")
    (root / ".gitignore").write_text("compose.override.yaml\n" if tracked_env else ".env\ncompose.override.yaml\n")
    git(root, "init", "-q", "-b", "main")
    # an origin of this run alone: stacks another run left up must not count as our clones
    run = root.name.rsplit("-", 1)[0]  # doctor-test-<uuid>: the same for every track of this run only
    git(root, "remote", "add", "origin", f"https://example.com/acme/tracks-{run}.git")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "fixture")


def compose(docker: str, root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([docker, "compose", *args], cwd=root, capture_output=True, text=True, timeout=180)


def fix_ports(root: Path, env: dict[str, str]) -> tuple[int, str]:
    out = io.StringIO()
    command = commands.FixCommand(target=app.PreflightOptions(path=root, env=env), families=frozenset({"ports"}),
                             yes=True)
    return commands.fix(command, out), out.getvalue()


def published(docker: str, root: Path) -> set[int]:
    done = compose(docker, root, "ps", "--format", "json")
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return {p["PublishedPort"] for row in rows for p in row.get("Publishers") or [] if p.get("PublishedPort")}


@pytest.fixture
def image(docker_engine: str, busybox_image: str) -> Iterator[str]:
    """The stand-in image of this test's fixture repository, under a per-run doctor-only name;
    removed at teardown, whatever the test did before its own cleanup."""
    name = f"doctor-test/tracks-{uuid.uuid4().hex[:8]}:latest"
    subprocess.run([docker_engine, "tag", busybox_image, name], check=True, capture_output=True)
    yield name
    subprocess.run([docker_engine, "rmi", name], capture_output=True)


@pytest.mark.parametrize(("tracks", "tracked_env"), [(2, False), (3, True)])
def test_worktrees_come_up_at_once_after_one_fix_each(tmp_path: Path, docker_engine: str, image: str,
                                                      tracks: int, tracked_env: bool,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    run = uuid.uuid4().hex[:8]
    web, api = free_ports(2)
    main = tmp_path / f"doctor-test-{run}-a"
    pool = free_pool()  # per run, so parallel runs do not share blocks
    fixture_repo(main, image, web, api, pool, tracked_env)
    roots = [main]
    for letter in "bc"[: tracks - 1]:
        root = tmp_path / f"doctor-test-{run}-{letter}"
        git(main, "worktree", "add", "-q", "-b", f"track-{letter}", str(root))
        roots.append(root)
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    env.pop("COMPOSE_FILE", None)
    env.pop("WEB_PORT", None)
    try:
        for root in roots:
            status, report = fix_ports(root, env)
            assert status == 0, report
            up = compose(docker_engine, root, "up", "-d")
            assert up.returncode == 0, f"{root.name}: {up.stderr}\n{report}"
        held = [published(docker_engine, root) for root in roots]
        assert held[0] == {web, api}  # track A kept the committed ports
        for ports_of_track in held:
            assert len(ports_of_track) == 2
        assert len(set().union(*held)) == 2 * tracks  # every stack up at once, no port shared
        blocks = {b.owner: b for b in read_blocks(registry_path(env))}
        for root, ports_of_track in zip(roots[1:], held[1:], strict=True):
            block = blocks[str(root)]
            assert pool <= block.start and block.end <= pool + 999
            assert all(block.start <= p <= block.end for p in ports_of_track), (block, ports_of_track)
        assert len({(b.start, b.end) for b in blocks.values()}) == len(blocks)
        for root in roots:
            assert git(root, "status", "--porcelain") == "", root  # no tracked file changed
            assert git(root, "diff", "HEAD", "--stat") == ""
        if tracked_env:  # the committed .env keeps the committed port; the ignored override moves it
            assert all((root / ".env").read_text() == f"WEB_PORT={web}\n" for root in roots)
            assert "!override" in (roots[1] / "compose.override.yaml").read_text()
        again, report = fix_ports(roots[-1], env)  # a second fix changes nothing and keeps the block
        assert again == 0 and {b.owner: b for b in read_blocks(registry_path(env))} == blocks, report

        out = io.StringIO()
        status = ports(PortsOptions(path=roots[-1], env=env), out)
        text = out.getvalue()
        assert status == 0, text
        assert f"({tracks} checkouts)" in text and "✓ no clashes" in text, text
        for root, ports_of_track in zip(roots, held, strict=True):
            assert str(root) in text
            for port in ports_of_track:
                assert any(line.strip().startswith(f"{port}/tcp") and "held by its own container" in line
                           for line in text.splitlines()), text
        with capsys.disabled():
            print(f"\n{text}")
        document = io.StringIO()
        ports(PortsOptions(path=main, as_json=True, env=env), document)
        assert len(json.loads(document.getvalue())["checkouts"]) == tracks
    finally:
        for root in roots:
            compose(docker_engine, root, "down", "-v", "-t", "0")


def test_ports_shows_the_clash_of_two_worktrees_on_the_committed_ports(tmp_path: Path, docker_engine: str,
                                                                        image: str) -> None:
    run = uuid.uuid4().hex[:8]
    web, api = free_ports(2)
    main, other = tmp_path / f"doctor-test-{run}-a", tmp_path / f"doctor-test-{run}-b"
    fixture_repo(main, image, web, api)
    git(main, "worktree", "add", "-q", "-b", "track-b", str(other))
    clone = tmp_path / f"doctor-test-{run}-clone"
    git(tmp_path, "clone", "-q", str(main), str(clone))
    origin = git(main, "remote", "get-url", "origin").strip().removesuffix(".git")
    git(clone, "remote", "set-url", "origin", origin)  # the same origin, spelt apart
    (clone / ".env").write_text(f"WEB_PORT={web}\n")
    (clone / "compose.override.yaml").write_text("services:\n  api:\n    ports: !override []\n")
    stranger = tmp_path / f"doctor-test-{run}-stranger"
    fixture_repo(stranger, image, *free_ports(2))
    git(stranger, "remote", "set-url", "origin", "https://example.com/acme/other.git")
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    try:
        assert compose(docker_engine, main, "up", "-d").returncode == 0
        out = io.StringIO()
        status = ports(PortsOptions(path=other, env=env), out)
        text = out.getvalue()
        assert status == 1, text
        assert f"{web}/tcp published by {main.name} ('web'), {other.name} ('web'); held by {main.name}" in text
        assert f"fix: run `doctor fix --ports` in {other}: it moves the clashing ports" in text, text
        assert str(clone) not in text  # a clone is found through its containers on the engine
        assert compose(docker_engine, clone, "create").returncode == 0
        assert compose(docker_engine, stranger, "create").returncode == 0
        out = io.StringIO()
        ports(PortsOptions(path=other, env=env), out)
        text = out.getvalue()
        assert f"{clone}  (clone, project '{clone.name}'" in text, text
        assert str(stranger) not in text, text  # another repository's project is no checkout of this one
        assert f"{web}/tcp published by {main.name} ('web'), {other.name} ('web'), {clone.name} ('web')" in text
    finally:
        for root in (main, clone, stranger):
            compose(docker_engine, root, "down", "-v", "-t", "0")


def test_a_worktree_started_under_a_name_of_its_own_holds_its_own_ports(tmp_path: Path, docker_engine: str,
                                                                         image: str) -> None:
    """`docker compose -p tracka up -d` in the worktree: its containers were read as another
    project's, holding the worktree's ports ('3 clashes', exit 1). They are the worktree's own."""
    run = uuid.uuid4().hex[:8]
    web, api = free_ports(2)
    main = tmp_path / f"doctor-test-{run}-a"
    fixture_repo(main, image, web, api)
    name = f"doctor-test-{run}-named"
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    env.pop("COMPOSE_PROJECT_NAME", None)
    try:
        assert compose(docker_engine, main, "-p", name, "up", "-d").returncode == 0
        out = io.StringIO()
        status = ports(PortsOptions(path=main, env=env), out)
        text = out.getvalue()
        assert status == 0, text
        assert f"project '{name}'" in text and "held by its own container" in text, text
    finally:
        compose(docker_engine, main, "-p", name, "down", "-v", "-t", "0")
