"""`doctor ports` and a worktree git still lists whose folder is gone (`rm -rf track-c` without `git worktree
remove`: `git worktree list` marks it prunable). The map skipped it without a word, and the port plan's
registry kept its block, unsaid; it is now listed after the checkouts as stale, with the block it held (which
goes back to the pool at the next claim) and the `git worktree prune` that forgets it (`stale` in --json); it is
no checkout, none of its ports is counted, and the exit code is the checkouts' alone."""

from __future__ import annotations

import io
import json
import os
import shlex
import shutil
from pathlib import Path

import pytest
from test_ports_worktrees_live import free_ports, git

from doctor.host.portregistry import claim_block, registry_path
from doctor.portmap import PortsOptions, ports

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


def _map(root: Path, env: dict[str, str], as_json: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    return ports(PortsOptions(path=root, as_json=as_json, env=env), out), out.getvalue()


def test_a_worktree_whose_folder_is_gone_is_told_stale_and_not_counted(tmp_path: Path) -> None:
    web, other = free_ports(2)
    main, second, gone = tmp_path / "main", tmp_path / "track-b", tmp_path / "track-c"
    main.mkdir()
    (main / "compose.yaml").write_text(f'services:\n  web:\n    image: doctor-test/none\n    ports: ["{web}:80"]\n')
    git(main, "init", "-q")
    git(main, "add", "-A")
    git(main, "commit", "-qm", "init")
    git(main, "worktree", "add", "-q", "-b", "track-b", str(second))
    (second / "compose.yaml").write_text(f'services:\n  web:\n    image: doctor-test/none\n    ports: ["{other}:80"]\n')
    git(main, "worktree", "add", "-q", "-b", "track-c", str(gone))
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")},
           "XDG_STATE_HOME": str(tmp_path / "state"), "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    block = claim_block(registry_path(env), str(gone), "repo", (20000, 20999))
    assert block is not None
    shutil.rmtree(gone)  # removed by hand: git still lists it
    assert "prunable" in git(main, "worktree", "list", "--porcelain")

    status, text = _map(main, env)
    assert status == 0, text  # its port (the same as main's) is no clash: it is no checkout
    assert "(2 checkouts)" in text, text
    assert (f"{gone}  (stale: worktree 'track-c', branch track-c, whose folder is gone; git still lists it)\n"
            f"    not a checkout: no port of it counted; its block {block} goes back to the pool at the next claim; "
            f"`git -C {shlex.quote(str(main))} worktree prune` forgets it\n") in text, text

    status, data = _map(main, env, as_json=True)
    document = json.loads(data)
    assert [c["path"] for c in document["checkouts"]] == [str(main), str(second)]
    assert document["stale"] == [{"path": str(gone), "name": "track-c", "branch": "track-c", "block": str(block),
                                  "locked": False, "prune": f"git -C {shlex.quote(str(main))} worktree prune"}]
    # what it says: the next claim hands its block to a worktree that exists
    assert claim_block(registry_path(env), str(second), "repo", (20000, 20999)) == \
        type(block)(str(second), "repo", block.start, block.end)
    # and the prune it gives forgets it
    git(main, "worktree", "prune")
    status, text = _map(main, env)
    assert "stale" not in text and json.loads(_map(main, env, as_json=True)[1])["stale"] == []


def test_a_locked_worktree_away_is_named_by_git_and_given_no_prune_that_keeps_it(tmp_path: Path) -> None:
    """`git worktree lock` (a worktree on a removable disk): `git worktree prune` keeps it, so the map says it is
    locked and gives the unlock before the prune; it is named as git names it (`feat1`: a second `feat` folder),
    not by its folder (a review's finds: it said stale, gave a prune that did nothing, and called it 'feat')."""
    main = tmp_path / "main"
    main.mkdir()
    (main / "compose.yaml").write_text('services:\n  web:\n    image: doctor-test/none\n')
    git(main, "init", "-q")
    git(main, "add", "-A")
    git(main, "commit", "-qm", "init")
    git(main, "worktree", "add", "-q", "-b", "one", str(tmp_path / "a" / "feat"))
    away = tmp_path / "b" / "feat"
    git(main, "worktree", "add", "-q", "-b", "two", str(away))
    git(main, "worktree", "lock", str(away))
    shutil.rmtree(away)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")},
           "XDG_STATE_HOME": str(tmp_path / "state"), "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    status, text = _map(main, env)
    assert status == 0, text
    top = shlex.quote(str(main))
    assert (f"{away}  (worktree 'feat1', branch two, locked, whose folder is not here: a disk or share not mounted?)\n"
            f"    not a checkout now: no port of it counted; once it is gone for good, `git -C {top} worktree unlock "
            f"{shlex.quote(str(away))}` and `git -C {top} worktree prune` forget it\n") in text, text
    [entry] = json.loads(_map(main, env, as_json=True)[1])["stale"]
    assert entry["locked"] is True and entry["name"] == "feat1"
    git(main, "worktree", "unlock", str(away))
    git(main, "worktree", "prune")
    assert json.loads(_map(main, env, as_json=True)[1])["stale"] == []
