"""Two worktrees of one repository fixing at the same moment: each holds its own project's lock,
but both append to the repository's one info/exclude. Every line either run appends is there at the
end, once: the append is a read-modify-write under the repository's lock, of the lines the file lacks.

Before, each run wrote the lines onto the text it had read when it planned: the second writer was
refused ("git/info/exclude changed while doctor was fixing it", and the ports file of the same fix
held back with it), or, renaming in the window after the other's check, dropped the other's line.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
from pathlib import Path

from doctor.fix_round import _write_all
from doctor.fixfiles import ProjectFiles
from doctor.model import Edit, Fix, Safety

ROUNDS = 40


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env, timeout=60)


def _two_worktrees(tmp_path: Path) -> tuple[Path, Path, Path]:
    main = tmp_path / "main"
    main.mkdir()
    (main / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    _git(main, "init", "-q", "-b", "main")
    _git(main, "add", "-A")
    _git(main, "commit", "-q", "-m", "i")
    _git(main, "worktree", "add", "-q", "-b", "b", str(tmp_path / "b"))
    return main, tmp_path / "b", main / ".git" / "info" / "exclude"


def _append(root: Path, exclude: Path, lines: str) -> str:
    """One fix appending `lines` to info/exclude, planned on the text read now, written as `doctor fix` writes."""
    files = ProjectFiles(root, root.name, {"XDG_STATE_HOME": str(root.parent / "state")})
    path = files.check_path(exclude)
    plan = files.load(path)
    edit = Edit(exclude, "", lines, None)
    plan.add(edit, "git-ignore it")
    failed = _write_all(files, {path: plan}, [Fix("git-ignore it", Safety.SAFE, (edit,))])
    return "; ".join(failed.values())


def _run(root: Path, exclude: Path, tag: str, barrier: multiprocessing.synchronize.Barrier,
         errors: multiprocessing.queues.Queue[str]) -> None:
    for n in range(ROUNDS):
        barrier.wait(timeout=60)  # both plan, then both write: the two read-modify-writes overlap
        error = _append(root, exclude, f"{tag}-{n}\nshared-{n}\n")
        if error:
            errors.put(f"{tag} round {n}: {error}")


def test_two_worktrees_appending_at_once_lose_no_line_and_add_none_twice(tmp_path: Path) -> None:
    main, second, exclude = _two_worktrees(tmp_path)
    before = exclude.read_text()
    context = multiprocessing.get_context("fork")
    barrier, errors = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_run, args=(root, exclude, tag, barrier, errors))
               for root, tag in ((main, "main"), (second, "b"))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    reported = []
    while not errors.empty():
        reported.append(errors.get())
    assert reported == []
    text = exclude.read_text()
    assert text.startswith(before)  # git's own comment lines kept
    lines = text[len(before):].splitlines()
    wanted = [f"{tag}-{n}" for tag in ("main", "b") for n in range(ROUNDS)] + [f"shared-{n}" for n in range(ROUNDS)]
    assert sorted(lines) == sorted(wanted)  # every line there, none twice


def test_a_line_the_file_got_meanwhile_is_not_appended_again(tmp_path: Path) -> None:
    """The other worktree's run wrote the same name after this one planned: nothing to add, no refusal."""
    main, second, exclude = _two_worktrees(tmp_path)
    files = ProjectFiles(second, "b", {"XDG_STATE_HOME": str(tmp_path / "state")})
    path = files.check_path(exclude)
    plan = files.load(path)
    edit = Edit(exclude, "", "compose.ports.yaml\n.env\n", None)
    plan.add(edit, "git-ignore it")
    assert _append(main, exclude, "compose.ports.yaml\n") == ""
    assert _write_all(files, {path: plan}, [Fix("git-ignore it", Safety.SAFE, (edit,))]) == {}
    assert exclude.read_text().splitlines()[-2:] == ["compose.ports.yaml", ".env"]
    assert exclude.read_text().count("compose.ports.yaml") == 1
