"""Block mode where the compose files publishing the ports are tracked (full-stack-fastapi-template:
compose.override.yml and .env committed): the fix writes the worktree's own compose.ports.yaml,
git-ignores it and makes compose read it; a second run reuses its ports instead of moving them again."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from doctor.checks.port_collision.plan_file import plan_file_edits, planned_port

from doctor.project import Project, ProjectOptions, portsfile

BASE = "services:\n  proxy:\n    image: traefik\n  db:\n    image: postgres\n"
OVERRIDE = ("services:\n  proxy:\n    ports:\n      - \"80:80\"\n      - \"127.0.0.1:8090:8080\"\n"
            "  db:\n    ports: [\"5432:5432\"]\n")
TRACKED = "compose.override.yml is tracked by git"


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env, timeout=60)


def _worktree(tmp_path: Path, dotenv: str | None, track_env: bool) -> Path:
    """A repository tracking compose.yml and compose.override.yml (and `.env` when `track_env`), and
    the second worktree the fix runs in."""
    main = tmp_path / "main"
    main.mkdir()
    (main / "compose.yml").write_text(BASE)
    (main / "compose.override.yml").write_text(OVERRIDE)
    if dotenv is not None:
        (main / ".env").write_text(dotenv)
    (main / ".gitignore").write_text("" if track_env else ".env\n")
    _git(main, "init", "-q", "-b", "main")
    _git(main, "add", "-A")
    _git(main, "commit", "-q", "-m", "i")
    _git(main, "worktree", "add", "-q", "-b", "b", str(tmp_path / "b"))
    if dotenv is not None and not track_env:
        (tmp_path / "b" / ".env").write_text(dotenv)
    return tmp_path / "b"


def _project(root: Path, env: dict[str, str] | None = None) -> Project:
    return Project(ProjectOptions(path=root, env=env or {}))


def _apply(edits: tuple[object, ...]) -> None:
    """The edits written as the fixer writes them: an appended line (old text "") or the whole new text."""
    for edit in edits:
        path, old, new = edit.path, edit.old, edit.new  # type: ignore[attr-defined]
        text = path.read_text() if path.exists() else ""
        path.write_text(text + new if old == "" else text.replace(old, new, 1))


Moved = tuple[tuple[object, ...], str, tuple[tuple[str, str], ...]]


def _move(project: Project, service: str, target: int, new: int) -> Moved:
    svc = project.services[service]
    mapping = next(m for m in svc.ports if m.target == target)
    return plan_file_edits(project, svc, mapping, new, None, f"{TRACKED}: publish ...")


def _exclude(root: Path) -> Path:
    return root.parent / "main" / ".git" / "info" / "exclude"


def test_tracked_override_and_env_write_the_ports_file_and_exclude_and_hand_back_the_export(tmp_path: Path) -> None:
    root = _worktree(tmp_path, "FASTAPI_ENV=development\n", track_env=True)
    edits, where, shell = _move(_project(root), "proxy", 8080, 20001)
    assert sorted({e.path for e in edits}) == sorted({root / portsfile.PORTS_FILE, _exclude(root)})  # type: ignore[attr-defined]
    assert shell == (("COMPOSE_FILE", "compose.yml:compose.override.yml:compose.ports.yaml"),)
    assert where.startswith("compose.ports.yaml ports !override")
    _apply(edits)
    # the interface and the other entry kept, the committed files untouched
    assert portsfile.read_plan(root / portsfile.PORTS_FILE) == {"proxy": ["80:80", "127.0.0.1:20001:8080"]}
    assert _exclude(root).read_text().splitlines()[-1] == "compose.ports.yaml"
    assert (root / "compose.override.yml").read_text() == OVERRIDE
    moved = _project(root, dict(shell))
    assert [m.published for m in moved.services["proxy"].ports] == ["80", "20001"]


def test_an_untracked_env_gets_compose_file_and_no_export_is_left(tmp_path: Path) -> None:
    root = _worktree(tmp_path, "FASTAPI_ENV=development\n", track_env=False)
    edits, where, shell = _move(_project(root), "db", 5432, 20002)
    assert shell == ()
    assert (root / ".env") in {e.path for e in edits}  # type: ignore[attr-defined]
    assert "COMPOSE_FILE=compose.yml:compose.override.yml:compose.ports.yaml in .env" in where
    _apply(edits)
    assert "COMPOSE_FILE=compose.yml:compose.override.yml:compose.ports.yaml" in (root / ".env").read_text()
    assert [m.published for m in _project(root).services["db"].ports] == ["20002"]


def test_a_second_run_without_the_export_reuses_the_planned_port_and_writes_nothing(tmp_path: Path) -> None:
    """fastapi's second `fix --ports` (COMPOSE_FILE not exported) moved the proxy again, 20000 -> 20200."""
    root = _worktree(tmp_path, "FASTAPI_ENV=development\n", track_env=True)
    _apply(_move(_project(root), "proxy", 80, 20000)[0])
    project = _project(root)  # compose reads the committed ports still
    mapping = next(m for m in project.services["proxy"].ports if m.target == 80)
    assert planned_port(project, "proxy", mapping) == 20000
    other = next(m for m in project.services["proxy"].ports if m.target == 8080)
    assert planned_port(project, "proxy", other) is None  # not planned: chosen anew
    edits, where, shell = _move(project, "proxy", 80, 20000)
    assert edits == ()
    assert where == ("compose.ports.yaml holds this worktree's ports; compose reads it once you export "
                     "COMPOSE_FILE=compose.yml:compose.override.yml:compose.ports.yaml")
    assert shell == (("COMPOSE_FILE", "compose.yml:compose.override.yml:compose.ports.yaml"),)
    read = _project(root, dict(shell))  # exported: compose reads the plan, nothing is planned anew
    assert planned_port(read, "proxy", next(m for m in read.services["proxy"].ports if m.target == 80)) is None


def test_doctor_ports_tells_the_pending_export_then_that_compose_reads_the_file(tmp_path: Path) -> None:
    root = _worktree(tmp_path, "A=1\n", track_env=True)
    project = _project(root)
    assert portsfile.plan_state(root, project.compose.files, {}) == ("", "")
    _apply(_move(project, "db", 5432, 20002)[0])
    value = "compose.yml:compose.override.yml:compose.ports.yaml"
    line, export = portsfile.plan_state(root, _project(root).compose.files, {})
    assert export == value and line.endswith(f"once you export COMPOSE_FILE={value}")
    line, export = portsfile.plan_state(root, _project(root, {"COMPOSE_FILE": value}).compose.files, {})
    assert export == "" and line.endswith("compose reads it")


def test_without_env_the_fix_creates_it_with_compose_file_and_git_ignores_both(tmp_path: Path) -> None:
    root = _worktree(tmp_path, None, track_env=True)  # no .env, and no ignore rule for one
    edits, _, shell = _move(_project(root), "db", 5432, 20002)
    assert shell == ()
    _apply(edits)
    assert (root / ".env").read_text().strip() == "COMPOSE_FILE=compose.yml:compose.override.yml:compose.ports.yaml"
    assert {"compose.ports.yaml", ".env"} <= set(_exclude(root).read_text().split())
    assert [m.published for m in _project(root).services["db"].ports] == ["20002"]


def _ports_map(root: Path, env: dict[str, str], as_json: bool) -> str:
    import io

    from doctor.portmap import PortsOptions, ports

    out = io.StringIO()
    ports(PortsOptions(path=root, as_json=as_json, env=env), out)
    return out.getvalue()


def test_doctor_ports_json_gives_each_checkout_s_ports_file_and_the_text_its_claim(tmp_path: Path) -> None:
    """The text's plan line is a field per checkout in --json; where the port registry (this user's state dir:
    sudo, another HOME) has no block but compose reads the file, the block shown is the file's ports, not 'none'."""
    import json

    root = _worktree(tmp_path, "A=1\n", track_env=True)
    _apply(_move(_project(root), "db", 5432, 20302)[0])
    _apply(_move(_project(root), "proxy", 80, 20300)[0])
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    env.pop("COMPOSE_FILE", None)
    value = "compose.yml:compose.override.yml:compose.ports.yaml"
    mine = next(c for c in json.loads(_ports_map(root, env, True))["checkouts"] if c["path"] == str(root))
    assert mine["block"] == "none"
    assert mine["ports_file"] == {"path": str(root / portsfile.PORTS_FILE), "read_by_compose": False,
                                  "export": f"COMPOSE_FILE={value}", "ports": [8090, 20300, 20302]}  # 8090 kept
    assert f"{root}  (worktree, project 'b', branch b, block none)" in _ports_map(root, env, False)
    env["COMPOSE_FILE"] = value  # exported: compose reads the file, its ports are the checkout's claim
    mine = next(c for c in json.loads(_ports_map(root, env, True))["checkouts"] if c["path"] == str(root))
    assert mine["ports_file"]["read_by_compose"] is True and mine["ports_file"]["export"] is None
    assert "block none remembered; compose.ports.yaml publishes 8090, 20300, 20302)" in _ports_map(root, env, False)
    main = next(c for c in json.loads(_ports_map(root, env, True))["checkouts"] if c["path"] != str(root))
    assert main["ports_file"] is None


def test_the_plan_s_export_in_this_worktree_s_shell_is_not_applied_to_the_other_checkouts(tmp_path: Path) -> None:
    """`export COMPOSE_FILE=...:compose.ports.yaml`, as the fix asked, in worktree b's shell: `doctor ports`
    there judged the main checkout with it too, which has no such file ("compose refuses it")."""
    import json

    root = _worktree(tmp_path, "A=1\n", track_env=True)
    _apply(_move(_project(root), "db", 5432, 20302)[0])
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"),
           "COMPOSE_FILE": "compose.yml:compose.override.yml:compose.ports.yaml"}
    found = {c["path"]: c for c in json.loads(_ports_map(root, env, True))["checkouts"]}
    main = found[str(tmp_path / "main")]
    assert "does not exist" not in json.dumps(main) and main["ports_file"] is None
    assert found[str(root)]["ports_file"]["read_by_compose"] is True
    text = _ports_map(root, env, False)
    assert "compose.ports.yaml', which does not exist" not in text
