"""An undone fix leaves nothing of itself behind, and the report of an undo is true (doctor.fix_undo).

Before: an undone port move's `export COMPOSE_FILE=compose.yaml:compose.ports.yaml` was still printed, and
the last re-check ran with it (`COMPOSE_FILE names 'compose.ports.yaml', which does not exist`); a fix a later
round built on (app.cfg's URL made to follow the moved port) stayed `(fixed)` while the move was undone under
it; the info/exclude the repository's worktrees share was put back without the repository's lock, and another
worktree's append in that window was refused or lost; the folders made for a file the undo removed stayed; the
`backed up` line did not say the file was put back; and a restore whose second file changed before its rename
had put the first back while its line said `left as written`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
from test_fixer import make_project, options, run_fix
from test_shared_exclude_race import _two_worktrees

from doctor.engine import Registry
from doctor.fix_report import render_fix_report
from doctor.fixer import fix
from doctor.model import Check, Edit, Finding, Fix, Location, Safety


@dataclass(frozen=True)
class ShellFix(Fix):
    """A fix leaving a variable to the worktree's shell, as a port move into compose.ports.yaml does."""

    shell: tuple[tuple[str, str], ...] = ()


class MoveIntoPortsFile(Check):
    """Fake port-collision: its move writes compose.ports.yaml (in `folder`), named by COMPOSE_FILE, and
    the port stays held (the check still reports it)."""

    id: ClassVar[str] = "port-collision"
    fix_family: ClassVar[str] = "ports"
    folder: ClassVar[str] = ""
    shell: ClassVar[tuple[tuple[str, str], ...]] = (("COMPOSE_FILE", "compose.yaml:compose.ports.yaml"),)

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        target = project.root / self.folder / "compose.ports.yaml"
        yield self.finding("port 5432 is held", Location(project.root / "compose.yaml", 1), "db:5432",
                           ShellFix("move db", Safety.SAFE, (Edit(target, "", "services: {}\n"),), shell=self.shell))


def test_an_undone_fix_s_export_is_neither_printed_nor_checked_with(tmp_path: Path) -> None:
    from doctor.checks.compose_config import ComposeConfig

    root = make_project(tmp_path / "p")
    report = fix(options(root, tmp_path / "s"),
                 Registry({"port-collision": MoveIntoPortsFile, "compose-config": ComposeConfig}))
    text = render_fix_report(report)
    assert "undone: compose.ports.yaml removed (this run made it)" in text
    assert not (root / "compose.ports.yaml").exists()
    assert "export COMPOSE_FILE" not in text, text
    assert "compose.ports.yaml', which does not exist" not in text, text
    assert report.exit_code == 1


class InFolder(MoveIntoPortsFile):
    folder: ClassVar[str] = "ports/dev"
    shell: ClassVar[tuple[tuple[str, str], ...]] = ()


def test_the_folders_made_for_a_file_the_undo_removes_go_with_it(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "keep").mkdir()
    report = run_fix(root, tmp_path / "s", InFolder)
    [result] = report.results
    assert result.undone == "undone: ports/dev/compose.ports.yaml removed (this run made it)"
    assert not (root / "ports").exists()
    assert (root / "keep").is_dir()  # the user's own folder, empty, stays


class MovePort(Check):
    """Fake port-collision: moves WEB_PORT 8080 to 8081 in .env, and the check still reports it."""

    id: ClassVar[str] = "port-collision"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        env = project.root / ".env"
        for number, line in enumerate(env.read_text().splitlines(), 1):
            if line.startswith("WEB_PORT="):
                yield self.finding("8080 is held", Location(env, number), "web",
                                   Fix("move web to 8081", Safety.SAFE, (Edit(env, line, "WEB_PORT=8081", number),)))


class UrlFollows(Check):
    """Fake env-drift: app.cfg's URL must name the port .env publishes (a finding the move creates)."""

    id: ClassVar[str] = "env-drift"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        env, cfg = project.root / ".env", project.root / "app.cfg"
        port = next(line.split("=")[1] for line in env.read_text().splitlines() if line.startswith("WEB_PORT="))
        old = cfg.read_text().splitlines()[0]
        if old != f"url=http://localhost:{port}":
            yield self.finding(f"app.cfg does not name port {port}", Location(cfg, 1), "url",
                               Fix(f"set url to {port}", Safety.SAFE, (Edit(cfg, old, f"url=http://localhost:{port}",
                                                                            1),)))


def test_a_fix_a_later_round_built_on_is_left_as_written_and_says_so(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", "WEB_PORT=8080\n")
    (root / "app.cfg").write_text("url=http://localhost:8080\n")
    report = fix(options(root, tmp_path / "s"), Registry({"port-collision": MovePort, "env-drift": UrlFollows}))
    text = render_fix_report(report)
    move = next(r for r in report.results if r.check == "port-collision")
    assert move.fixed is False
    assert move.undone == ("left as written (the diff above): .env: a later fix of this run builds on it "
                           "('set url to 8081')"), text
    # the two agree, as the run wrote them: no error of doctor's making left behind
    assert (root / ".env").read_text() == "WEB_PORT=8081\n"
    assert (root / "app.cfg").read_text() == "url=http://localhost:8081\n"
    assert "does not name port 8080" not in text and "+WEB_PORT=8081" in text
    assert report.exit_code == 1


class Unrelated(Check):
    """Fake env-drift: other.cfg must hold a=1 (round 1), and once it does, b=2 (round 2): a chain of its own."""

    id: ClassVar[str] = "env-drift"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        cfg = project.root / "other.cfg"
        lines = cfg.read_text().splitlines()
        if "a=1" not in lines:
            yield self.finding("a is not 1", Location(cfg, 1), "a", Fix("add a=1", Safety.SAFE,
                                                                        (Edit(cfg, lines[0], "a=1", 1),)))
        elif "b=2" not in lines:
            yield self.finding("b is not 2", Location(cfg, 1), "b", Fix("add b=2", Safety.SAFE,
                                                                        (Edit(cfg, "a=1", "a=1\nb=2", 1),)))


def test_a_later_fix_of_a_finding_another_fix_made_does_not_hold_back_the_undo(tmp_path: Path) -> None:
    """Round 2's `add b=2` fixes a finding round 1's `add a=1` made in the file it wrote, not one of the port move's
    making: the NOT-fixed move is undone (it was left as written, `a later fix of this run builds on it`: a
    review's find)."""
    root = make_project(tmp_path / "p", "WEB_PORT=8080\n")
    (root / "other.cfg").write_text("x=0\n")
    report = fix(options(root, tmp_path / "s"), Registry({"port-collision": MovePort, "env-drift": Unrelated}))
    text = render_fix_report(report)
    move = next(r for r in report.results if r.check == "port-collision")
    assert move.undone == "undone: .env put back as it was", text
    assert (root / ".env").read_text() == "WEB_PORT=8080\n"
    assert (root / "other.cfg").read_text() == "a=1\nb=2\n"


class AlwaysWrong(Check):
    """Fake env-drift: its one fix edits a.env and b.env, and the check still reports it."""

    id: ClassVar[str] = "env-drift"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        a, b = project.root / "a.env", project.root / "b.env"
        yield self.finding("A and B are wrong", Location(a, 1), "AB",
                           Fix("set A and B", Safety.SAFE, (Edit(a, "A=1", "A=2", 1), Edit(b, "B=1", "B=2", 1))))


def _two_files(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "p")
    (root / "a.env").write_text("A=1\n")
    (root / "b.env").write_text("B=1\n")
    return root


def _while_undoing(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """A flag that is set while the run undoes its fixes (doctor.fixer's call of undo_unfixed)."""
    import doctor.fixer as fixer

    real, undoing = fixer.undo_unfixed, [False]

    def flagged(*args: Any, **kw: Any) -> Any:
        undoing[0] = True
        return real(*args, **kw)

    monkeypatch.setattr(fixer, "undo_unfixed", flagged)
    return undoing


def test_a_file_edited_after_the_undo_staged_it_keeps_every_file_as_written(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import doctor.fixfiles as fixfiles

    root = _two_files(tmp_path)
    undoing, real = _while_undoing(monkeypatch), fixfiles.stage

    def then_edited(path: Path, *args: Any, **kw: Any) -> Any:
        staged = real(path, *args, **kw)
        if undoing[0] and path.name == "b.env":  # saved in an editor after its put-back was staged
            path.write_text("B=3\n")
        return staged

    monkeypatch.setattr(fixfiles, "stage", then_edited)
    report = run_fix(root, tmp_path / "s", AlwaysWrong)
    [result] = report.results
    assert (root / "a.env").read_text() == "A=2\n" and (root / "b.env").read_text() == "B=3\n"
    assert result.undone == "left as written (the diff above): a.env, b.env: b.env changed after doctor wrote it"


def test_a_rename_failing_midway_says_which_file_was_put_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from doctor.atomic import Staged

    root = _two_files(tmp_path)
    undoing, real = _while_undoing(monkeypatch), Staged.commit

    def then_edited(self: Staged) -> None:
        real(self)
        if undoing[0] and self.path.name == "a.env":  # b.env saved between the two renames
            (self.path.parent / "b.env").write_text("B=3\n")

    monkeypatch.setattr(Staged, "commit", then_edited)
    report = run_fix(root, tmp_path / "s", AlwaysWrong)
    [result] = report.results
    assert (root / "a.env").read_text() == "A=1\n" and (root / "b.env").read_text() == "B=3\n"
    assert result.undone == ("partly undone: a.env put back as it was; b.env left as written (the diff above): "
                             "b.env changed after doctor wrote it")
    text = render_fix_report(report)
    assert "+B=2" in text and "+A=2" not in text  # the diff of the file left as written only


def test_a_backed_up_file_put_back_says_so_and_its_copy_stays(tmp_path: Path) -> None:
    root = _two_files(tmp_path)
    report = run_fix(root, tmp_path / "s", AlwaysWrong)
    text = render_fix_report(report)
    [(_, copy), _] = report.backups
    assert copy.read_text() == "A=1\n"
    assert "/p/a.env (not tracked by git) to " in text
    lines = [line for line in text.splitlines() if line.startswith("backed up ")]
    assert len(lines) == 2 and all(line.endswith(" (put back as it was since; the copy stays)") for line in lines)


def test_the_shared_exclude_is_put_back_under_the_repository_lock(tmp_path: Path) -> None:
    """Another worktree's run appends to info/exclude under the repository's lock: the undo waits for it,
    and, the file changed meanwhile, leaves it as written, the other run's line kept."""
    from doctor.dirlock import folder_lock
    from doctor.fix_round import _write_all
    from doctor.fixfiles import ProjectFiles

    main, second, exclude = _two_worktrees(tmp_path)
    files = ProjectFiles(second, "b", {"XDG_STATE_HOME": str(tmp_path / "state")})  # a linked worktree's run
    path = files.check_path(exclude)
    plan = files.load(path)
    edit = Edit(exclude, "", "compose.ports.yaml\n", None)
    plan.add(edit, "git-ignore it")
    assert _write_all(files, {path: plan}, [Fix("git-ignore it", Safety.SAFE, (edit,))]) == {}
    answer: list[tuple[list[Path], str]] = []
    with folder_lock(main / ".git", 5) as held:  # the other worktree's run, appending
        assert held
        undo = threading.Thread(target=lambda: answer.append(files.restore([path])))
        undo.start()
        time.sleep(0.5)
        assert undo.is_alive()  # waits for the lock
        with exclude.open("a") as other:
            other.write("other-worktree\n")
    undo.join(10)
    assert answer == [([], f"{path} changed after doctor wrote it")]  # named as it is: outside the project
    assert exclude.read_text().endswith("compose.ports.yaml\nother-worktree\n")
