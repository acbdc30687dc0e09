"""The port plan: stable, disjoint blocks per worktree, remembered in a per-user registry under a lock."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from doctor.host.portregistry import claim_block, read_blocks, registry_path
from doctor.project.portplan import DEFAULT_POOL, Block, allocate, block_size


def test_a_worktree_keeps_its_block_and_others_get_the_next_free_one() -> None:
    first, claims = allocate((20000, 20999), (), "/w/a", "repo", alive=set())
    assert first == Block("/w/a", "repo", 20000, 20099)
    again, same = allocate((20000, 20999), claims, "/w/a", "repo", alive={"/w/a"})
    assert again == first and same == claims
    second, claims = allocate((20000, 20999), claims, "/w/b", "repo", alive={"/w/a"})
    assert second is not None and (second.start, second.end) == (20100, 20199)
    assert {c.owner for c in claims} == {"/w/a", "/w/b"}


def test_a_gone_worktree_gives_its_block_back() -> None:
    claims = (Block("/w/a", "r", 20000, 20099), Block("/w/b", "r", 20100, 20199))
    block, kept = allocate((20000, 20999), claims, "/w/c", "r", alive={"/w/b"})
    assert block is not None and block.start == 20000  # a's block, a is gone
    assert {c.owner for c in kept} == {"/w/b", "/w/c"}


def test_blocks_of_other_pools_and_repositories_never_overlap() -> None:
    claims = (Block("/other/x", "other-repo", 20050, 20149),)
    block, _ = allocate((20000, 20999), claims, "/w/a", "repo", alive={"/other/x"})
    assert block is not None and not block.overlaps(20050, 20149)
    assert block.start == 20200


def test_the_ephemeral_range_and_a_full_pool() -> None:
    block, _ = allocate((32000, 33999), (), "/w/a", "r", alive=set(), avoid=(32768, 60999))
    assert block is not None and block.end < 32768
    pool = (20000, 20019)
    assert block_size(pool) == 5
    claims: tuple[Block, ...] = ()
    owners = [f"/w/{i}" for i in range(5)]
    for owner in owners:
        block, claims = allocate(pool, claims, owner, "r", alive=set(owners))
    assert block is None  # four blocks of five: the fifth worktree gets none
    assert DEFAULT_POOL[1] < 32768


def test_registry_lives_outside_the_repo_and_is_rewritten_atomically(tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "HOME": str(tmp_path)}
    path = registry_path(env)
    assert path == tmp_path / "state" / "doctor" / "ports.json"
    assert registry_path({"HOME": str(tmp_path)}) == tmp_path / ".local" / "state" / "doctor" / "ports.json"
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    first = claim_block(path, str(a), "r", DEFAULT_POOL)
    second = claim_block(path, str(b), "r", DEFAULT_POOL)
    assert first is not None and second is not None and first != second
    assert claim_block(path, str(a), "r", DEFAULT_POOL) == first
    document = json.loads(path.read_text())
    assert document["version"] == 1 and len(document["blocks"]) == 2
    a.rmdir()
    third = claim_block(path, str(tmp_path / "c"), "r", DEFAULT_POOL)
    assert third is not None and third.start == first.start  # a is gone: its block is free again
    assert {b.owner for b in read_blocks(path)} == {str(b), str(tmp_path / "c")}


def test_an_unreadable_registry_counts_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "ports.json"
    path.write_text("{not json")
    assert read_blocks(path) == ()
    block = claim_block(path, str(tmp_path), "r", DEFAULT_POOL)
    assert block is not None and json.loads(path.read_text())["blocks"][0]["start"] == block.start


def _claim(args: tuple[str, str]) -> tuple[int, int] | None:
    path, owner = args
    block = claim_block(Path(path), owner, "r", DEFAULT_POOL)
    return (block.start, block.end) if block else None


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="needs fork")
def test_concurrent_claims_never_share_a_block(tmp_path: Path) -> None:
    owners = []
    for i in range(8):
        (tmp_path / f"w{i}").mkdir()
        owners.append((str(tmp_path / "ports.json"), str(tmp_path / f"w{i}")))
    with multiprocessing.Pool(4) as pool:
        blocks = pool.map(_claim, owners)
    assert None not in blocks and len(set(blocks)) == 8
    assert len(read_blocks(tmp_path / "ports.json")) == 8


def _git(cwd: Path, *args: str) -> None:
    import os
    import subprocess

    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env, timeout=60)


class _Engine:
    """The container list of an engine on which the compose projects in `running` have containers."""

    def __init__(self) -> None:
        self.running: list[Path] = []

    def get_json(self, path: str) -> list[dict[str, object]]:
        return [{"Labels": {"com.docker.compose.project": folder.name,
                            "com.docker.compose.project.working_dir": str(folder)}} for folder in self.running]


class _Ports:
    ephemeral_range = (32768, 60999)


class _Host:
    def __init__(self) -> None:
        self.engine = _Engine()
        self.ports = _Ports()


def test_worktree_range_plans_only_where_worktrees_run_side_by_side(tmp_path: Path) -> None:
    from doctor.host.portregistry import worktree_range
    from doctor.project import Project, ProjectOptions
    from doctor.project.gitrepo import find_repo

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "compose.yaml").write_text("services:\n  web:\n    image: x\n    ports: ['8080:80']\n")
    (repo / "doctor.yaml").write_text("ports:\n  range: 21000-21999\n")
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "HOME": str(tmp_path)}
    host = _Host()

    def planned(folder: Path) -> tuple[int, int] | None:
        return worktree_range(Project(ProjectOptions(path=folder, env=env)), host)  # type: ignore[arg-type]

    assert planned(repo) == (21000, 21999)  # no repository: the configured range as it is
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "remote", "add", "origin", "git@example.com:acme/tracks.git")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "x")
    assert planned(repo) == (21000, 21999)  # a lone checkout: still as it is
    _git(repo, "worktree", "add", "-q", "-b", "b", str(tmp_path / "b"))
    found = find_repo(tmp_path / "b")
    assert found is not None and found.origin == "git@example.com:acme/tracks"
    assert [w.branch for w in found.worktrees()] == ["main", "b"]
    assert planned(tmp_path / "b") == (21000, 21999)  # the other track runs nothing: no plan, no registry
    assert not (tmp_path / "state").exists()
    host.engine.running = [repo.resolve()]
    second = planned(tmp_path / "b")
    assert second == (21000, 21099)
    host.engine.running = [repo.resolve(), (tmp_path / "b").resolve()]
    assert planned(repo) == (21100, 21199)
    assert planned(tmp_path / "b") == second  # kept across runs
    assert not (repo / ".env").exists() and not (tmp_path / "b" / ".env").exists()


def _repo(tmp_path: Path, files: dict[str, str], track: tuple[str, ...]) -> Path:
    import subprocess

    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for name, text in files.items():
        (root / name).write_text(text)
    if track:
        subprocess.run(["git", "-C", str(root), "add", *track], check=True)
    return root


def test_the_port_goes_to_the_untracked_override_whose_exclude_note_the_move_says(tmp_path: Path) -> None:
    """Tracks side by side: the port goes to an untracked override; the note to keep it out of commits is
    the move's own step, once per file with the repository's exclude file (port_collision.fix,
    tests/test_ports_worktrees_exclude_note.py), never here once per move with `.git/info/exclude`."""
    from doctor.model import Edit
    from doctor.project.portplan import untracked_edits

    root = _repo(tmp_path, {".env": "WEB_PORT=8000\n", "compose.yaml": "services: {}\n"}, (".env", "compose.yaml"))
    env_edit = Edit(root / ".env", "WEB_PORT=8000", "WEB_PORT=20000", 1)
    override = (Edit(root / "compose.override.yaml", "", "services: {}\n"),), "compose.override.yaml"
    edits, where = untracked_edits((env_edit,), override, 20000, "WEB_PORT")
    assert edits == override[0]
    assert where == "compose.override.yaml"
    (root / ".gitignore").write_text("# local\n/compose.override.yaml\n")
    assert untracked_edits((env_edit,), override, 20000, "WEB_PORT")[1] == "compose.override.yaml"


def test_with_env_and_override_tracked_the_advice_can_be_followed(tmp_path: Path) -> None:
    """The fastapi template tracks both: a variable port is exported in the worktree's shell; a literal
    one needs a compose file of its own (an untracked .env cannot change a literal mapping)."""
    from doctor.model import Edit
    from doctor.project.portplan import untracked_edits

    files = {".env": "A=1\n", "compose.override.yml": "services: {}\n"}
    root = _repo(tmp_path, files, (".env", "compose.override.yml"))
    override = (Edit(root / "compose.override.yml", "services: {}", "services: {x: {}}", 1),), "compose.override.yml"
    assert untracked_edits((), override, 20300, "WEB_PORT") == ((), (
        "compose.override.yml is tracked by git: export WEB_PORT=20300 in this worktree's shell (it wins over .env)"))
    edits, where = untracked_edits((), override, 20300)
    assert edits == () and "export COMPOSE_FILE=" in where and "compose.ports.yaml" in where


def test_a_tracked_host_env_file_of_a_worktree_beside_a_running_one_is_left_to_the_developer(tmp_path: Path) -> None:
    """outline in a second worktree: postgres moves to the track's port, and `.env.development` (tracked,
    so every track's text) still dials 127.0.0.1:5432, the other track's database. The title said
    DATABASE_URL follows; nothing was written. It is now a step by hand, and said nowhere to follow."""
    from doctor.checks.port_collision.fix import _follow

    from doctor.project import Project, ProjectOptions

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "compose.yaml").write_text("services:\n  postgres:\n    image: postgres:16\n    ports: ['5432:5432']\n")
    (repo / ".env.development").write_text("DATABASE_URL=postgres://user:pass@127.0.0.1:5432/outline\n")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "x")
    _git(repo, "worktree", "add", "-q", "-b", "b", str(tmp_path / "b"))
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "HOME": str(tmp_path)}
    host = _Host()

    def follow(folder: Path) -> tuple[tuple[object, ...], str, list[str]]:
        project = Project(ProjectOptions(path=folder, env=env))
        edits, where, manual = _follow(project, host, (), "compose.override.yaml ports", 5432, 20001,  # type: ignore[arg-type]
                                       project.services["postgres"])
        return edits, where, manual

    edits, where, manual = follow(tmp_path / "b")  # the other track runs nothing: the file is this one's to edit
    assert [e.path.name for e in edits] == [".env.development"] and "DATABASE_URL" in where and "follows" in where
    host.engine.running = [repo.resolve()]
    edits, where, manual = follow(tmp_path / "b")
    assert edits == () and "follow" not in where
    assert manual == ["change 5432 to 20001 in DATABASE_URL in .env.development:1 for this checkout's programs "
                      "(git tracks it: keep the change out of commits, the other checkouts keep 5432)"]
