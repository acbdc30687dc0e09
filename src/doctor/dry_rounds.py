"""`doctor fix --dry-run`: the run's rounds, played in a scratch copy of the project.

The run writes a round's fixes, re-runs the checks, and plans again on what it wrote, so a fix
that only shows once another is in (dotenv-override's `override=True`, an error once a dev
override sets the variable it overrides) edits a file the first round never named. A dry run
mirrors the folder fixes edit (doctor.dry_verdict.mirror: files copied, never hard-linked, with
their modes, and owners where doctor runs as root) and plays the very rounds there
(doctor.fixer.play_rounds: the same round limit, order and verdicts), with every fix taken as if
confirmed, no question asked and no command run. What the copy cannot show is judged on the
project itself: its first preflight's findings the copy's lacks (owners doctor could not give the
copy) stand in every round, and whether a file may be written (its owner and mode, its folder's,
its other names, where its links lead) is asked of the project's own file (ScratchFiles). What it
shows is one diff per file, from the project's bytes to the copy's last bytes: what the run would
leave, whatever the round. SIGTERM and SIGHUP end it as Ctrl-C does, the copy removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from doctor.file_edits import RefusedEdit, unified_diff, visible_bytes
from doctor.fix_report import FileDiff, FixReport, FixResult, FixStatus
from doctor.fixfiles import EDIT_LIMIT, ProjectFiles, decode, read_only, why_backed_up

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from doctor.atomic import Staged
    from doctor.engine import Registry, Run, RunOptions
    from doctor.file_edits import FileEdits
    from doctor.fixer import FixOptions
    from doctor.model import Finding
    from doctor.redact import Redactor

ONE_ROUND = "this dry run plans the first round only (a fix applied in a later round shows no diff here)"


class ScratchFiles(ProjectFiles):
    """The files of the scratch copy `root` of `original`: written as the run writes them, but
    backed up never (the project's file is untouched), and a fix's command never run."""

    def __init__(self, root: Path, original: Path, project_name: str, env: Mapping[str, str]) -> None:
        super().__init__(root, project_name, env)
        self.original = original.resolve()
        self.outside = root.parent / "outside"  # copies of the files outside the project a fix writes
        self.redirected: dict[Path, Path] = {}  # such a copy -> the file it stands for
        self.would_back_up: dict[Path, None] = {}  # the project's files the run would back up first
        self.written: dict[Path, None] = {}  # the copy's files written, in the order of their first write

    def project_path(self, path: Path) -> Path:
        """The project's file that `path` of the copy stands for."""
        if path in self.redirected:
            return self.redirected[path]
        return self.original / path.relative_to(self.root) if path.is_relative_to(self.root) else path

    def check_path(self, path: Path) -> Path:
        """The copy's file the run's write of `path` lands in, judged as the run judges it: on the project's
        own path (its links followed there, a link out of it refused); the project's file copied in first
        (the copy names it until then)."""
        from doctor.fixfiles import _own_exclude

        path = path if path.is_absolute() else self.root / path
        if path in self.redirected:
            return path
        mine = self.original / path.relative_to(self.root) if path.is_relative_to(self.root) else path
        try:
            real = mine.resolve()
        except (RuntimeError, OSError) as exc:  # a symlink loop (3.11 raises RuntimeError; 3.13 OSError ELOOP)
            raise RefusedEdit(f"{mine} cannot be followed to a file ({exc}): correct the link by hand") from None
        if real.is_relative_to(self.original):
            target = self.root / real.relative_to(self.original)
            if not target.parent.resolve().is_relative_to(self.root):  # below node_modules, .venv: read in place
                raise RefusedEdit(f"{mine} lies in a folder this dry run reads in place, not in its copy: "
                                  "run doctor fix to see this edit")
            self._copy_in(target)
            return target
        if not _own_exclude(self.original, real):
            what = "is a symlink pointing outside" if mine.is_symlink() else "lies outside"
            raise RefusedEdit(f"{mine} {what} the project {self.original}")
        # the repository's info/exclude of a linked worktree (it lies in the main checkout): a copy of it
        copy = next((c for c, o in self.redirected.items() if o == real), None)
        if copy is None:
            copy = self.outside / str(len(self.redirected)) / real.name
            copy.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copyfile(real, copy)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise RefusedEdit(f"cannot read {real}: {exc.strerror or exc}") from None
            self.redirected[copy] = real
        return copy

    def _copy_in(self, path: Path) -> None:
        """The project's file in place of the copy's link to it (doctor.dry_verdict.mirror), before it is
        read to be written: the run's write lands in the copy, never through the link."""
        from doctor.dry_verdict import keep_owner_and_mode

        original = self.project_path(path)
        try:
            if os.readlink(path) != str(original) or not original.is_file():
                return  # the project's own link (followed by check_path), or a FIFO never opened
        except OSError:
            return  # no link: a file the copy holds already, or none yet
        try:
            path.unlink()
            shutil.copy2(original, path)
            keep_owner_and_mode(original, path)
        except OSError as exc:
            raise RefusedEdit(f"cannot read {original}: {exc.strerror or exc}") from None

    def _links(self, path: Path) -> int:
        if path in self._written:
            return super()._links(path)
        # the copy's file is a copy: the project's own file has the names the run would split
        return super()._links(self.project_path(path))

    def read_only(self, path: Path, display: str) -> str:
        # the run writes the project's file: judged on it (a root-owned .env the copy made the user's), as the
        # run's planning refuses a fix one of whose files it may not write, never writing its other files
        return read_only(self.project_path(path) if path not in self._written else path, display)

    def stage(self, plan: FileEdits) -> tuple[Staged | None, str]:
        if plan.path not in self._written:  # the run writes the project's file: judged on it, its owner and folder
            original = self.project_path(plan.path)
            refusal = self.read_only(plan.path, plan.display) if plan.exists else ""
            if not refusal and original.parent.is_dir() and not os.access(original.parent, os.W_OK):
                refusal = f"cannot write {plan.display}: {os.strerror(errno.EACCES)}"
            if refusal:
                return None, refusal
        return super().stage(plan)

    def _held(self, plan: FileEdits) -> bool:
        # the project's file, in its own checkout: the copy of a compose folder below the checkout's
        # top (jhipster's src/main/docker) holds no .git, where a committed file read as one git does not hold
        from doctor.project.gitrepo import held_by_git

        return held_by_git(self.project_path(plan.path), plan.data)

    def _backup(self, plan: FileEdits) -> None:
        self.would_back_up[self.project_path(plan.path)] = None

    def commit(self, plan: FileEdits, staged: Staged) -> str:
        error = super().commit(plan, staged)
        if not error:
            self.written[plan.path] = None
        return error

    def run_command(self, argv: tuple[str, ...]) -> str:
        return ""  # never reached (fix_round leaves a scratch round's command unrun): never run one


def dry_rounds(options: FixOptions, registry: Registry, run_options: RunOptions, files: ProjectFiles,
               redactor: Redactor, run: Run) -> FixReport | str:
    """The report of the run's rounds played in a scratch copy of `files.root`, as a dry run's; else the
    note that says why no copy was made (a folder of more than MAX_FILES files or MAX_BYTES bytes, one doctor
    cannot read).
    `run`: the project's own preflight, whose findings the copy cannot show (owners doctor could not give
    the copy, a folder read whole through a link) are kept in every round as the project has them."""
    from doctor.dry_verdict import in_copy, mirror, scratch_folder
    from doctor.engine import preflight
    from doctor.fixer import play_rounds

    root = files.root
    temp = Path(tempfile.gettempdir()).resolve()
    if temp.is_relative_to(root):
        return f"the temporary folder {temp} (TMPDIR) lies in the project's folder, which it would copy: {ONE_ROUND}"
    with _ended_as_interrupted(), contextlib.ExitStack() as stack:
        try:
            scratch = stack.enter_context(scratch_folder())
        except OSError as exc:
            return f"no scratch copy of the project could be made in {temp} ({exc.strerror or exc}): {ONE_ROUND}"
        copy = Path(scratch) / root.name  # the same folder name: compose's default project name
        try:
            moved = in_copy(run_options, root, copy)
            if moved is None:
                return f"the project does not lie in {root}, the folder its fixes edit: {ONE_ROUND}"
            too_large = mirror(root, copy, ())
            if too_large:
                return f"the project's folder holds {too_large}: {ONE_ROUND}"
        except (OSError, ValueError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            return f"the project's folder could not be copied to {temp} ({why}): {ONE_ROUND}"
        env = dict(moved.env or {})
        seed_port_blocks(dict(run_options.env if run_options.env is not None else run_options.project.env), env,
                         root, copy)
        copied = ScratchFiles(copy, root, files.project_name, env)
        played = replace(options, dry_run=False, scratch=True, interactive=False, ask=None, env=env,
                         project=moved.project)
        faithful = _Faithful(run, preflight(moved, registry), copied)
        report = play_rounds(played, registry, moved, faithful.first, copied, redactor,
                             lambda o, r: faithful.run(preflight(o, r)))
        diffs = tuple(d for d in (_final_diff(copied, path) for path in copied.written) if d is not None)
        put = {copied.project_path(p) for p in report.put_back}  # an undone fix's: its copy would stay
        backed = [f"would back up {_shown(copied, p)} ({why_backed_up(p)}) before writing it"
                  + ("; then put back as it was, the copy kept" if p in put else "") for p in copied.would_back_up]
    # a first round's fix is the project's own finding's, planned on the project: its title is what the run
    # prints, which the copy cannot say where it names files outside the copied folder (documenso's
    # docker/development move: `then, by hand: change 54320 ... in .env:46`, the checkout top's .env)
    back = _Back(copy, root, {f.fingerprint: f.fix.title for f in run.report.findings if f.fix is not None})
    return FixReport(root, tuple(back.result(r) for r in report.results), diffs, (),
                     tuple(back.text(n) for n in (*report.notes, *backed)), dry_run=True, redactor=redactor,
                     unfixable=tuple((c, back.text(m)) for c, m in report.unfixable),
                     left=tuple(back.text(line) for line in report.left), left_errors=report.left_errors,
                     rounds=max((r.round for r in report.results), default=0))


@contextlib.contextmanager
def _ended_as_interrupted() -> Iterator[None]:
    """SIGTERM and SIGHUP (`timeout`, a closed terminal) end the dry run as Ctrl-C does: the scratch
    copy is removed on the way out, not left in the temp folder."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupted(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    kept = {s: signal.signal(s, interrupted) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)


def seed_port_blocks(env: Mapping[str, str], sandbox: Mapping[str, str], root: Path, copy: Path) -> None:
    """The copy's port registry (under the sandbox's XDG_STATE_HOME): the user's, with the blocks of
    folders in `root` owned by their copies, so a move worked out in the copy lands in the project's
    block (the first preflight of the dry run claimed it), the port `fix --ports` writes."""
    import json

    from doctor.atomic import write_atomic
    from doctor.host.portregistry import VERSION, read_blocks, registry_path

    blocks = read_blocks(registry_path(env))
    if not blocks:
        return
    entries = []
    for b in blocks:
        owner = Path(b.owner)
        if owner == root or root in owner.parents:
            owner = copy / owner.relative_to(root)
        entries.append({"owner": str(owner), "repo": b.repo, "start": b.start, "end": b.end})
    target = registry_path(sandbox)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, (json.dumps({"version": VERSION, "blocks": entries}, indent=2) + "\n").encode())
    except OSError:
        pass  # unremembered: the copy's moves are worked out as in a registry that cannot be written


class _Faithful:
    """The copy's preflights as the project's would be: a finding the project's own preflight has and
    the untouched copy's has not (a folder's owner doctor could not give the copy, run as another user
    than root; one below a folder the copy reads in place) is kept in every round as the project has it
    (until a round writes its file), and one only the copy has is dropped."""

    def __init__(self, project: Run, copy: Run, files: ScratchFiles) -> None:
        self.files = files
        mine = {f.fingerprint for f in copy.report.findings}
        theirs = {f.fingerprint for f in project.report.findings}
        self.lost = [f for f in project.report.findings if f.fingerprint not in mine]
        self.made = mine - theirs
        self.first = self.run(copy)

    def run(self, run: Run) -> Run:
        from doctor.model import CheckResult, Status

        # a file the rounds wrote is the copy's own since: what its checks say of it stands
        written = {self.files.project_path(p) for p in self.files.written}
        lost: dict[str, list[Finding]] = {}
        for f in self.lost:
            if f.location is not None and f.location.path in written:
                continue
            lost.setdefault(f.check, []).append(f)
        results = []
        for r in run.report.results:
            kept = tuple(f for f in r.findings if f.fingerprint not in self.made) + tuple(lost.pop(r.check, ()))
            if kept != r.findings:
                r = replace(r, findings=kept, status=Status.FAILED if kept else Status.PASSED)
            results.append(r)
        results += [CheckResult(check, "", Status.FAILED, tuple(found)) for check, found in lost.items()]
        return replace(run, report=replace(run.report, results=tuple(results)))


class _Back:
    """Turns what the rounds in the copy said into what the project's dry run says."""

    def __init__(self, copy: Path, root: Path, titles: Mapping[str, str] | None = None) -> None:
        self.copy, self.root = str(copy), str(root)
        self.titles = titles or {}  # the project's own preflight's fix titles, by fingerprint

    def text(self, text: str) -> str:
        return text.replace(self.copy, self.root)

    def path(self, path: Path) -> Path:
        return Path(self.text(str(path)))

    def result(self, r: FixResult) -> FixResult:
        from doctor.dry_verdict import WOULD_SETTLE
        from doctor.fixer import SETTLED

        status = FixStatus.DRY_RUN if r.status is FixStatus.APPLIED else r.status
        reason = WOULD_SETTLE if r.reason == SETTLED else self.text(r.reason)
        location = r.location and replace(r.location, path=self.path(r.location.path))
        title = self.text(r.title)
        own = self.titles.get(r.fingerprint, "") if r.round <= 1 else ""
        # the same fix, its paths named from another folder, with what only the project can tell after it
        if own and _same_fix(_folderless(own), _folderless(title)):
            title = own
        return replace(r, status=status, reason=reason, title=title, message=self.text(r.message), location=location)


def _same_fix(own: str, copied: str) -> bool:
    """Whether the project's title is the copy's, with more said after it (not `to 54330` for `to 5433`)."""
    return own.startswith(copied) and not own[len(copied):len(copied) + 1].isalnum()


def _folderless(text: str) -> str:
    """A title with the folders of its paths left out (`docker/development/compose.override.yaml` and
    `compose.override.yaml` alike), so a copy's title and the project's compare."""
    import re

    return re.sub(r"(?:[\w.-]*/)+", "", text)


def _shown(files: ScratchFiles, path: Path) -> str:
    """A project file's name as a diff names it: from the folder doctor runs in when it lies below it,
    else from the project (`git/info/exclude` for the repository's, outside it)."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):
        pass
    return path.relative_to(files.original).as_posix() if path.is_relative_to(files.original) else "git/info/exclude"


def _final_diff(files: ScratchFiles, written: Path) -> FileDiff | None:
    """The diff from the project's bytes of the file to the copy's last ones (None when they are the same)."""
    from doctor.regular import read_bytes

    original = files.project_path(written)
    try:
        new = read_bytes(written, EDIT_LIMIT)
    except OSError:
        return None
    try:
        old: bytes | None = read_bytes(original, EDIT_LIMIT)
    except FileNotFoundError:
        old = None
    except OSError:
        return None
    if old == new:
        return None
    name = _shown(files, original)
    texts = _texts(old, new)
    if texts is not None:  # as the run's diff shows a text edit: lines, the file's line endings and encoding kept
        return FileDiff(original, unified_diff(*texts, name))
    # a line-ending or byte edit (script-line-endings): `\r` and bytes that are not UTF-8 shown as escapes
    return FileDiff(original, unified_diff(visible_bytes(old) if old is not None else "", visible_bytes(new), name))


def _texts(old: bytes | None, new: bytes) -> tuple[str, str] | None:
    """The file's text before and after, where both decode with the same line endings and encoding."""
    try:
        after = decode(new)
        before = decode(old) if old is not None else None
    except UnicodeDecodeError:
        return None
    if before is not None and before[1:] != after[1:]:
        return None
    return (before[0] if before is not None else "", after[0])
