"""A file its owner made read-only is never replaced by the fixer's atomic rename.

The rename needs only a writable folder, and root writes through any mode: the owner's write
bit decides, as root and as the file's owner alike.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from run_as import as_user

from doctor.engine import load_registry
from doctor.fix_report import FixStatus
from doctor.fixer import FixOptions, fix
from doctor.fixfiles import ProjectFiles, read_only
from doctor.model import Edit
from doctor.project import ProjectOptions

COMPOSE = "services:\n  web:\n    image: alpine\n    environment:\n      K: ${K}\n"
REASON = "'.env' is read-only (mode 0444): not changed; make it writable to let doctor fix it"
NOBODY = 65534
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run a part as another user")


@pytest.fixture
def project() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="doctor-readonly-"))
    base.chmod(0o755)  # reachable by another user (pytest's tmp_path is not)
    root = base / "app"
    root.mkdir()
    (root / "compose.yaml").write_text(COMPOSE)
    (root / ".env.example").write_text("A=1\nK=2\n")
    (root / ".env").write_text("A=1\n")
    try:
        yield root
    finally:
        shutil.rmtree(base)


def _fix(root: Path, state: Path) -> tuple[int, list[tuple[FixStatus, str]]]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "XDG_STATE_HOME": str(state)}
    options = FixOptions(project=ProjectOptions(path=root, env=env), families=frozenset({"env"}), yes=True, env=env)
    report = fix(options, load_registry())
    return report.exit_code, [(r.status, r.reason) for r in report.results]


def test_writable_file_is_fixed(project: Path, tmp_path: Path) -> None:
    code, results = _fix(project, tmp_path / "state")
    assert (code, results) == (0, [(FixStatus.APPLIED, "")])
    assert read_only(project / ".env", ".env") == ""


def test_read_only_file_is_refused_whoever_runs(project: Path, tmp_path: Path) -> None:
    """As root (CI) too: os.access would say root may write, the mode bits say the owner may not."""
    (project / ".env").chmod(0o444)
    code, results = _fix(project, tmp_path / "state")
    assert results == [(FixStatus.FAILED, REASON)]
    assert code == 1
    assert (project / ".env").read_text() == "A=1\n"
    assert (project / ".env").stat().st_mode & 0o777 == 0o444
    assert not (tmp_path / "state").exists()  # nothing backed up: nothing is written



@needs_root
def test_read_only_file_is_refused_for_its_owner(project: Path) -> None:
    """The owner's folder is writable, so the rename would replace the 0444 file: refused instead."""
    for path in (project, *project.iterdir()):
        os.chown(path, NOBODY, NOBODY)
    dotenv = project / ".env"
    state = project.parent / "state"  # the owner's, out of the project (backups never go in it)
    state.mkdir()
    os.chown(state, NOBODY, NOBODY)
    files = ProjectFiles(project, "app", {"HOME": str(project), "XDG_STATE_HOME": str(state)})
    plan = files.load(dotenv)
    plan.add(Edit(dotenv, "", "K=2\n"), "add K")

    def write(mode: int) -> str:
        dotenv.chmod(mode)
        return str(as_user(NOBODY, lambda: files.write(plan)))

    assert write(0o444) == REASON
    assert dotenv.read_text() == "A=1\n"
    assert write(0o644) == ""  # the same write, the file writable: it goes through
    assert dotenv.read_text() == "A=1\nK=2\n"



def test_a_read_only_file_shows_no_diff_as_if_written(project: Path, tmp_path: Path) -> None:
    (project / ".env").chmod(0o444)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "DOCTOR_NO_CACHE": "1", "XDG_STATE_HOME": str(tmp_path)}
    options = FixOptions(project=ProjectOptions(path=project, env=env), families=frozenset({"env"}), yes=True, env=env)
    report = fix(options, load_registry())
    assert report.exit_code == 1 and [r.reason for r in report.results] == [REASON]
    assert report.diffs == ()  # nothing was written: no diff says otherwise
    assert (project / ".env").read_text() == "A=1\n"


def test_a_dry_run_says_what_the_write_would_refuse(project: Path, tmp_path: Path) -> None:
    """The preview matches the run: a read-only file's fix is reported refused, with no diff."""
    (project / ".env").chmod(0o444)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "DOCTOR_NO_CACHE": "1", "XDG_STATE_HOME": str(tmp_path)}
    options = FixOptions(project=ProjectOptions(path=project, env=env), families=frozenset({"env"}), yes=True,
                         env=env, dry_run=True)
    report = fix(options, load_registry())
    assert [(r.status, r.reason) for r in report.results] == [(FixStatus.FAILED, REASON)]
    assert report.diffs == ()
    (project / ".env").chmod(0o644)  # the same dry run over a writable file previews the edit
    report = fix(options, load_registry())
    assert [r.status for r in report.results] == [FixStatus.DRY_RUN] and len(report.diffs) == 1
    assert (project / ".env").read_text() == "A=1\n"


def test_a_fix_one_of_whose_files_is_read_only_writes_none_of_them(project: Path, tmp_path: Path) -> None:
    """A port move writes the override and the `.env` URL that follows the port: with the `.env`
    read-only, the override is not written either (before, it was: a second run then said "nothing
    to fix" while the URL pointed at the old port)."""
    from typing import ClassVar

    from doctor.engine import Registry
    from doctor.model import Check, Fix, Location, Safety

    class MovePort(Check):
        """Fake port-collision: a fix writing two files"""

        id: ClassVar[str] = "port-collision"
        safety: ClassVar[Safety] = Safety.SAFE

        def run(self, project: Any, host: Any) -> Any:
            root = project.root
            if (root / "compose.override.yaml").exists():
                return
            edits = (Edit(root / "compose.override.yaml", "", "services:\n  web:\n    ports: !override ['8001:80']\n"),
                     Edit(root / ".env", "", "SITE_ROOT=http://localhost:8001\n"))
            yield self.finding("8000 is taken", Location(root / "compose.yaml"), "web:8000",
                               Fix("move 'web' to 8001", Safety.SAFE, edits))

    (project / ".env").chmod(0o444)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "DOCTOR_NO_CACHE": "1", "XDG_STATE_HOME": str(tmp_path)}
    options = FixOptions(project=ProjectOptions(path=project, env=env), yes=True, env=env)
    for dry_run in (True, False):
        report = fix(replace(options, dry_run=dry_run), Registry({MovePort.id: MovePort}))
        assert [(r.status, r.reason) for r in report.results] == [(FixStatus.FAILED, REASON)]
        assert report.diffs == () and report.exit_code == 1
        assert not (project / "compose.override.yaml").exists()
        assert (project / ".env").read_text() == "A=1\n"


def test_a_backup_that_cannot_be_written_names_the_state_folder_not_the_project_file(project: Path) -> None:
    """`doctor fix` with a read-only HOME said `cannot write .env: Read-only file system` for a project whose
    files were all writable: the backup of the untracked .env (under ~/.local/state/doctor) had failed."""
    state = project.parent / "state"
    state.write_text("a file where the state folder would go\n")  # mkdir there fails, as on a read-only HOME
    dotenv = project / ".env"
    files = ProjectFiles(project, "app", {"HOME": str(project), "XDG_STATE_HOME": str(state)})
    plan = files.load(dotenv)
    plan.add(Edit(dotenv, "", "K=2\n"), "add K")
    said = files.write(plan)
    assert said.startswith(f"cannot back up .env (not tracked by git) to {state / 'doctor' / 'backups'}: "), said
    assert said.endswith("; nothing written (set XDG_STATE_HOME to a writable folder)"), said
    assert dotenv.read_text() == "A=1\n"


def test_the_backed_up_line_names_the_file_from_here_and_the_copy_under_home(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """`backed up /tmp/.../examples/broken-stack/.env ... to /root/.local/state/...`: both absolute, where the README
    (and every other line of a fix) names paths from the current folder."""
    from doctor.fix_report import _home_tilde, from_here

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert from_here(tmp_path / "examples" / "broken-stack" / ".env") == "examples/broken-stack/.env"
    assert _home_tilde(tmp_path / "home" / ".local" / "state" / "x") == "~/.local/state/x"
    assert _home_tilde("/elsewhere/state/x") == "/elsewhere/state/x"


@pytest.fixture
def doctor_user() -> Iterator[tuple[int, int]]:
    """A user made for this test alone (uid, gid), removed after it: CI runs as root."""
    import secrets
    import subprocess

    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("needs root and useradd to make a user of its own")
    name = f"doctor-cf-{secrets.token_hex(3)}"
    subprocess.run(["useradd", "--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", name],
                   check=True, capture_output=True)
    try:
        import pwd

        entry = pwd.getpwnam(name)
        yield entry.pw_uid, entry.pw_gid
    finally:
        import time

        for _ in range(20):  # userdel fails while another useradd/userdel holds /etc/passwd's lock
            subprocess.run(["userdel", name], check=False, capture_output=True)
            subprocess.run(["groupdel", name], check=False, capture_output=True)
            if subprocess.run(["getent", "passwd", name], capture_output=True).returncode != 0:
                break
            time.sleep(0.5)


def _fix_as(root: Path, uid: int, gid: int) -> tuple[int, str]:
    """`doctor fix --env --yes` on `root` run by the user `uid` (doctor.commands.fix in a forked child,
    as run_as does: the interpreter under /root is not that user's to start), its status and output.
    A dry run as root first loads every module the run imports."""
    import io

    from doctor import app, commands

    home = root.parent / "home"
    home.mkdir(exist_ok=True)
    os.chown(home, uid, gid)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "DOCTOR_NO_CACHE": "1"}

    def run(dry_run: bool) -> tuple[int, str]:
        out = io.StringIO()
        command = commands.FixCommand(target=app.PreflightOptions(path=root, env=env), families=frozenset({"env"}),
                                      yes=True, dry_run=dry_run)
        return commands.fix(command, out), out.getvalue()

    run(True)
    return as_user_group(uid, gid, lambda: run(False))  # type: ignore[return-value]


def as_user_group(uid: int, gid: int, work: Any) -> object:
    """run_as.as_user with the user's own group (its uid need not be its gid)."""
    real_setgid = os.setgid
    try:
        os.setgid = lambda _: real_setgid(gid)  # type: ignore[assignment]
        return as_user(uid, work)
    finally:
        os.setgid = real_setgid


def _owned_by(root: Path, uid: int, gid: int) -> None:
    for path in (root.parent, root, *root.iterdir()):
        os.chown(path, uid, gid)


def test_a_root_owned_env_in_a_users_folder_is_not_replaced_by_that_user(project: Path,
                                                                       doctor_user: tuple[int, int]) -> None:
    """The folder is the user's, so the rename over root's 0644 `.env` went through and the file
    became the user's (`applied env-drift add K ... (fixed)`, exit 0): its owner was not kept."""
    uid, gid = doctor_user
    _owned_by(project, uid, gid)
    dotenv = project / ".env"
    os.chown(dotenv, 0, 0)
    code, said = _fix_as(project, uid, gid)
    assert code == 1, said
    assert "'.env' is not writable by" in said and "(owner root, mode 0644): not changed; make it writable" in said
    assert (dotenv.stat().st_uid, dotenv.stat().st_gid, dotenv.read_text()) == (0, 0, "A=1\n")


def test_another_users_group_writable_env_is_not_replaced(project: Path, doctor_user: tuple[int, int]) -> None:
    """Writable through its group mode, but a new file in its place would be the user's, not root's."""
    uid, gid = doctor_user
    _owned_by(project, uid, gid)
    dotenv = project / ".env"
    os.chown(dotenv, 0, gid)
    dotenv.chmod(0o664)
    code, said = _fix_as(project, uid, gid)
    assert code == 1, said
    assert "'.env' belongs to root:" in said and "not changed; run doctor fix as root to let doctor fix it" in said
    assert (dotenv.stat().st_uid, dotenv.read_text()) == (0, "A=1\n")
    os.chown(dotenv, uid, gid)  # the user's own file: fixed, and still the user's
    code, said = _fix_as(project, uid, gid)
    assert code == 0, said
    assert (dotenv.stat().st_uid, dotenv.read_text().endswith("K=2\n")) == (uid, True)


def test_the_users_own_env_keeps_a_setgid_folders_group(project: Path, doctor_user: tuple[int, int]) -> None:
    """A setgid folder (2775) gives a new file its group, so the user's own `.env` of a group the user is
    not in keeps it: before, `'.env' belongs to U:root and doctor runs as U: ... run doctor fix as U`, exit 1."""
    uid, gid = doctor_user
    _owned_by(project, uid, gid)
    for path in (project, *project.iterdir()):
        os.chown(path, uid, 0)  # a group the user is not in (as_user drops its other groups)
    project.chmod(0o2775)
    dotenv = project / ".env"
    code, said = _fix_as(project, uid, gid)
    assert code == 0, said
    assert "(fixed)" in said
    assert (dotenv.stat().st_uid, dotenv.stat().st_gid) == (uid, 0)
    assert dotenv.read_text() == "A=1\n# added by doctor from .env.example\nK=2\n"


def test_the_users_own_env_of_a_group_it_is_not_in_says_how_to_fix_it(project: Path,
                                                                     doctor_user: tuple[int, int]) -> None:
    """`sudo chown $USER .env` leaves U:root: a new file would have the user's group, so it is refused, with
    advice the user can follow (before: `run doctor fix as U`, the very user running it)."""
    import pwd

    uid, gid = doctor_user
    _owned_by(project, uid, gid)
    dotenv = project / ".env"
    os.chown(dotenv, uid, 0)
    code, said = _fix_as(project, uid, gid)
    name = pwd.getpwuid(uid).pw_name
    assert code == 1, said
    assert (f"'.env' has group root, which {name} is not in: a new file in its place would have group {name}; "
            f"not changed; run `chgrp {name} .env` (or doctor fix as root) to let doctor fix it") in said
    assert f"run doctor fix as {name}" not in said
    assert (dotenv.stat().st_uid, dotenv.stat().st_gid, dotenv.read_text()) == (uid, 0, "A=1\n")
