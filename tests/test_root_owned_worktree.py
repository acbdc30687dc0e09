"""root-owned-files scans the git work tree holding the project, not only the compose file's folder.

A devcontainer's compose file lives in `.devcontainer/` and mounts `..`: the container writes the
whole checkout, .git included. These trees are built here with a non-root owner (uid 1000, as
tests/test_owners.py does) and root-owned strays, so the tests need root to chown (CI runs as root).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from doctor.checks.root_owned_files import RootOwnedFiles

from doctor.host import Host
from doctor.host.owners import scan_scope
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

USER = 1000
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="building a mixed-owner tree needs root")
REPLAY = Path(__file__).resolve().parent / "replay"
COMPOSE = ("services:\n  dev:\n    image: doctor-busybox:test\n    volumes:\n      - ..:/workspace\n"
           "      - ./data:/workspace/data\n")
# the repo's files (a `.git` folder written by hand: the scope is read from files, no git process)
FILES = (".devcontainer/compose.yaml", ".devcontainer/data/db.sqlite3", "src/app/main.py", ".git/HEAD",
         ".git/index", ".git/objects/ab/cdef", "README.md")
STRAYS = ("src/app/__pycache__", "src/app/__pycache__/main.cpython-312.pyc", ".git/objects/ab",
          ".git/objects/ab/cdef", ".git/index", "stray.log", ".devcontainer/data")


def own_all(top: Path, uid: int = USER) -> None:
    for folder, dirs, files in os.walk(top):
        for name in (*dirs, *files):
            os.lchown(Path(folder, name), uid, uid)
    os.lchown(top, uid, uid)


def build_repo(tmp_path: Path, dotgit: bool = True) -> Path:
    """A checkout owned by uid 1000 whose compose file is in .devcontainer/, with root-owned
    strays beside it (src/), in .git, at the top and in the project folder."""
    repo = tmp_path / "repo"
    for rel in FILES:
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
    (repo / ".devcontainer" / "compose.yaml").write_text(COMPOSE)
    (repo / "src/app/__pycache__").mkdir()
    (repo / "src/app/__pycache__/main.cpython-312.pyc").write_text("x\n")
    (repo / "stray.log").write_text("x\n")
    if not dotgit:
        shutil.rmtree(repo / ".git")
    own_all(repo)
    for rel in STRAYS:
        if (repo / rel).exists():
            os.lchown(repo / rel, 0, 0)
    return repo


def run_check(folder: Path, env: dict[str, str] | None = None, exclude: tuple[str, ...] = ()) -> list[Finding]:
    env = env or {"PATH": os.environ["PATH"]}
    return list(RootOwnedFiles(exclude=exclude).run(Project(ProjectOptions(path=folder, env=env)), Host(env=env)))


@needs_root
def test_a_subfolder_project_in_a_repo_reports_strays_at_the_repo_root_and_in_git(tmp_path: Path) -> None:
    repo = build_repo(tmp_path)
    findings = {f.subject: f for f in run_check(repo / ".devcontainer")}
    assert set(findings) == {"owner:data", "owner:../src", "owner:../.git", "owner:.."}
    src = findings["owner:../src"]
    # the second path would pass 100 characters: left out, and said so
    assert src.message == "2 paths in '../src' owned by root (uid 0), not uid 1000: ../src/app/__pycache__, ..."
    assert src.location is not None and src.location.path == repo / "src"
    assert src.fix is not None and "'dev'" in src.fix.title  # the `..` mount wrote them
    assert src.fix.command == ("chown", "-hR", "1000:1000", str(repo / "src/app/__pycache__"))
    git = findings["owner:../.git"]
    assert git.message.startswith("3 paths in '../.git' owned by root (uid 0), not uid 1000: ../.git/index")
    assert git.fix is not None
    assert git.fix.command == ("chown", "-hR", "1000:1000", str(repo / ".git/index"), str(repo / ".git/objects/ab"))
    top = findings["owner:.."]
    assert top.message == "1 path in the repo root '..' owned by root (uid 0), not uid 1000: ../stray.log"
    assert top.fix is not None and top.fix.command[-1] == str(repo / "stray.log")
    data = findings["owner:data"]  # inside the project folder: shown as before
    assert data.message == "1 path in 'data' owned by root (uid 0), not uid 1000: data"
    assert data.location is not None and data.location.path == repo / ".devcontainer" / "data"
    for finding in findings.values():
        assert finding.fix is not None
        subprocess.run(finding.fix.command, check=True)
    assert run_check(repo / ".devcontainer") == []
    assert not [p for p in repo.rglob("*") if p.lstat().st_uid != USER]


@needs_root
def test_the_repo_owner_is_the_work_tree_tops_not_the_project_folders(tmp_path: Path) -> None:
    repo = build_repo(tmp_path)
    os.lchown(repo / ".devcontainer", 2000, 2000)  # not the repo's owner: the folder itself is the stray
    findings = {f.subject: f for f in run_check(repo / ".devcontainer")}
    assert findings["owner:."].message == ("1 path in the project folder owned by uid 2000, not uid 1000: .")
    assert all(f"not uid {USER}" in f.message for f in findings.values())


@needs_root
def test_outside_a_repo_the_scan_widens_only_to_a_bind_source_holding_the_project(tmp_path: Path) -> None:
    repo = build_repo(tmp_path, dotgit=False)  # a downloaded archive: no .git, no mark of its top
    assert scan_scope(repo / ".devcontainer", {}, [str(repo)]) == repo / ".devcontainer"  # no finder of its top
    # `..` holds the project folder: the container writes all of it
    assert {f.subject for f in run_check(repo / ".devcontainer")} == {"owner:data", "owner:../src", "owner:.."}
    compose = repo / ".devcontainer" / "compose.yaml"
    compose.write_text(COMPOSE.replace("      - ..:/workspace\n", "      - ../src/app:/workspace\n"))
    findings = run_check(repo / ".devcontainer")
    assert [f.subject for f in findings] == ["owner:data"]  # a bind beside it: the folder around both is no bind
    assert findings[0].message == "1 path in 'data' owned by root (uid 0), not uid 1000: data"
    assert findings[0].fix is not None
    assert findings[0].fix.command == ("chown", "-hR", "1000:1000", str(repo / ".devcontainer" / "data"))


@needs_root
def test_project_relative_exclude_patterns_still_hold_from_the_repo_root(tmp_path: Path) -> None:
    repo = build_repo(tmp_path)
    findings = {f.subject: f for f in run_check(repo / ".devcontainer", exclude=("data/db.sqlite3", "__pycache__"))}
    assert "owner:../src" not in findings  # a name pattern matches anywhere in the work tree
    data = findings["owner:data"]
    assert data.message == "1 path in 'data' owned by root (uid 0), not uid 1000: data"
    assert data.fix is not None and data.fix.command == ("chown", "-h", "1000:1000", str(repo / ".devcontainer/data"))


@needs_root
def test_a_linked_worktrees_git_file_is_checked_but_not_followed(tmp_path: Path) -> None:
    main_git = tmp_path / "main" / ".git"
    (main_git / "worktrees" / "wt" / "objects").mkdir(parents=True)
    (main_git / "worktrees" / "wt" / "index").write_text("x\n")  # root's, outside the worktree
    repo = build_repo(tmp_path)
    shutil.rmtree(repo / ".git")
    (repo / ".git").write_text(f"gitdir: {main_git / 'worktrees' / 'wt'}\n")
    os.lchown(repo / ".git", 0, 0)
    assert scan_scope(repo / ".devcontainer", {}, [str(repo)]) == repo
    findings = {f.subject: f for f in run_check(repo / ".devcontainer")}
    assert set(findings) == {"owner:data", "owner:../src", "owner:.."}
    assert findings["owner:.."].message == ("2 paths in the repo root '..' owned by root (uid 0), not uid 1000: "
                                            "../.git, ../stray.log")
    assert not any(str(main_git) in " ".join(f.fix.command) for f in findings.values() if f.fix is not None)


def test_a_work_tree_at_home_or_at_the_file_system_root_is_not_taken(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".git").mkdir(parents=True)  # a dotfiles repository in the home folder
    project = home / "code" / "app"
    project.mkdir(parents=True)
    parent = [str(home / "code")]  # a bind mount of the folder around the project
    assert scan_scope(project, {"HOME": str(home)}, parent) == project
    assert scan_scope(project, {}, parent) == home / "code"
    assert scan_scope(home, {"HOME": str(home)}, parent) == home
    (project / ".git").mkdir()
    assert scan_scope(project / "sub", {"HOME": str(home)}, [str(project)]) == project  # the nearest .git wins


def test_the_scan_widens_only_as_far_as_a_bind_mount_reaches(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    infra = repo / "infra" / "docker"
    infra.mkdir(parents=True)
    (repo / "src").mkdir()
    # a monorepo's compose project mounting only its own folders: the rest of the repo is not its
    assert scan_scope(infra, {}, [str(infra / "data"), "/var/run/docker.sock"]) == infra
    assert scan_scope(infra, {}, [str(repo / "src")]) == repo  # src/ beside it: the folder holding both
    assert scan_scope(infra, {}, [str(repo / "infra")]) == repo / "infra"
    assert scan_scope(infra, {}, [str(tmp_path)]) == infra  # never beyond the work tree's top


@needs_root
def test_run_from_the_repo_root_messages_and_fix_titles_name_paths_as_the_command_does(tmp_path: Path) -> None:
    # frappe_docker's devcontainer, doctor run from the repo: `src/...`, not `../src/...` in the
    # message beside a location and a command that open from the repo root
    repo = build_repo(tmp_path)
    env = {"PATH": os.environ["PATH"]}
    project = Project(ProjectOptions(path=repo / ".devcontainer", env=env, cwd=repo))
    findings = {f.subject: f for f in RootOwnedFiles().run(project, Host(env=env))}
    src = findings["owner:../src"]
    assert src.message.startswith("2 paths in 'src' owned by root (uid 0), not uid 1000: src/app/__pycache__")
    assert src.fix is not None and src.fix.title.startswith("chown src/app/__pycache__ to 1000:1000")
    assert findings["owner:data"].message == ("1 path in '.devcontainer/data' owned by root (uid 0), not uid 1000: "
                                              ".devcontainer/data")


@needs_root
@pytest.mark.skipif(not (REPLAY / "paperless-ngx").is_dir(), reason="the paperless-ngx replay is not here")
def test_paperless_devcontainer_strays_in_src_and_git_are_found_and_one_fix_settles(tmp_path: Path) -> None:
    """The reviewer's repro: paperless-ngx's devcontainer compose in .devcontainer/ mounts `..`."""
    repo = tmp_path / "own-x"
    shutil.copytree(REPLAY / "paperless-ngx", repo, ignore=shutil.ignore_patterns("SOURCE.md"))
    for rel in (".git/HEAD", ".git/index", "src/documents/static/frontend/main.js", ".devcontainer/data/x"):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text("x\n")
    own_all(repo, 0)  # the repo is root's; the strays are uid 1000's
    for path in (repo / "src/documents/static", *(repo / "src/documents/static").rglob("*"), repo / ".git/index"):
        os.lchown(path, USER, USER)
    env = {**os.environ, "DOCTOR_NO_CACHE": "1", "XDG_STATE_HOME": str(tmp_path / "state")}
    env = {k: v for k, v in env.items() if not k.startswith(("COMPOSE_", "PAPERLESS_", "SUDO_"))}

    def doctor(*args: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "doctor", *args, "-f", "docker-compose.devcontainer.sqlite-tika.yml", "."]
        return subprocess.run(argv, cwd=repo / ".devcontainer", env=env, capture_output=True, text=True, timeout=120)

    done = doctor("preflight", "--select", "root-owned-files", "--format", "json")
    assert done.returncode == 0, done.stderr  # warnings only: exit 0 at the default --fail-on
    found = {f["subject"]: f for f in json.loads(done.stdout)["findings"]}
    assert set(found) == {"owner:../src", "owner:../.git"}, found
    assert found["owner:../src"]["file"] == "../src"
    assert "not uid 0: ../src/documents/static" in str(found["owner:../src"]["message"])
    assert found["owner:../.git"]["fix"]["command"] == ["chown", "-hR", "0:0", str(repo / ".git/index")]
    fixed = doctor("fix", "--owners", "--yes")
    assert fixed.returncode == 0 and "2 applied (2 verified fixed)" in fixed.stdout, fixed.stdout + fixed.stderr
    assert not [p for p in repo.rglob("*") if p.lstat().st_uid != 0]
    again = doctor("preflight", "--select", "root-owned-files", "--format", "json")
    assert json.loads(again.stdout)["findings"] == []


def test_advice_to_paste_quotes_every_operand(tmp_path: Path) -> None:
    """Without root, sudo or a local image, the advice is a command to paste: a stray named
    `$(touch pwned)` or with a space must neither run nor split."""
    from types import SimpleNamespace

    from doctor.checks.root_owned_files.fix import _fix

    from doctor.host.owners import Owner
    from doctor.model import Unavailable

    def no_engine() -> list[str]:
        raise Unavailable("no engine")

    host = SimpleNamespace(owners=SimpleNamespace(euid=1000), env={"PATH": ""}, image_tags=no_engine)
    paths = [str(tmp_path / "$(touch pwned)"), str(tmp_path / "a b.log"), str(tmp_path / "-rf")]
    owner = Owner(1000, 1000, "x")
    project = SimpleNamespace(shown=lambda path: str(path))
    fix = _fix(project, host, owner, (False, paths), None, str(tmp_path))  # type: ignore[arg-type]
    assert not fix.command
    assert fix.title == (f"as root: chown -h 1000:1000 -- '{tmp_path}/$(touch pwned)' '{tmp_path}/a b.log' "
                         "(and 1 more)")


def build_archive(tmp_path: Path, mark: str | None = ".github") -> Path:
    """IntelOwl downloaded as a ZIP (no .git): docker/compose.yml mounts `../`, the checkout is
    uid 1000's, and a container left a root-owned `app/__pycache__` beside docker/."""
    top = tmp_path / "IntelOwl-master"
    (top / "docker").mkdir(parents=True)
    (top / "docker/compose.yml").write_text(
        "services:\n  web:\n    image: python:3.11\n    working_dir: /srv\n    volumes:\n      - ../:/srv\n")
    (top / "app/__pycache__").mkdir(parents=True)
    (top / "app/__init__.py").write_text("")
    if mark == ".github":
        (top / ".github").mkdir()
    elif mark is not None:
        (top / mark).write_text("x\n")
    own_all(top)
    os.lchown(top / "app/__pycache__", 0, 0)
    return top


@needs_root
@pytest.mark.parametrize("mark", [".github", ".gitignore", None])
def test_without_a_git_folder_a_bind_of_a_folder_above_widens_the_scan_to_it(tmp_path: Path,
                                                                             mark: str | None) -> None:
    """IntelOwl from a ZIP: `preflight docker` passed (it scanned only docker/), and warned once
    `git init` made the top a work tree."""
    top = build_archive(tmp_path, mark)
    assert scan_scope(top / "docker", {}, [str(top)]) == top / "docker"  # no finder of the top: no widening
    findings = {f.subject: f for f in run_check(top / "docker")}
    assert set(findings) == {"owner:../app"}
    app = findings["owner:../app"]
    assert app.message == "1 path in '../app' owned by root (uid 0), not uid 1000: ../app/__pycache__"
    assert app.fix is not None and "'web'" in app.fix.title
    assert app.fix.command == ("chown", "-hR", "1000:1000", str(top / "app/__pycache__"))
    subprocess.run(app.fix.command, check=True)
    assert run_check(top / "docker") == []


@needs_root
def test_without_a_git_folder_the_scan_widens_to_a_bind_source_only_within_the_checkouts_top(tmp_path: Path) -> None:
    from doctor.checks.root_owned_files import _checkout_top

    top = build_archive(tmp_path / "code" / "work")
    home = tmp_path / "code"
    (tmp_path / "code" / "stray.log").write_text("x\n")  # root's, beside the checkout: no container wrote it
    # the compose file's folder mounted `../../..`: above the checkout's top (.github), never walked
    (top / "docker/compose.yml").write_text("services:\n  web:\n    image: python:3.11\n    volumes:\n"
                                            "      - ../../..:/srv\n      - ../src:/src\n")
    assert _checkout_top(top / "docker") == top
    assert scan_scope(top / "docker", {}, [str(tmp_path / "code")], _checkout_top) == top / "docker"
    assert run_check(top / "docker") == []
    # a folder beside the project (../src), not holding it: the folder around both is no bind source
    assert scan_scope(top / "docker", {}, [str(top / "src")], _checkout_top) == top / "docker"
    # the home folder and any above it is never walked, even as a bind source within the top's reach
    (top / ".github").rmdir()
    assert _checkout_top(top / "docker") == home  # no mark: as far as archive_top looks (three above)
    assert scan_scope(top / "docker", {}, [str(home)], _checkout_top) == home
    assert scan_scope(top / "docker", {"HOME": str(home)}, [str(home)], _checkout_top) == top / "docker"
    assert scan_scope(top / "docker", {"HOME": str(top)}, [str(home)], _checkout_top) == top / "docker"


@needs_root
def test_without_a_git_folder_the_widened_walk_has_its_own_owner_cache(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The warm cache is kept per scan root: the walk of the checkout's top is not answered by the
    cache of an earlier walk of docker/ alone (whose folders hold no stray), and a warm run still
    finds the stray."""
    from doctor.host import owner_cache

    monkeypatch.setattr(owner_cache, "RACY_NS", 0)  # every folder's stamp is stored

    top = build_archive(tmp_path)
    env = {"PATH": os.environ["PATH"], "XDG_CACHE_HOME": str(tmp_path / "cache")}
    compose = top / "docker/compose.yml"
    text = compose.read_text()
    compose.write_text(text.replace("      - ../:/srv\n", "      - ./data:/srv\n"))  # docker/ alone first
    assert run_check(top / "docker", env) == []
    compose.write_text(text)
    for _ in range(2):  # cold for the widened root, then warm
        assert [f.subject for f in run_check(top / "docker", env)] == ["owner:../app"]
    cached = sorted(os.listdir(tmp_path / "cache" / "doctor"))
    assert owner_cache.file_name(str(top), USER, ()) in cached
    assert owner_cache.file_name(str(top / "docker"), USER, ()) in cached
