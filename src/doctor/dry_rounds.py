"""`doctor fix --dry-run`: the run's rounds, played in a scratch copy of the project.

The run writes a round's fixes, re-runs the checks, and plans again on what it wrote, so a fix
that only shows once another is in (dotenv-override's `override=True`, an error once a dev
override sets the variable it overrides) edits a file the first round never named. A dry run
mirrors the folder fixes edit (doctor.dry_verdict.mirror: hard links to the project's files,
folders made anew) and plays the very rounds there (doctor.fixer.play_rounds: the same round
limit, order and verdicts), with every fix taken as if confirmed, no question asked and no
command run. Each edited file is written in the copy as the run writes (a new file renamed over
the link: the project's file is never written through). What it shows is one diff per file,
from the project's bytes to the copy's last bytes: what the run would leave, whatever the round.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from doctor.file_edits import RefusedEdit, unified_diff, visible_bytes
from doctor.fix_report import FileDiff, FixReport, FixResult, FixStatus
from doctor.fixfiles import EDIT_LIMIT, ProjectFiles, decode, why_backed_up

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from doctor.atomic import Staged
    from doctor.engine import Registry, RunOptions
    from doctor.file_edits import FileEdits
    from doctor.fixer import FixOptions
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
        real = super().check_path(path)
        if real.is_relative_to(self.root):
            return real
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

    def _links(self, path: Path) -> int:
        links = super()._links(path)
        try:  # the copy's own hard link to the project's file is no other name of it
            if os.path.samestat(os.lstat(path), os.lstat(self.project_path(path))):
                return links - 1
        except (OSError, ValueError):
            pass
        return links

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
               redactor: Redactor) -> FixReport | str:
    """The report of the run's rounds played in a scratch copy of `files.root`, as a dry run's; else the
    note that says why no copy was made (a folder of more than MAX_FILES files, one doctor cannot read)."""
    from doctor.dry_verdict import MAX_FILES, in_copy, mirror
    from doctor.engine import preflight
    from doctor.fixer import play_rounds

    root = files.root
    with tempfile.TemporaryDirectory(prefix="doctor-dry-") as scratch:
        copy = Path(scratch) / root.name  # the same folder name: compose's default project name
        try:
            moved = in_copy(run_options, root, copy)
            if moved is None:
                return f"the project does not lie in {root}, the folder its fixes edit: {ONE_ROUND}"
            if not mirror(root, copy, ()):
                return f"the project's folder holds more than {MAX_FILES} files, too many to copy: {ONE_ROUND}"
        except (OSError, ValueError) as exc:
            return f"the project's folder could not be copied ({exc}): {ONE_ROUND}"
        env = dict(moved.env or {})
        seed_port_blocks(dict(run_options.env if run_options.env is not None else run_options.project.env), env,
                         root, copy)
        copied = ScratchFiles(copy, root, files.project_name, env)
        played = replace(options, dry_run=False, scratch=True, interactive=False, ask=None, env=env,
                         project=moved.project)
        report = play_rounds(played, registry, moved, preflight(moved, registry), copied, redactor)
        diffs = tuple(d for d in (_final_diff(copied, path) for path in copied.written) if d is not None)
        backed = [f"would back up {_shown(copied, p)} ({why_backed_up(p)}) before writing it"
                  for p in copied.would_back_up]
    back = _Back(copy, root)
    return FixReport(root, tuple(back.result(r) for r in report.results), diffs, (),
                     tuple(back.text(n) for n in (*report.notes, *backed)), dry_run=True, redactor=redactor,
                     unfixable=tuple((c, back.text(m)) for c, m in report.unfixable),
                     left=tuple(back.text(line) for line in report.left), left_errors=report.left_errors,
                     rounds=max((r.round for r in report.results), default=0))


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


class _Back:
    """Turns what the rounds in the copy said into what the project's dry run says."""

    def __init__(self, copy: Path, root: Path) -> None:
        self.copy, self.root = str(copy), str(root)

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
        return replace(r, status=status, reason=reason, title=self.text(r.title), message=self.text(r.message),
                       location=location)


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
