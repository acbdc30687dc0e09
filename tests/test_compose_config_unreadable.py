"""Build inputs this user cannot read: one compose-config finding each, the other checks partial.

`docker compose build` stops at an unreadable build context, Dockerfile or COPY'd file; before,
doctor said nothing (a 000 Dockerfile) or ended eight checks with a raw PermissionError (a 000
context folder). Root reads through any mode, so the run under test is a forked child as uid
65534 (CI runs as root); the pure helper is tested as whoever runs the tests.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from run_as import as_user

from doctor import app
from doctor.project.buildinputs import unreadable

NOBODY = 65534
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run doctor as another user")


@pytest.fixture
def project() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="doctor-unreadable-"))
    base.chmod(0o755)  # reachable by another user (pytest's tmp_path is not)
    root = base / "proj"
    (root / "app" / "src").mkdir(parents=True)
    (root / "compose.yaml").write_text("services:\n  web:\n    build: ./app\n  db:\n    image: postgres:16\n")
    (root / "app" / "Dockerfile").write_text("FROM alpine\nCOPY entry.sh /entry.sh\nCOPY src /src\n"
                                             'CMD ["/entry.sh"]\n')
    (root / "app" / "entry.sh").write_text("#!/bin/sh\necho hi\n")
    (root / "app" / "src" / "main.py").write_text("print(1)\n")
    (root / "app" / "notes.txt").write_text("not copied\n")
    for path in (root, *root.rglob("*")):
        os.chown(path, NOBODY, NOBODY)
    try:
        yield root
    finally:
        shutil.rmtree(base)



def _preflight(root: Path) -> tuple[int, dict[str, object]]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": "unix:///nonexistent"}
    out = io.StringIO()
    code = app.preflight(app.PreflightOptions(path=root, format="json", env=env), out)
    return code, json.loads(out.getvalue())


def _as_nobody(root: Path) -> tuple[int, dict[str, object]]:
    _preflight(root)  # as root first: every module the run imports is loaded before the child drops root
    return as_user(NOBODY, lambda: _preflight(root))  # type: ignore[return-value]


def _compose_config(report: dict[str, object]) -> list[tuple[str, int | None, str]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return [(f["message"], f["line"], f["severity"]) for f in findings if f["check"] == "compose-config"]


def _statuses(report: dict[str, object]) -> set[str]:
    checks = report["checks"]
    assert isinstance(checks, list)
    return {c["status"] for c in checks}


@needs_root
def test_readable_build_has_no_finding(project: Path) -> None:
    code, report = _as_nobody(project)
    assert _compose_config(report) == []
    assert "partial_input" not in report["facts"]  # type: ignore[operator]
    assert code == 0


@needs_root
def test_unreadable_copied_files_are_findings_and_checks_say_partial(project: Path) -> None:
    (project / "app" / "entry.sh").chmod(0)
    (project / "app" / "src" / "main.py").chmod(0)
    (project / "app" / "notes.txt").chmod(0)  # not COPY'd: the build never reads it
    code, report = _as_nobody(project)
    assert _compose_config(report) == [("cannot read app/entry.sh: permission denied", 3, "error"),
                                       ("cannot read app/src/main.py: permission denied", 3, "error")]
    assert code == 1
    partial = report["facts"]["partial_input"]  # type: ignore[index]
    assert partial == {"reason": "cannot read app/entry.sh: permission denied (and 1 more)",
                       "reported_by": ["compose-config"]}
    assert "error" not in _statuses(report)


@needs_root
def test_unreadable_dockerfile_is_one_finding(project: Path) -> None:
    (project / "app" / "Dockerfile").chmod(0)
    (project / "app" / "entry.sh").chmod(0)  # its COPY is unknown while the Dockerfile cannot be read
    code, report = _as_nobody(project)
    assert _compose_config(report) == [("cannot read app/Dockerfile: permission denied", 3, "error")]
    assert code == 1


@needs_root
def test_unreadable_context_folder_ends_no_check_in_error(project: Path) -> None:
    (project / "app").chmod(0)
    code, report = _as_nobody(project)
    assert _compose_config(report) == [("cannot read app: permission denied", 3, "error")]
    assert "error" not in _statuses(report)  # was: 8 checks ended with a raw PermissionError
    assert "PermissionError" not in json.dumps(report)
    assert code == 1


def test_unreadable_says_why_only_for_what_exists(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert unreadable(tmp_path / "file") == ""
    assert unreadable(tmp_path, folder=True) == ""
    assert unreadable(tmp_path / "missing") == ""  # a missing path is another finding's
    assert unreadable(tmp_path / "file" / "below") == ""


@needs_root
@pytest.mark.parametrize("given", [".", "compose.yaml"])
def test_a_project_folder_the_user_may_not_enter_is_one_line(project: Path, given: str) -> None:
    """`doctor preflight proj` on a folder of mode 000 (another user's checkout) ended in 'internal error:
    PermissionError ... proj/doctor.yaml'; `doctor preflight proj/compose.yaml` likewise."""
    _preflight(project)  # every module loaded before the child drops root
    project.chmod(0o000)

    def attempt() -> str:
        out = io.StringIO()
        target = project / given if given != "." else project
        try:
            app.preflight(app.PreflightOptions(path=target, env={"PATH": "/usr/bin:/bin", "HOME": "/"}), out)
        except app.UsageError as exc:
            return str(exc)
        return "ran"

    try:
        said = as_user(NOBODY, attempt)
    finally:
        project.chmod(0o755)
    shown = project / given if given != "." else project
    assert said == f"{shown}: permission denied"


@needs_root
@pytest.mark.parametrize("busy", [False, True], ids=["free", "a-port-held"])
def test_a_build_context_with_bind_mounts_below_it_this_user_cannot_enter_crashes_no_check(busy: bool) -> None:
    """examples/broken-stack with `chmod 000 backend` (its build context, whose app/ and tests/ the
    override bind-mounts), run by another user: dotenv-override, leaked-host-port, missing-mount,
    path-gap and script-line-endings ended in a raw PermissionError ('✗ (PermissionError ...)'),
    from Path.is_file/is_dir and a bind source's stat; each is partial now, as the others were.
    With the backend's port held, port-collision's move reads the project's command ports (a
    Makefile in backend/): that read raised too, only on a machine where 8000 was busy."""
    base = Path(tempfile.mkdtemp(prefix="doctor-unreadable-"))
    base.chmod(0o755)
    root = base / "proj"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples" / "broken-stack", root)
    holder = socket.socket()
    if busy:
        holder.bind(("0.0.0.0", 0))
        holder.listen()
        override = root / "compose.override.yaml"
        override.write_text(override.read_text().replace('"8000:8000"', f'"{holder.getsockname()[1]}:8000"'))
    try:
        for path in (root, *root.rglob("*")):
            os.chown(path, NOBODY, NOBODY)
        (root / "backend").chmod(0)
        _, report = _as_nobody(root)
        checks = report["checks"]
        assert isinstance(checks, list)
        crashed = [(c["id"], c["reason"]) for c in checks if c["status"] == "error"]
        assert crashed == [], crashed
        if busy:
            assert any(c["id"] == "port-collision" and c["status"] == "failed" for c in checks), checks
    finally:
        holder.close()
        (root / "backend").chmod(0o755)
        shutil.rmtree(base)


@needs_root
@pytest.mark.parametrize("folder", ["backend/app", "backend/scripts", "backend/tests"])
def test_a_copied_folder_this_user_cannot_enter_crashes_no_check(folder: str) -> None:
    """examples/broken-stack with `chmod 000 backend/app` (a folder its Dockerfile COPYs, the build
    context itself readable), run by another user: host-vs-container and path-gap ended in
    '✗ (PermissionError: [Errno 13] Permission denied: .../backend/app/pyproject.toml)', from the
    look for a manifest in each COPY'd folder (Path.is_file raises on a folder it may not enter);
    compose-config names the folder and the others are partial, as for an unreadable context."""
    base = Path(tempfile.mkdtemp(prefix="doctor-unreadable-"))
    base.chmod(0o755)
    root = base / "proj"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples" / "broken-stack", root)
    try:
        for path in (root, *root.rglob("*")):
            os.chown(path, NOBODY, NOBODY)
        (root / folder).chmod(0)
        _, report = _as_nobody(root)
        checks = report["checks"]
        assert isinstance(checks, list)
        crashed = [(c["id"], c["reason"]) for c in checks if c["status"] == "error"]
        assert crashed == [], crashed
        assert ("cannot read " + folder + ": permission denied", 30, "error") in _compose_config(report)
    finally:
        (root / folder).chmod(0o755)
        shutil.rmtree(base)


@needs_root
def test_a_home_this_user_cannot_enter_crashes_no_check() -> None:
    """`sudo -E -u deploy doctor preflight` (or `su -m`) keeps the caller's HOME, a folder the user
    may not enter: host-vs-container and path-gap ended in '✗ (PermissionError: [Errno 13]
    Permission denied: '/root/.local/lib/python3.11/site-packages')', from the look for the host
    Python's user site folder; a folder it cannot reach is one it does not import from."""
    base = Path(tempfile.mkdtemp(prefix="doctor-unreadable-"))
    base.chmod(0o755)
    root, home = base / "proj", base / "home"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples" / "broken-stack", root)
    site = home / ".local" / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    site.mkdir(parents=True)
    home.chmod(0o700)  # root's: the user may not enter it
    saved = os.environ.get("HOME")
    try:
        for path in (root, *root.rglob("*")):
            os.chown(path, NOBODY, NOBODY)
        _preflight(root)  # every module loaded before the child drops root

        def run() -> tuple[int, dict[str, object]]:
            os.environ["HOME"] = str(home)
            return _preflight(root)

        _, report = as_user(NOBODY, run)  # type: ignore[misc]
        checks = report["checks"]
        assert isinstance(checks, list)
        crashed = [(c["id"], c["reason"]) for c in checks if c["status"] == "error"]
        assert crashed == [], crashed
    finally:
        if saved is not None:
            os.environ["HOME"] = saved
        shutil.rmtree(base)


@needs_root
def test_folders_of_env_files_and_copied_files_this_user_cannot_enter_crash_no_check() -> None:
    """The replay of openfun/joanie with `chmod 000 env.d/development` (every service's env_file
    folder) and `chmod 000 docker/files/usr/local/bin` (a folder its Dockerfile COPYs), run by
    another user: leaked-host-port and service-name-drift ended in '✗ (PermissionError ...
    env.d/development/common)', missing-mount in one naming docker/files/usr/local/bin/entrypoint."""
    base = Path(tempfile.mkdtemp(prefix="doctor-unreadable-"))
    base.chmod(0o755)
    root = base / "proj"
    shutil.copytree(Path(__file__).resolve().parent / "replay" / "joanie", root)
    locked = (root / "env.d" / "development", root / "docker" / "files" / "usr" / "local" / "bin")
    try:
        for path in (root, *root.rglob("*")):
            os.chown(path, NOBODY, NOBODY)
        for folder in locked:
            folder.chmod(0)
        _, report = _as_nobody(root)
        checks = report["checks"]
        assert isinstance(checks, list)
        crashed = [(c["id"], c["reason"]) for c in checks if c["status"] == "error"]
        assert crashed == [], crashed
    finally:
        for folder in locked:
            folder.chmod(0o755)
        shutil.rmtree(base)


@needs_root
@pytest.mark.parametrize(("replay", "folder"), [
    ("adventurelog", ".github"),  # image-availability, runtime-drift: the workflows' folder looked up and listed
    ("awesome-compose-nginx-flask-mongo", "flask"),  # host-vs-container: the build context's pyproject.toml
    ("django-on-docker", "app"),  # runtime-drift: a sibling compose file's Dockerfile.prod in it
    ("djangox", "django_project"),  # leaked-host-port, service-name-drift: the settings module
    ("fastapi-boilerplate", "src"),  # host-gateway and two more: the app's src/.env
    ("fastapi-tdd-docker", "project/app/api"),  # leaked-host-port, service-name-drift: a package's __init__.py
    ("fastapi-template", "frontend"),  # runtime-drift: a service folder's pyproject.toml
    ("fba", "deploy/backend"),  # host-gateway and two more: the env file bound onto the app's .env
    ("pontoon", "docker/config"),  # dotenv-override and three more: the DOTENV_PATH file load_dotenv reads
    ("pontoon", "requirements"),  # host-vs-container, path-gap: a requirements file the Dockerfile pip installs
    ("redash", "bin"),  # volume-shadowing: the COPY'd entrypoint a bind mount may hide
    ("wild-workouts", "docker"),  # host-vs-container, path-gap: the requirements*.txt of a build context below
])
def test_a_replay_folder_this_user_cannot_enter_crashes_no_check(replay: str, folder: str) -> None:
    """Each replay with one folder at mode 000, run by another user: the checks named ended in
    '✗ (PermissionError: [Errno 13] Permission denied: ...)', from a raw Path.is_file/is_dir/glob on
    a path below it (Python 3.11 raises where 3.14 says False); each reader now takes a path it
    cannot reach as not there, as doctor.project.reading's do."""
    base = Path(tempfile.mkdtemp(prefix="doctor-unreadable-"))
    base.chmod(0o755)
    root = base / "proj"
    shutil.copytree(Path(__file__).resolve().parent / "replay" / replay, root, symlinks=True)
    try:
        for path in (root, *root.rglob("*")):
            os.lchown(path, NOBODY, NOBODY)
        (root / folder).chmod(0)
        _, report = _as_nobody(root)
        checks = report["checks"]
        assert isinstance(checks, list)
        crashed = [(c["id"], c["reason"]) for c in checks if c["status"] == "error"]
        assert crashed == [], crashed
        assert "PermissionError" not in json.dumps(report)
    finally:
        (root / folder).chmod(0o755)
        shutil.rmtree(base)


@needs_root
def test_a_git_dir_this_user_cannot_enter_crashes_no_check_and_not_ports() -> None:
    """examples/broken-stack in a git checkout whose .git is mode 000 (root's, after a `sudo git`),
    run by another user: port-collision ended in '✗ (PermissionError: [Errno 13] Permission denied:
    .../.git/worktrees)' and `doctor ports` in 'doctor: internal error: PermissionError ...', from
    the list of the repository's worktrees; a git dir it cannot read lists the checkout alone. The copy
    publishes on ports free now: `doctor ports` exits 1 on a clash, as with a developer's own 8000."""
    import subprocess

    from portprobe import republish

    from doctor import portmap

    base = Path(tempfile.mkdtemp(prefix="doctor-unreadable-"))
    base.chmod(0o755)
    root = base / "proj"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples" / "broken-stack", root)
    republish(root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": "unix:///nonexistent"}

    def ports() -> tuple[int, str]:
        out = io.StringIO()
        code = portmap.ports(portmap.PortsOptions(path=root, env=env), out)
        return code, out.getvalue()

    try:
        for path in (root, *root.rglob("*")):
            os.chown(path, NOBODY, NOBODY)
        ports()  # as root first: every module the run imports is loaded before the child drops root
        (root / ".git").chmod(0)
        code, said = as_user(NOBODY, ports)  # type: ignore[misc]
        assert code == 0
        assert said.splitlines()[0].endswith(" (1 checkout)"), said
        _, report = _as_nobody(root)
        checks = report["checks"]
        assert isinstance(checks, list)
        crashed = [(c["id"], c["reason"]) for c in checks if c["status"] == "error"]
        assert crashed == [], crashed
    finally:
        (root / ".git").chmod(0o755)
        shutil.rmtree(base)


@needs_root
@pytest.mark.parametrize(("compose", "folder", "said"), [
    ("include:\n  - inc/compose.yaml\n", "inc", [("cannot read compose file: permission denied", None, "error")]),
    ("include:\n  - path: inc/compose.yaml\n    env_file: inc/cache.env\n", "inc",
     [("cannot read env file: permission denied", None, "error"),
      ("cannot read compose file: permission denied", None, "error")]),
    ("services:\n  web:\n    extends:\n      file: inc/compose.yaml\n      service: cache\n", "inc",
     [("cannot read compose file: permission denied", None, "error"),
      ("cannot read extended file 'inc/compose.yaml'", 3, "error")]),
], ids=["include", "include-env-file", "extends"])
def test_an_included_or_extended_file_this_user_cannot_reach_is_a_finding(
        project: Path, compose: str, folder: str, said: list[tuple[str, int | None, str]]) -> None:
    """An `include:` or `extends: file:` in a folder this user may not enter: preflight, ports and
    fix all ended in 'doctor: internal error: PermissionError: [Errno 13] Permission denied:
    .../inc/compose.yaml' (Path.is_file on the included file, then on its folder's .env); compose says
    'open inc/compose.yaml: permission denied', and compose-config now says so."""
    (project / "inc").mkdir()
    (project / "inc" / "compose.yaml").write_text("services:\n  cache:\n    image: redis:7\n")
    (project / "inc" / "cache.env").write_text("A=1\n")
    (project / "inc" / ".env").write_text("B=2\n")
    (project / "compose.yaml").write_text(compose)
    for path in (project / "inc", *(project / "inc").iterdir()):
        os.chown(path, NOBODY, NOBODY)
    (project / folder).chmod(0)
    try:
        code, report = _as_nobody(project)
    finally:
        (project / folder).chmod(0o755)
    assert _compose_config(report) == said
    assert "error" not in _statuses(report)
    assert code == 1


@needs_root
@pytest.mark.parametrize("kind", ["secrets", "configs"])
def test_a_secret_file_behind_a_folder_this_user_cannot_enter_is_not_called_missing(project: Path, kind: str) -> None:
    """A secret's (or config's) `file:` in a folder this user may not enter (secrets/ of mode 700,
    root's): compose-config said 'the file secrets/token.txt this secret of 'web' is read from does
    not exist: `up` fails (bind source path does not exist)' (os.path.exists is False on EACCES); the
    file is there, and the engine, not this user, bind-mounts it: a note that doctor could not look."""
    (project / "secrets").mkdir()
    (project / "secrets" / "token.txt").write_text("t0k\n")
    (project / "compose.yaml").write_text(f"services:\n  web:\n    image: alpine\n    {kind}: [token]\n"
                                          f"{kind}:\n  token:\n    file: secrets/token.txt\n")
    (project / "secrets").chmod(0)
    try:
        code, report = _as_nobody(project)
    finally:
        (project / "secrets").chmod(0o755)
    kind_said = kind.removesuffix("s")
    assert _compose_config(report) == [(f"cannot look at secrets/token.txt, the file this {kind_said} of 'web' is read "
                                        "from: permission denied", 7, "info")]
    assert code == 0
