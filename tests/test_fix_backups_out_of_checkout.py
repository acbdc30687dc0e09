"""Backups of untracked files never land in the checkout, even when HOME or XDG_STATE_HOME points into it.

With HOME set to the checkout (a CI job, a dev container), `doctor fix --env --yes` backed up the
ignored `.env` to `~/.local/state/doctor/backups/...` inside the checkout: `git add -A -n` listed
that copy (its API_SECRET with it) and the Dockerfile's `COPY . /app` would bake it into the image.
The backups now go where doctor.cachedir.keep_out keeps the caches: out of the project and its
work tree (the user's own home from the password database, else a private temp folder), and the
`backed up` line names that place.
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SECRET = "Sup3rS3cretValue"


def _project(root: Path) -> None:
    root.mkdir()
    (root / "compose.yaml").write_text("services:\n  web:\n    build: .\n    env_file: .env\n"
                                       "    environment:\n      FOO: ${FOO}\n")
    (root / "Dockerfile").write_text("FROM alpine\nCOPY . /app\n")
    (root / ".env.example").write_text("FOO=1\nNEWKEY=zzz\n")
    (root / ".gitignore").write_text("/.env\n")
    (root / ".env").write_text(f"FOO=1\nAPI_SECRET={SECRET}\n")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "compose.yaml", "Dockerfile", ".env.example", ".gitignore"], cwd=root, check=True)


@pytest.mark.parametrize("state", ["", ".state"])
def test_backups_stay_out_of_a_checkout_holding_home(tmp_path: Path, state: str) -> None:
    name = f"doctor-h-contractfix-{secrets.token_hex(4)}"
    root = tmp_path / name
    _project(root)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "XDG_", "FOO", "NEWKEY"))}
    env.update(HOME=str(root), DOCTOR_NO_CACHE="1")
    if state:
        env["XDG_STATE_HOME"] = str(root / state)
    own = Path(pwd.getpwuid(os.geteuid()).pw_dir) / ".local" / "state" / "doctor" / "backups" / name
    fallback = Path(os.environ.get("TMPDIR") or "/tmp") / f"doctor-{os.geteuid()}" / "backups" / name
    try:
        done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--env", "--yes", "."], cwd=root, env=env,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
        said = re.search(r"^backed up \.env \(not tracked by git\) to (\S+)$", done.stdout, re.MULTILINE)
        assert said is not None, done.stdout
        copy = Path(re.sub(r"^~(?=/)", str(root), said[1]))  # `~` is the run's HOME
        assert copy.is_absolute() and not copy.is_relative_to(root), said[1]
        assert copy.read_text() == f"FOO=1\nAPI_SECRET={SECRET}\n"
        staged = subprocess.run(["git", "add", "-A", "-n"], cwd=root, capture_output=True, text=True, check=True)
        assert SECRET not in "".join(p.read_text(errors="replace") for p in root.rglob("*")
                                     if p.is_file() and ".git" not in p.parts and p.name != ".env")
        assert staged.stdout.split() == [], staged.stdout  # nothing doctor wrote is there for git to add
    finally:
        shutil.rmtree(own, ignore_errors=True)
        shutil.rmtree(fallback, ignore_errors=True)


NO_PASSWD_UID = 4242


def test_a_temp_folder_in_the_checkout_is_not_the_backups_fallback(tmp_path: Path) -> None:
    """A uid with no passwd entry (a container's `--user 4242`), HOME the checkout and TMPDIR=$HOME/.tmp: the
    last resort, $TMPDIR/doctor-<uid>/backups, lay in the checkout too (`backed up .env ... to
    ~/.tmp/doctor-4242/backups/...`); it is now the system's /tmp. Run in a forked child as that uid."""
    import io
    import tempfile

    from run_as import as_user

    if os.geteuid() != 0:
        pytest.skip("needs root to run as a uid of no user")
    try:
        pwd.getpwuid(NO_PASSWD_UID)
        pytest.skip(f"uid {NO_PASSWD_UID} has a passwd entry here")
    except KeyError:
        pass
    from doctor import app, commands

    base = Path(tempfile.mkdtemp(prefix="doctor-h-r2fix-"))
    base.chmod(0o755)  # reachable by that uid (pytest's tmp_path is not)
    name = f"doctor-h-r2fix-{secrets.token_hex(4)}"
    root = base / name
    _project(root)
    (root / ".tmp").mkdir()
    for path in (root, *root.rglob("*")):
        os.lchown(path, NO_PASSWD_UID, NO_PASSWD_UID)
    fallback = Path("/tmp") / f"doctor-{NO_PASSWD_UID}"
    made = not fallback.exists()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(root), "TMPDIR": str(root / ".tmp"),
           "DOCTOR_NO_CACHE": "1"}

    def fix(dry_run: bool) -> str:
        out = io.StringIO()
        command = commands.FixCommand(target=app.PreflightOptions(path=root, env=env), families=frozenset({"env"}),
                                      yes=True, dry_run=dry_run)
        commands.fix(command, out)
        return out.getvalue()

    def run() -> str:
        os.environ.update(env)
        tempfile.tempdir = None  # gettempdir() reads TMPDIR again, as a process started so would
        return fix(False)

    try:
        fix(True)  # as root first: every module the run imports is loaded (the interpreter is root's)
        import configparser  # noqa: F401  (a real run's too, which the dry run does not import)
        said = str(as_user(NO_PASSWD_UID, run))
        where = re.search(r"^backed up \S*\.env \(not tracked by git\) to (\S+)$", said, re.MULTILINE)
        assert where is not None, said
        copy = Path(re.sub(r"^~(?=/)", str(root), where[1]))
        assert copy.is_absolute() and not copy.is_relative_to(root), where[1]
        assert copy.is_relative_to(fallback / "backups" / name), where[1]
        assert copy.read_text() == f"FOO=1\nAPI_SECRET={SECRET}\n"
        assert SECRET not in "".join(p.read_text(errors="replace") for p in root.rglob("*")
                                     if p.is_file() and ".git" not in p.parts and p.name != ".env")
    finally:
        shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(fallback / "backups" / name, ignore_errors=True)
        if made:
            shutil.rmtree(fallback, ignore_errors=True)


def test_an_empty_home_is_no_home(tmp_path: Path) -> None:
    """`HOME=` (empty) made the state folder `/` + `.local/state/doctor`, so the backup went to
    `/.local/state/doctor/backups/...`; an empty HOME is now unset: the password database's home."""
    name = f"doctor-h-r2fix-{secrets.token_hex(4)}"
    root = tmp_path / name
    _project(root)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "XDG_", "FOO", "NEWKEY"))}
    env.update(HOME="", DOCTOR_NO_CACHE="1")
    own_home = Path(pwd.getpwuid(os.geteuid()).pw_dir)
    own = own_home / ".local" / "state" / "doctor" / "backups" / name
    top = Path("/.local")
    top_made = not top.exists()
    try:
        done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--env", "--yes", "."], cwd=root, env=env,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
        said = re.search(r"^backed up \.env \(not tracked by git\) to (\S+)$", done.stdout, re.MULTILINE)
        assert said is not None, done.stdout
        assert not said[1].startswith(("/.local", "~")), said[1]
        copy = Path(said[1])
        assert copy.is_relative_to(own), said[1]
        assert copy.read_text() == f"FOO=1\nAPI_SECRET={SECRET}\n"
    finally:
        shutil.rmtree(own, ignore_errors=True)
        shutil.rmtree(top / "state" / "doctor" / "backups" / name, ignore_errors=True)
        if top_made:
            shutil.rmtree(top, ignore_errors=True)
