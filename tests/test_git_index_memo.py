"""Whether git tracks a file is remembered across runs while the index is unchanged.

port-collision asks it of each file a port move edits (a track's port stays out of files git
shares), and a backup asks whether git holds a file's bytes: each run read the checkout's whole
index for that, ~34M instructions of a warm preflight of examples/broken-stack in a checkout of
3,400 files. The answer is now remembered (doctor.project.memo kind `git-index-blob`) while the
index and the repository's config keep their stamps; an index git rewrote is read again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from doctor.project import gitrepo, memo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"})


def _age(root: Path) -> None:
    """Older than memo.RACY_NS, so that what was read from them may be kept."""
    past = time.time() - 60
    for path in (root / ".git" / "index", root / ".git" / "config"):
        os.utime(path, (past, past))


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    (root / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    (root / ".env").write_text("WEB_PORT=8080\n")
    _git(root, "add", "compose.yaml")
    _age(root)
    return root


def test_a_later_run_reads_no_index(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compose, env = checkout / "compose.yaml", checkout / ".env"
    assert gitrepo.tracked(compose) and not gitrepo.tracked(env)
    assert gitrepo.held_by_git(compose, compose.read_bytes())
    memo.flush()
    memo.forget()  # the next run: the store read again from its file
    gitrepo._index_entries.cache_clear()

    def unread(*args: object) -> dict[str, bytes]:
        raise AssertionError("the index was read again")

    monkeypatch.setattr(gitrepo, "_index_entries", unread)
    assert gitrepo.tracked(compose) and not gitrepo.tracked(env)
    assert gitrepo.held_by_git(compose, compose.read_bytes())
    assert not gitrepo.held_by_git(compose, b"services: {}\n")


def test_an_index_git_rewrote_is_read_again(checkout: Path) -> None:
    compose, env = checkout / "compose.yaml", checkout / ".env"
    assert gitrepo.tracked(compose) and not gitrepo.tracked(env)
    memo.flush()
    memo.forget()
    _git(checkout, "add", ".env")
    _git(checkout, "rm", "-q", "--cached", "compose.yaml")
    assert gitrepo.tracked(env) and not gitrepo.tracked(compose)
    _age(checkout)  # kept this time, then changed again with its old mtime put back: the stamp still differs
    memo.flush()
    memo.forget()
    index = checkout / ".git" / "index"
    before = index.stat()
    _git(checkout, "add", "compose.yaml")
    os.utime(index, ns=(before.st_atime_ns, before.st_mtime_ns))
    memo.forget()
    assert gitrepo.tracked(compose) and gitrepo.tracked(env)


def test_outside_a_checkout_nothing_is_tracked(tmp_path: Path) -> None:
    alone = tmp_path / "compose.yaml"
    alone.write_text("services: {}\n")
    assert not gitrepo.tracked(alone)
    assert not gitrepo.held_by_git(alone, alone.read_bytes())
