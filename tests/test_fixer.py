"""The fixer: safety gates, atomic writes, backups, refusals, locking, dry run and idempotence."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from doctor.checks.port_collision.port_variable import env_line_with_value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doctor.engine import Registry
from doctor.file_edits import FileEdits, RefusedEdit
from doctor.fix_report import FixReport, FixStatus, render_fix_report
from doctor.fixer import FixOptions, fix
from doctor.fixfiles import ProjectFiles, project_lock
from doctor.model import Check, Edit, Finding, Fix, Location, Safety, Severity
from doctor.project import ProjectOptions

COMPOSE = "services:\n  web:\n    image: busybox\n"


class EnvValueCheck(Check):
    """Fake env-drift: every `.env` key named in WANT must hold its wanted value"""

    id: ClassVar[str] = "env-drift"
    fix_family: ClassVar[str] = "env"
    safety: ClassVar[Safety] = Safety.SAFE
    want: ClassVar[dict[str, str]] = {"COLOR": "blue"}

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / ".env"
        if not path.exists():
            return
        lines = path.read_text(encoding="utf-8").splitlines()
        seen = set()
        for number, line in enumerate(lines, 1):
            key = line.partition("=")[0].strip()
            if key in self.want:
                seen.add(key)
                new = env_line_with_value(line, key, self.want[key])
                if new is not None and new != line:
                    yield self.finding(f"{key} is not {self.want[key]}", Location(path, number), key,
                                       Fix(f"set {key}", self.safety, (Edit(path, line, new, number),)))
        for key in sorted(set(self.want) - seen):
            yield self.finding(f"{key} is missing", Location(path), key,
                               Fix(f"add {key}", self.safety, (Edit(path, "", f"{key}={self.want[key]}\n"),)))


def registry(check: type[Check] = EnvValueCheck) -> Registry:
    return Registry({check.id: check})


def make_project(root: Path, env_text: str | bytes = "COLOR=red\n") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "compose.yaml").write_text(COMPOSE)
    data = env_text.encode() if isinstance(env_text, str) else env_text
    (root / ".env").write_bytes(data)
    return root


def options(root: Path, state: Path, **kw: Any) -> FixOptions:
    env = {"HOME": str(state), "XDG_STATE_HOME": str(state / "xdg"), "PATH": os.environ.get("PATH", "")}
    return FixOptions(project=ProjectOptions(path=root, env=env), env=env, **kw)


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
            digest.update(str(path.stat().st_mode).encode())
    return digest.hexdigest()


def run_fix(root: Path, state: Path, check: type[Check] = EnvValueCheck, **kw: Any) -> FixReport:
    return fix(options(root, state, **kw), registry(check))


def test_clean_project_is_left_untouched(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", "COLOR=blue\n")
    before = tree_hash(root)
    report = run_fix(root, tmp_path / "s")
    assert report.results == ()
    assert tree_hash(root) == before
    assert "nothing to fix" in render_fix_report(report)


def test_safe_fix_is_applied_verified_and_second_run_changes_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", "# colours\nCOLOR=red # the colour\nOTHER='x y'\n")
    report = run_fix(root, tmp_path / "s")
    assert [(r.status, r.fixed) for r in report.results] == [(FixStatus.APPLIED, True)]
    assert (root / ".env").read_text() == "# colours\nCOLOR=blue # the colour\nOTHER='x y'\n"
    assert report.exit_code == 0
    after = tree_hash(root)
    again = run_fix(root, tmp_path / "s")
    assert again.results == ()
    assert tree_hash(root) == after


def test_crlf_mode_and_missing_trailing_newline_are_kept(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", b"A=1\r\nCOLOR=red\r\nB=2")
    os.chmod(root / ".env", 0o640)
    run_fix(root, tmp_path / "s")
    assert (root / ".env").read_bytes() == b"A=1\r\nCOLOR=blue\r\nB=2"
    assert (root / ".env").stat().st_mode & 0o777 == 0o640


def test_append_creates_and_extends_files(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", "A=1")
    run_fix(root, tmp_path / "s")
    assert (root / ".env").read_text() == "A=1\nCOLOR=blue"  # appended, newline state kept


def test_dry_run_changes_no_byte_and_shows_the_diff(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    before = tree_hash(root)
    report = run_fix(root, tmp_path / "s", dry_run=True)
    assert tree_hash(root) == before
    assert [r.status for r in report.results] == [FixStatus.DRY_RUN]
    text = render_fix_report(report)
    assert "-COLOR=red\n+COLOR=blue" in text
    assert not (tmp_path / "s" / "xdg" / "doctor" / "backups").exists()


class UnsafeCheck(EnvValueCheck):
    """Fake check with an unsafe fix"""

    safety: ClassVar[Safety] = Safety.UNSAFE


class AdviceCheck(EnvValueCheck):
    """Fake check with advice only"""

    safety: ClassVar[Safety] = Safety.ADVICE


def never_ask(question: str) -> bool:
    raise AssertionError(f"prompted without a terminal: {question}")


def test_unsafe_fix_without_tty_or_yes_is_never_applied_and_never_prompts(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    before = tree_hash(root)
    report = run_fix(root, tmp_path / "s", UnsafeCheck, interactive=False, ask=never_ask)
    assert [r.status for r in report.results] == [FixStatus.SKIPPED]
    assert "--yes" in report.results[0].reason
    assert tree_hash(root) == before


def test_interactive_flag_without_a_real_terminal_does_not_prompt(tmp_path: Path, monkeypatch: Any) -> None:
    root = make_project(tmp_path / "p")
    monkeypatch.setattr("builtins.input", never_ask)
    report = run_fix(root, tmp_path / "s", UnsafeCheck, interactive=True)  # pytest's stdin is no TTY
    assert [r.status for r in report.results] == [FixStatus.SKIPPED]


@pytest.mark.parametrize(("answer", "expected"), [(True, "COLOR=blue\n"), (False, "COLOR=red\n")])
def test_unsafe_fix_is_asked_on_a_terminal(tmp_path: Path, answer: bool, expected: str) -> None:
    root = make_project(tmp_path / "p")
    asked: list[str] = []

    def ask(question: str) -> bool:
        asked.append(question)
        return answer

    run_fix(root, tmp_path / "s", UnsafeCheck, interactive=True, ask=ask)
    assert len(asked) == 1 and "set COLOR" in asked[0]
    assert (root / ".env").read_text() == expected


def test_yes_applies_unsafe_but_never_advice(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    run_fix(root, tmp_path / "s", UnsafeCheck, yes=True)
    assert (root / ".env").read_text() == "COLOR=blue\n"
    root2 = make_project(tmp_path / "q")
    report = run_fix(root2, tmp_path / "s", AdviceCheck, yes=True)
    assert (root2 / ".env").read_text() == "COLOR=red\n"
    assert report.results[0].reason.startswith("advice only")


def test_untracked_file_is_backed_up_outside_the_repo(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", "SECRET_TOKEN=hunter22\nCOLOR=red\n")
    os.chmod(root / ".env", 0o600)
    report = run_fix(root, tmp_path / "s")
    assert len(report.backups) == 1
    original, copy = report.backups[0]
    assert original == (root / ".env").resolve()
    assert copy.is_relative_to(tmp_path / "s" / "xdg" / "doctor" / "backups" / "p")
    assert copy.read_text() == "SECRET_TOKEN=hunter22\nCOLOR=red\n"
    assert copy.stat().st_mode & 0o777 == 0o600
    # each folder doctor made for it is private too (a 0644 .env's copy is then no wider open)
    made = [f for f in copy.parents if f.is_relative_to(tmp_path / "s" / "xdg")]
    assert made and all(f.stat().st_mode & 0o777 == 0o700 for f in made), [oct(f.stat().st_mode) for f in made]
    assert str(copy) in render_fix_report(report)
    assert sorted(p.name for p in root.iterdir()) == [".env", "compose.yaml"]  # no .bak, no temp file


def test_tracked_file_is_not_backed_up(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", str(root)], check=True)
    subprocess.run([*git, "-C", str(root), "add", ".env"], check=True)
    report = run_fix(root, tmp_path / "s")
    assert report.results[0].status is FixStatus.APPLIED
    assert report.backups == ()


def test_a_tracked_file_with_edits_git_does_not_hold_is_backed_up(tmp_path: Path) -> None:
    """A tracked `.env` whose working-tree edits are neither committed nor staged: git cannot give
    them back, so they are copied first, as an untracked file's bytes are. Staged, they are git's."""
    root = make_project(tmp_path / "p")
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t", "-C", str(root)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", ".env"], check=True)
    (root / ".env").write_text("COLOR=red\nLOCAL_ONLY=mine\n")  # the user's edit, not staged
    report = run_fix(root, tmp_path / "s")
    assert report.results[0].status is FixStatus.APPLIED
    ((original, copy),) = report.backups
    assert original == (root / ".env").resolve()
    assert copy.read_text() == "COLOR=red\nLOCAL_ONLY=mine\n"
    assert f"backed up {original.name}" in render_fix_report(report).replace(str(root) + "/", "")
    assert "(edits git does not hold)" in render_fix_report(report)

    # a second round's edit of a file the first round wrote: those bytes are doctor's, not the user's to keep
    clean = make_project(tmp_path / "p3")
    git3 = ["git", "-c", "user.email=t@t", "-c", "user.name=t", "-C", str(clean)]
    subprocess.run([*git3, "init", "-q"], check=True)
    subprocess.run([*git3, "add", ".env"], check=True)
    files = ProjectFiles(clean, "p3", {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state3")})
    for line in ("A=1\n", "B=2\n"):
        plan = files.load(clean / ".env")
        plan.add(Edit(clean / ".env", "", line), "add")
        assert files.write(plan) == ""
    assert files.backups == () and (clean / ".env").read_text() == "COLOR=red\nA=1\nB=2\n"

    root2 = make_project(tmp_path / "p2")
    git2 = ["git", "-c", "user.email=t@t", "-c", "user.name=t", "-C", str(root2)]
    subprocess.run([*git2, "init", "-q"], check=True)
    (root2 / ".env").write_text("COLOR=red\nSTAGED=yes\n")
    subprocess.run([*git2, "add", ".env"], check=True)  # staged: `git checkout -- .env` gives these bytes back
    assert run_fix(root2, tmp_path / "s2").backups == ()


def test_the_index_blob_says_whether_git_holds_the_bytes(tmp_path: Path) -> None:
    from doctor.project.gitrepo import held_by_git, tracked

    root = tmp_path / "r"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "a.txt").write_bytes(b"one\n")
    (root / "b.txt").write_bytes(b"")
    subprocess.run(["git", "-C", str(root), "add", "a.txt", "b.txt"], check=True)
    assert tracked(root / "a.txt") and held_by_git(root / "a.txt", b"one\n")
    assert not held_by_git(root / "a.txt", b"two\n")
    assert held_by_git(root / "b.txt", b"")  # the empty blob
    assert not tracked(root / "c.txt") and not held_by_git(root / "c.txt", b"")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root: a checkout another user owns, fixed by root")
def test_a_tracked_file_of_a_checkout_another_user_owns_is_tracked(tmp_path: Path) -> None:
    """`doctor fix` run by root (or with sudo) on a developer's checkout: git refuses the
    repository ("dubious ownership"), and every tracked file it edited was backed up and
    reported "not tracked by git". The index says it is tracked."""
    root = make_project(tmp_path / "p")
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", str(root)], check=True)
    subprocess.run([*git, "-C", str(root), "add", ".env"], check=True)
    for path in [root, *root.rglob("*")]:
        os.lchown(path, 4242, 4242)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path / "home")}  # no safe.directory of a user's
    refused = subprocess.run(["git", "ls-files", "--error-unmatch", ".env"], cwd=root, env=env, capture_output=True,
                             check=False)
    assert refused.returncode != 0 and b"dubious ownership" in refused.stderr  # what doctor used to ask
    report = run_fix(root, tmp_path / "s")
    assert report.results[0].status is FixStatus.APPLIED
    assert report.backups == ()


def test_a_file_tracked_in_a_repository_below_the_edit_root_is_not_backed_up(tmp_path: Path) -> None:
    """The edit root is the folder around the compose project (it builds from `..`); git's
    repository is the compose project's folder alone: the file is tracked all the same."""
    outer = tmp_path / "outer"
    inner = outer / "docker"
    inner.mkdir(parents=True)
    (inner / ".env").write_text("A=1\n")
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", str(inner)], check=True)
    subprocess.run([*git, "-C", str(inner), "add", ".env"], check=True)
    files = ProjectFiles(outer, "p", {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")})
    plan = files.load(inner / ".env")
    plan.add(Edit(inner / ".env", "", "B=2\n"), "add B")
    assert files.write(plan) == ""
    assert files.backups == ()  # it was copied aside, and reported "not tracked by git"
    assert (inner / ".env").read_text() == "A=1\nB=2\n"


class OutsideCheck(Check):
    """Fake check whose fix edits a file it must not touch"""

    id: ClassVar[str] = "env-drift"
    target: ClassVar[str] = "link"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / self.target
        yield self.finding("x", None, "x", Fix("edit it", Safety.SAFE, (Edit(path, "", "X=1\n"),)))


def test_symlink_pointing_outside_and_paths_outside_are_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    outside = tmp_path / "outside.env"
    outside.write_text("keep\n")
    (root / "link").symlink_to(outside)
    report = run_fix(root, tmp_path / "s", OutsideCheck)
    assert report.results[0].status is FixStatus.SKIPPED
    assert "symlink pointing outside" in report.results[0].reason
    assert outside.read_text() == "keep\n"

    class DotDot(OutsideCheck):
        """Fake check editing ../"""

        target: ClassVar[str] = "../escape.env"

    report = run_fix(root, tmp_path / "s", DotDot)
    assert "outside the project" in report.results[0].reason
    assert not (tmp_path / "escape.env").exists()


def test_a_hard_linked_file_is_refused_not_split(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", "COLOR=red\n")
    os.link(root / ".env", tmp_path / "shared.env")  # a second name for the same file, outside the project
    report = run_fix(root, tmp_path / "s")
    assert (tmp_path / "shared.env").read_text() == "COLOR=red\n" == (root / ".env").read_text()
    assert os.stat(root / ".env").st_ino == os.stat(tmp_path / "shared.env").st_ino  # still one file
    (result,) = report.results
    assert result.status is FixStatus.SKIPPED and ".env is hard-linked (2 names for one file)" in result.reason


def test_a_symlink_loop_is_refused_in_one_line(tmp_path: Path) -> None:
    """`link -> loop -> link`: Path.resolve raised RuntimeError (3.11) out of the fixer, a traceback."""
    root = make_project(tmp_path / "p")
    (root / "link").symlink_to("loop")
    (root / "loop").symlink_to("link")
    report = run_fix(root, tmp_path / "s", OutsideCheck)
    (result,) = report.results
    assert result.status is FixStatus.SKIPPED
    assert "cannot be followed to a file" in result.reason and "\n" not in result.reason
    assert (root / "link").is_symlink() and os.readlink(root / "link") == "loop"


def test_symlink_inside_the_project_is_written_through(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "real.env").write_text("A=1\n")
    (root / "link").symlink_to("real.env")
    report = run_fix(root, tmp_path / "s", OutsideCheck)
    assert (root / "link").is_symlink()
    # written through the link to real.env; the fake check reports it still, so that file is put back
    # (tests/test_fix_undo.py), the link kept
    assert (root / "real.env").read_text() == "A=1\n"
    assert [r.undone for r in report.results] == ["undone: real.env put back as it was"]


class StaleCheck(Check):
    """Fake check whose edit was computed from an older file"""

    id: ClassVar[str] = "env-drift"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / ".env"
        yield self.finding("x", None, "x", Fix("set", Safety.SAFE, (Edit(path, "COLOR=green", "COLOR=blue", 1),)))


def test_edit_whose_old_text_is_gone_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    report = run_fix(root, tmp_path / "s", StaleCheck)
    assert report.results[0].status is FixStatus.SKIPPED
    assert report.results[0].reason == "file changed since the check read it (.env:1)"
    assert (root / ".env").read_text() == "COLOR=red\n"


def test_interrupted_write_leaves_the_original_intact(tmp_path: Path, monkeypatch: Any) -> None:
    root = make_project(tmp_path / "p")

    def crash(src: Any, dst: Any) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", crash)
    report = run_fix(root, tmp_path / "s")
    assert report.results[0].status is FixStatus.FAILED
    assert "Input/output error" in report.results[0].reason
    assert report.exit_code == 1
    assert (root / ".env").read_text() == "COLOR=red\n"
    assert sorted(p.name for p in root.iterdir()) == [".env", "compose.yaml"]  # temp file removed


def test_a_second_run_waits_for_the_lock_or_refuses_cleanly(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    with project_lock(root, 1) as held:
        assert held
        report = run_fix(root, tmp_path / "s", lock_timeout=0.2)
        assert report.exit_code == 2 and "another 'doctor fix' is running" in report.error
        assert (root / ".env").read_text() == "COLOR=red\n"

    release = threading.Event()

    def hold() -> None:
        with project_lock(root, 1):
            release.set()
            time.sleep(0.5)

    holder = threading.Thread(target=hold)
    holder.start()
    release.wait(5)
    started = time.monotonic()
    report = run_fix(root, tmp_path / "s", lock_timeout=10)
    holder.join()
    assert time.monotonic() - started >= 0.3  # it waited for the other run
    assert report.results[0].status is FixStatus.APPLIED


def test_two_processes_serialise(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", "COLOR=red\n")
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[3]);"
        "from test_fixer import run_fix; r = run_fix(Path(sys.argv[1]), Path(sys.argv[2]), lock_timeout=30);"
        "print([x.status.value for x in r.results], r.error)"
    )
    argv = [sys.executable, "-c", script, str(root), str(tmp_path / "s"), str(Path(__file__).parent)]
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = sorted(p.communicate(timeout=120)[0].strip() for p in procs)
    assert outputs == ["['applied']", "[]"]  # one fixed it, the other then found nothing to do
    assert (root / ".env").read_text() == "COLOR=blue\n"


class TwoFixesOneLine(Check):
    """Fake check: two findings whose edits overlap on one line"""

    id: ClassVar[str] = "env-drift"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / ".env"
        line = path.read_text().splitlines()[0]
        for word in ("alpha", "beta"):
            if word not in line:
                new = f"{line} {word}"
                yield self.finding(word, None, word, Fix(f"add {word}", Safety.SAFE, (Edit(path, line, new, 1),)))


def test_overlapping_fixes_apply_first_and_retry_the_other_next_round(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", "X=\n")
    report = run_fix(root, tmp_path / "s", TwoFixesOneLine)
    assert (root / ".env").read_text() == "X= alpha beta\n"
    assert sorted((r.title, r.status, r.fixed) for r in report.results) == [
        ("add alpha", FixStatus.APPLIED, True), ("add beta", FixStatus.APPLIED, True)]
    one_round = run_fix(make_project(tmp_path / "q", "X=\n"), tmp_path / "s", TwoFixesOneLine, max_rounds=1)
    skipped = [r for r in one_round.results if r.status is FixStatus.SKIPPED]
    assert len(skipped) == 1 and skipped[0].reason.startswith("overlaps the fix 'add alpha'")


class OneFixSettlesTwo(Check):
    """Fake check: an error whose fix adds alpha and beta, and one about beta alone whose edit overlaps it"""

    id: ClassVar[str] = "env-drift"
    severity: ClassVar[Severity] = Severity.ERROR

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / ".env"
        line = path.read_text().splitlines()[0]
        for word, adds in (("alpha", " alpha beta"), ("beta", " beta")):
            if word not in line:
                yield self.finding(word, None, word, Fix(f"add {adds.strip()}", Safety.SAFE,
                                                         (Edit(path, line, line + adds, 1),)))


def test_a_retried_fix_another_fix_settled_says_so(tmp_path: Path) -> None:
    """Not "skipped: applied in the next round" when no round applies it, nor an exit 1 for it."""
    root = make_project(tmp_path / "p", "X=\n")
    report = run_fix(root, tmp_path / "s", OneFixSettlesTwo)
    assert (root / ".env").read_text() == "X= alpha beta\n"
    assert sorted((r.title, r.status, r.fixed, r.reason) for r in report.results) == [
        ("add alpha beta", FixStatus.APPLIED, True, ""),
        ("add beta", FixStatus.SKIPPED, True, "the check no longer reports it after this run's other fixes")]
    assert report.exit_code == 0, render_fix_report(report)
    assert "applied in the next round" not in render_fix_report(report)


class NineFixesOneLine(Check):
    """Fake check: nine findings whose edits all rewrite one line (as port moves rewrite one override)"""

    id: ClassVar[str] = "env-drift"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / ".env"
        line = path.read_text().splitlines()[0]
        for word in (f"w{i}" for i in range(9)):
            if word not in line.split():
                new = f"{line} {word}"
                yield self.finding(word, None, word, Fix(f"add {word}", Safety.SAFE, (Edit(path, line, new, 1),)))


def test_more_overlapping_fixes_than_five_rounds_still_settle_in_one_run(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", "X=\n")
    report = run_fix(root, tmp_path / "s", NineFixesOneLine)
    assert (root / ".env").read_text() == "X= " + " ".join(f"w{i}" for i in range(9)) + "\n"
    assert [(r.status, r.fixed) for r in report.results] == [(FixStatus.APPLIED, True)] * 9
    assert report.exit_code == 0


class CommandCheck(Check):
    """Fake root-owned-files: a command fix that creates a marker file"""

    id: ClassVar[str] = "root-owned-files"
    safety: ClassVar[Safety] = Safety.UNSAFE

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        marker = project.root / "marker"
        if not marker.exists():
            argv = (sys.executable, "-c", f"open({str(marker)!r}, 'w').close()")
            yield self.finding("no marker", None, "marker", Fix("make marker", self.safety, command=argv))


def test_command_fix_runs_only_when_its_safety_allows(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    report = run_fix(root, tmp_path / "s", CommandCheck)
    assert not (root / "marker").exists() and report.results[0].status is FixStatus.SKIPPED
    report = run_fix(root, tmp_path / "s", CommandCheck, dry_run=True, yes=True)
    assert not (root / "marker").exists() and "would run" in report.results[0].reason
    report = run_fix(root, tmp_path / "s", CommandCheck, yes=True)
    assert (root / "marker").exists() and report.results[0].fixed is True


def test_family_filter_only_takes_the_chosen_checks(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    report = run_fix(root, tmp_path / "s", families=frozenset({"ports"}))
    assert report.error and (root / ".env").read_text() == "COLOR=red\n"
    report = run_fix(root, tmp_path / "s", families=frozenset({"env"}))
    assert report.results[0].status is FixStatus.APPLIED


def test_secrets_in_diffs_are_masked(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", "COLOR=red\nDB_PASSWORD=sup3rsecret\n")
    report = run_fix(root, tmp_path / "s", dry_run=True)
    text = render_fix_report(report)
    assert "sup3rsecret" not in text


def plan(text: str, *edits: Edit) -> FileEdits:
    plan = FileEdits(Path("/x/.env"), ".env", text, True)
    for edit in edits:
        plan.add(edit, "t")
    return plan


def test_edit_conventions() -> None:
    path = Path("/x/.env")
    assert plan("A=1\nB=2\n", Edit(path, "B=2", "B=3", 2)).new_text() == "A=1\nB=3\n"
    assert plan("A=1\nB=2\n", Edit(path, "A=1\nB=2\n", "C=1\n", 1)).new_text() == "C=1\n"  # whole file
    with pytest.raises(RefusedEdit):
        plan("A=1 # c\n", Edit(path, "1", "2", 1))  # a fragment is not the line
    with pytest.raises(RefusedEdit):
        plan("A=12\n", Edit(path, "A=1", "A=2", 1)).new_text()  # not the whole line: a prefix
    with pytest.raises(RefusedEdit):
        plan("A=1\n", Edit(path, "A=1", "A=2", 3))  # no such line
    same = plan("A=1\n", Edit(path, "A=1", "A=2", 1), Edit(path, "A=1", "A=2", 1))
    assert same.new_text() == "A=2\n"  # one edit twice (two findings, one fix) is applied once
    both = plan("A=1\n", Edit(path, "", "B=2\n"), Edit(path, "", "C=3\n"))
    assert both.new_text() == "A=1\nB=2\nC=3\n"
    # two lines added for one key (env-drift's WEB_PORT from .env.example, port-collision's moved WEB_PORT):
    # the second waits for the next round, which edits the line the first wrote, never a duplicate key
    with pytest.raises(RefusedEdit, match=r"sets a key the fix 't' adds to \.env; applied in the next round"):
        plan("A=1\n", Edit(path, "", "# added by doctor\nWEB_PORT=18390\n"), Edit(path, "", "export WEB_PORT=18391\n"))


env_line = st.from_regex(r"[A-Z]{1,6}=[a-z0-9 ]{0,6}|# [a-z ]{0,8}|", fullmatch=True)


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(env_line, max_size=6), color=st.sampled_from(["", "COLOR=red", "COLOR='red' # c", "COLOR=blue"]),
       crlf=st.booleans(), final_newline=st.booleans())
def test_fix_then_fix_is_a_no_op_on_env_edits(tmp_path: Path, lines: list[str], color: str, crlf: bool,
                                              final_newline: bool) -> None:
    body = [line for line in lines if not line.startswith("COLOR=")] + ([color] if color else [])
    sep = "\r\n" if crlf else "\n"
    text = sep.join(body) + (sep if final_newline and body else "")
    root = tmp_path / f"p{abs(hash((tuple(lines), color, crlf, final_newline)))}"
    make_project(root, text)
    run_fix(root, tmp_path / "s")
    once = (root / ".env").read_bytes()
    assert b"COLOR=blue" in once or b"COLOR='blue'" in once
    report = run_fix(root, tmp_path / "s")
    assert report.results == ()
    assert (root / ".env").read_bytes() == once
    if crlf and body and len(body) > 1:
        assert b"\r\n" in once


class HeldPort(EnvValueCheck):
    """Fake port-collision: the primary fix edits .env, the alternative stops the holder (a marker)"""

    id: ClassVar[str] = "port-collision"
    fix_family: ClassVar[str] = "ports"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        marker = project.root / "stopped"
        for found in super().run(project, host):
            if marker.exists() or found.fix is None:
                continue
            stop = Fix("stop the holder", Safety.UNSAFE,
                       command=(sys.executable, "-c", f"open({str(marker)!r}, 'w').close()"))
            yield Finding(found.check, found.severity, found.message, found.location, found.subject,
                          Fix(found.fix.title, Safety.SAFE, found.fix.edits, alternatives=(stop,)))


@pytest.mark.parametrize(("interactive", "yes", "answer", "stopped", "env"), [
    (False, False, None, False, "COLOR=blue\n"),   # no terminal: the primary, never the alternative
    (False, True, None, False, "COLOR=blue\n"),    # --yes alone never picks the alternative
    (True, False, True, True, "COLOR=red\n"),      # asked on a terminal and accepted: stop instead
    (True, False, False, False, "COLOR=blue\n"),   # declined: the primary
])
def test_alternative_fix_only_with_consent_on_a_terminal(tmp_path: Path, interactive: bool, yes: bool,
                                                          answer: bool | None, stopped: bool, env: str) -> None:
    root = make_project(tmp_path / "p")
    ask = never_ask if answer is None else (lambda question: bool(answer))
    report = run_fix(root, tmp_path / "s", HeldPort, interactive=interactive, yes=yes, ask=ask)
    assert (root / "stopped").exists() is stopped
    assert (root / ".env").read_text() == env
    assert report.results[0].status is FixStatus.APPLIED


def test_backup_keeps_the_original_bytes_across_fix_rounds(tmp_path: Path) -> None:
    """Two rounds editing the same untracked file: the backup is the user's original, not round 1's."""
    import shutil

    project = tmp_path / "stack"
    shutil.copytree(Path(__file__).parent.parent / "examples" / "broken-stack", project)
    originals = {name: (project / name).read_bytes() for name in (".env", "compose.override.yaml")}
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state"),
           "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    report = fix(FixOptions(project=ProjectOptions(path=project, env=env), families=frozenset({"env", "mounts"}),
                            yes=True, env=env))
    assert report.exit_code == 0, render_fix_report(report)
    copies = {original.name: copy for original, copy in report.backups}
    assert set(copies) == set(originals)
    for name, data in originals.items():
        assert copies[name].read_bytes() == data, f"backup of {name} lost the original bytes"
        assert (project / name).read_bytes() != data


class BreaksCompose(Check):
    """Fake env-drift: a fix whose edit leaves compose.yaml unreadable, and whose finding the re-run,
    seeing no services, no longer reports"""

    id: ClassVar[str] = "env-drift"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        path = project.root / "compose.yaml"
        first = path.read_text().splitlines()[0]
        if first == "services:":
            edit = Edit(path, first, "services: [", 1)
            yield self.finding("needs a change", None, "x", Fix("change it", Safety.SAFE, (edit,)))


def test_a_round_that_leaves_compose_unable_to_read_the_project_fixed_nothing(tmp_path: Path) -> None:
    from doctor.checks.compose_config import ComposeConfig

    root = make_project(tmp_path / "p")
    report = fix(options(root, tmp_path / "s"), Registry({"env-drift": BreaksCompose, "compose-config": ComposeConfig}))
    [result] = [r for r in report.results if r.title == "change it"]
    assert result.status is FixStatus.APPLIED and result.fixed is False
    assert result.reason.startswith("compose cannot read the project after this round (compose.yaml")
    assert report.exit_code == 1


def test_what_is_left_counts_errors_apart_from_warnings() -> None:
    """Only an error left makes `up` fail; a failed warning fix still exits 1, and says what it is."""
    from doctor.fix_report import FixResult

    advice = FixResult("a", FixStatus.SKIPPED, "advice only", "env-drift", "copy .env.example to .env",
                       "'K' is not set", severity=Severity.ERROR)
    failed = FixResult("b", FixStatus.FAILED, "No such container", "port-collision", "remove 'x'",
                       "8080 is published by a stopped container", severity=Severity.WARNING)
    text = render_fix_report(FixReport(Path("/p"), (advice, failed)))
    assert "skipped  env-drift          copy .env.example to .env: advice only\n" in text  # the title once
    assert ("exit 1: 1 error(s) left, so the stack would still fail (at 'docker compose up' or once it runs), "
            "and 1 other fix(es) did not work:"
            in text)
    assert "  env-drift: 'K' is not set (advice only: copy .env.example to .env)" in text
    report = FixReport(Path("/p"), (failed,))
    assert report.exit_code == 1
    text = render_fix_report(report)
    assert "exit 1: 1 fix(es) did not work (warnings: 'docker compose up' may still start):" in text


class TwoPortsOneHolder(Check):
    """Fake port-collision: one leftover container publishes two of our ports; removing it frees both"""

    id: ClassVar[str] = "port-collision"
    fix_family: ClassVar[str] = "ports"
    severity: ClassVar[Severity] = Severity.WARNING

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        log = project.root / "removed.log"
        if log.exists():
            return
        # a second run of the command fails, as `docker rm` of a container already removed does
        remove = Fix("remove the leftover container 'b-proxy-1'", Safety.UNSAFE, command=(
            sys.executable, "-c", f"import os, sys; p = {str(log)!r}; os.path.exists(p) and sys.exit(1); "
                                  f"open(p, 'a').write('rm\\n')"))
        for port in (8080, 8443):
            yield self.finding(f"{port} is published by a stopped container", None, f"port:{port}",
                               Fix(f"publish another port than {port}", Safety.ADVICE, alternatives=(remove,)))


def test_one_question_and_one_command_for_one_holder_of_two_ports(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    questions: list[str] = []
    report = run_fix(root, tmp_path / "s", TwoPortsOneHolder, interactive=True,
                     ask=lambda question: questions.append(question) or True)
    assert len(questions) == 1  # the second port's question had the same answer
    assert (root / "removed.log").read_text() == "rm\n"  # run once: its second run would fail
    assert [(r.status, r.fixed) for r in report.results] == [(FixStatus.APPLIED, True)] * 2
    assert report.exit_code == 0, render_fix_report(report)


class HeldByAnotherProject(Check):
    """Fake port-collision: a running container of another project holds our port (an error); once
    stopped, its container still declares the port (a warning, for its own next `up`)"""

    id: ClassVar[str] = "port-collision"
    fix_family: ClassVar[str] = "ports"
    severity: ClassVar[Severity] = Severity.ERROR

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        stopped = project.root / "stopped"
        if stopped.exists():
            yield self.finding("8080 is published by stopped 'adminer' of project 'b'", None, "port:8080",
                               severity=Severity.WARNING)
            yield self.finding("8080 lies in the ephemeral range", None, "port:8080", severity=Severity.INFO)
            return
        stop = Fix("stop 'adminer' of project 'b'", Safety.UNSAFE,
                   command=(sys.executable, "-c", f"open({str(stopped)!r}, 'w').close()"))
        yield self.finding("8080 is held by 'adminer' of project 'b'", None, "port:8080",
                           Fix("publish another port", Safety.ADVICE, alternatives=(stop,)))


def test_a_fix_that_leaves_a_lesser_finding_of_the_same_subject_is_fixed_and_says_what_is_left(
        tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    report = run_fix(root, tmp_path / "s", HeldByAnotherProject, interactive=True, ask=lambda question: True)
    [result] = report.results
    assert (result.status, result.fixed) == (FixStatus.APPLIED, True)
    assert result.reason == "left: warning, 8080 is published by stopped 'adminer' of project 'b'"
    assert report.exit_code == 0, render_fix_report(report)


def _two_services_missing_a_mount(root: Path) -> Path:
    for service, folders in (("api", ("app", "scripts")), ("worker", ("src", "lib"))):
        for folder in folders:
            (root / service / folder).mkdir(parents=True)
            (root / service / folder / "main.py").write_text("")  # code: a mount of it is a live-code bind
        copies = "".join(f"COPY {folder}/ ./{folder}/\n" for folder in folders)
        (root / service / "Dockerfile").write_text(f"FROM python:3.12-slim\nWORKDIR /app\n{copies}")
    (root / "compose.yaml").write_text(
        "services:\n"
        "  api:\n    build: ./api\n    volumes:\n      - ./api/app:/app/app\n"
        "  worker:\n    build: ./worker\n    volumes:\n      - ./worker/src:/app/src\n")
    return root


def test_two_fixes_creating_the_same_override_are_previewed_and_applied_together(tmp_path: Path) -> None:
    """Each service's missing mount creates compose.override.yaml: the dry run showed only the first
    ("another fix creates compose.override.yaml first"); it must show the file the real run writes."""
    from doctor.checks.missing_mount import MissingMount

    root = _two_services_missing_a_mount(tmp_path / "p")
    before = tree_hash(root)
    preview = run_fix(root, tmp_path / "s", MissingMount, dry_run=True)
    assert tree_hash(root) == before
    assert [(r.status, r.reason) for r in preview.results] == [(FixStatus.DRY_RUN, "")] * 2
    (diff,) = preview.diffs
    added = [line[1:] for line in diff.diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert "      - ./api/scripts:/app/scripts" in added and "      - ./worker/lib:/app/lib" in added

    report = run_fix(root, tmp_path / "s", MissingMount)
    assert [(r.status, r.fixed) for r in report.results] == [(FixStatus.APPLIED, True)] * 2
    assert (root / "compose.override.yaml").read_text().splitlines() == added


@pytest.mark.parametrize(("first", "second", "merged"), [
    ("services:\n  a:\n    volumes:\n      - ./x:/x\n", "services:\n  b:\n    ports: !override\n      - 1:2\n",
     "services:\n  a:\n    volumes:\n      - ./x:/x\n  b:\n    ports: !override\n      - 1:2\n"),
    ("services:\n  a:\n    volumes:\n      - ./x:/x\n", "services:\n  a:\n    ports:\n    - 1:2\n",
     "services:\n  a:\n    volumes:\n      - ./x:/x\n    ports:\n    - 1:2\n"),
    ("services:\n  a:\n    volumes:\n      - ./x:/x\n", "services:\n  a:\n    volumes:\n      - ./x:/x\n",
     "services:\n  a:\n    volumes:\n      - ./x:/x\n"),
    # the same list written twice differently, a comment, a blank line, flow style: not merged
    ("services:\n  a:\n    volumes:\n      - ./x:/x\n", "services:\n  a:\n    volumes:\n      - ./y:/y\n", None),
    ("# dev\nservices:\n  a:\n    image: x\n", "services:\n  b:\n    image: y\n", None),
    ("services:\n  a:\n    image: x\n\n", "services:\n  b:\n    image: y\n", None),
    ("services: {a: {image: x}}\n", "services:\n  b:\n    image: y\n", None),
    ("services:\n  a:\n    image: x\n", "services:\n   a:\n     image: y\n", None),
])
def test_new_override_documents_merge_only_when_plain(first: str, second: str, merged: str | None) -> None:
    from doctor.project.newdocs import merge_new_documents

    assert merge_new_documents(first, second) == merged


class _NoFixError(Check):
    """An error with no fix at all (compose-config's, or any check's sentence-less fault)"""

    id: ClassVar[str] = "env-drift"
    fix_family: ClassVar[str] = "env"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        yield self.finding("the image tag is empty", Location(project.root / "compose.yaml", 3), "tag", None,
                           Severity.ERROR)


def test_an_error_no_fix_can_mend_fails_the_run(tmp_path: Path) -> None:
    """`doctor fix --yes && docker compose up` went on (exit 0, "nothing to fix") past an error that
    carries no fix: `up` fails on it as on any other."""
    root = make_project(tmp_path / "p", "COLOR=blue\n")
    report = run_fix(root, tmp_path / "s", _NoFixError, yes=True)
    assert report.exit_code == 1
    text = render_fix_report(report)
    assert "exit 1: 1 error(s) left" in text and "the image tag is empty (no fix doctor can make" in text, text


@pytest.mark.parametrize("broken", ["yaml", "compose_file"])
def test_nothing_is_edited_while_compose_cannot_read_the_project(tmp_path: Path, broken: str) -> None:
    """A YAML error, or COMPOSE_FILE naming a file that does not exist: the checks saw files compose
    would not use (examples/broken-stack under COMPOSE_FILE=compose.ci.yaml got 7 edits, exit 0)."""
    root = make_project(tmp_path / "p", "COLOR=red\n")
    extra: dict[str, str] = {}
    if broken == "yaml":
        (root / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n   bad: [\n")
    else:
        extra["COMPOSE_FILE"] = "compose.ci.yaml"
    before = tree_hash(root)
    opts = options(root, tmp_path / "s", yes=True)
    env = {**(opts.env or {}), **extra}
    opts = FixOptions(project=ProjectOptions(path=root, env=env), env=env, yes=True)
    report = fix(opts, registry())
    assert tree_hash(root) == before
    assert report.exit_code == 1
    text = render_fix_report(report)
    assert "doctor fix edits nothing while compose cannot read the project's files" in text, text
    assert ("did not find expected key" if broken == "yaml" else "COMPOSE_FILE names 'compose.ci.yaml'") in text, text


def test_a_dry_run_exits_as_the_run_would_and_says_why(tmp_path: Path) -> None:
    """`doctor fix --dry-run` on a project with a YAML error said "fix that by hand" and exited 0, where
    the run exits 1; and one whose only error has advice alone exited 1 saying nothing of why. A dry
    run now exits as the run would with every fix confirmed, with the same lines saying why."""
    root = make_project(tmp_path / "p", "COLOR=red\n")
    (root / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n   bad: [\n")
    before = tree_hash(root)
    report = run_fix(root, tmp_path / "s", dry_run=True)
    assert tree_hash(root) == before and report.exit_code == 1
    text = render_fix_report(report)
    assert "exit 1: 1 error(s) would be left, so the stack would still fail" in text, text
    assert "(no fix doctor can make: change it by hand)" in text, text
    assert "dry run: no fix would apply, no file changed" in text and "no fix applied" not in text, text
    advice = run_fix(make_project(tmp_path / "q"), tmp_path / "s", AdviceCheck, dry_run=True)
    assert advice.exit_code == 1
    assert "exit 1: 1 error(s) would be left" in render_fix_report(advice)
    assert run_fix(make_project(tmp_path / "r"), tmp_path / "s", UnsafeCheck, dry_run=True).exit_code == 0


def test_a_diff_names_files_from_the_directory_doctor_runs_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """wger-project/docker: `doctor fix --dry-run dev` from the checkout showed `+++ b/.env` for
    dev/.env, while its findings said `dev/.env:3`: a diff `git apply` there could not take."""
    root = make_project(tmp_path / "dev")
    monkeypatch.chdir(tmp_path)
    text = render_fix_report(run_fix(root, tmp_path / "s", dry_run=True))
    assert "--- a/dev/.env\n+++ b/dev/.env\n" in text
    monkeypatch.chdir(root)
    text = render_fix_report(run_fix(root, tmp_path / "s", dry_run=True))
    assert "--- a/.env\n+++ b/.env\n" in text
