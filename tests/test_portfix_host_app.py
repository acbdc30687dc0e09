"""`fix --ports` and a host app's own `.env`, and a site address an env_file builds from a variable.

Trial K1, litestar-fullstack (compose in `tools/deploy/docker`, reading `.env.docker`): with 8000 held,
the fix said `change 8000 to 8001 by hand in APP_URL in .../.env:6, ALLOWED_CORS_ORIGINS in .../.env:32,
GOOGLE_REDIRECT_URI in .../.env:54`: the root `.env` is the host app's own config (`cp .env.local.example
.env`, then `app run`; it sets `LITESTAR_PORT=8000`), its addresses its own. Meanwhile the APP_URL the
container gets, `.env.docker:6` `APP_URL=http://localhost:${LITESTAR_PORT}`, was named without a line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.port_collision.fix import PortMove, port_fix
from doctor.checks.port_collision.host_app import own_port_key
from doctor.checks.port_collision.interpolated import interpolated_edit
from portprobe import BusyHost

from doctor.project import Project, ProjectOptions


def _project(tmp_path: Path, files: dict[str, str], path: str = "docker") -> Project:
    root = tmp_path / "p"
    for name, text in {".gitignore": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return Project(ProjectOptions(path=root / path, env={"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}))


def _move(project: Project, service: str = "app", old: int = 28123) -> PortMove:
    move = port_fix(project, BusyHost({old}), service, project.services[service].ports[0], compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == old + 1, move
    return move


APP = "services:\n  app:\n    image: nginx\n    ports:\n      - \"{ports}\"\n    env_file: app.env\n"


def _repro(tmp_path: Path, root_env: str, ports: str = "28123:8000", app_env: str = "") -> Project:
    return _project(tmp_path, {".env": root_env, "docker/compose.yaml": APP.format(ports=ports),
                               "docker/app.env": app_env or "APP_URL=http://localhost:${APP_PORT:-28123}\n"})


def test_a_host_app_s_own_env_is_not_named_and_the_env_file_s_site_address_follows(tmp_path: Path) -> None:
    move = _move(_repro(tmp_path, "APP_URL=http://localhost:28123\nLITESTAR_PORT=28123\n"))
    assert [(e.path.name, e.new) for e in move.edits if e.path.name != "compose.override.yaml"] == [
        ("app.env", "APP_URL=http://localhost:28124")], move.edits
    assert "APP_URL follows to localhost:28124" in move.title, move.title
    assert "by hand" not in move.title, move.title
    assert "../.env:2 sets LITESTAR_PORT=28123, a host app's own port: its localhost:28123 values stay" in move.title


@pytest.mark.parametrize("other", ["", "DATABASE_PORT=28123\n", "EMAIL_SMTP_PORT=28123\n", "LITESTAR_PORT=8000\n"])
def test_without_a_host_app_s_own_port_the_root_env_is_named_as_before(tmp_path: Path, other: str) -> None:
    move = _move(_repro(tmp_path, f"APP_URL=http://localhost:28123\n{other}"))
    assert "(then, by hand: change 28123 to 28124 in APP_URL in ../.env:1 (a program on the host dials it)" \
        in move.title, move.title
    assert "a host app's own port" not in move.title, move.title


def test_a_port_compose_s_own_env_sets_is_no_host_app_s(tmp_path: Path) -> None:
    """compose's `.env` setting SERVER_PORT: its SITE_URL is the stack's address, and follows."""
    compose = APP.format(ports="28123:8000").replace("    env_file: app.env\n", "")
    project = _project(tmp_path, {".env": "SERVER_PORT=28123\nSITE_URL=http://localhost:28123\n",
                                  "compose.yaml": compose}, path="")
    move = _move(project)
    assert (".env", "SITE_URL=http://localhost:28124") in [(e.path.name, e.new) for e in move.edits], move.edits
    assert "a host app's own port" not in move.title, move.title


def test_the_same_port_inside_the_reference_after_localhost_becomes_the_new_port(tmp_path: Path) -> None:
    """litestar-fullstack's `.env.docker`: LITESTAR_PORT is where the app listens, and stays."""
    app_env = "LITESTAR_PORT=28123\nAPP_URL=http://localhost:${LITESTAR_PORT}\nLOG_URL=http://127.0.0.1:$LITESTAR_PORT\n"
    move = _move(_repro(tmp_path, "", ports="28123:28123", app_env=app_env))
    assert [(e.path.name, e.line, e.new) for e in move.edits if e.path.name == "app.env"] == [
        ("app.env", 2, "APP_URL=http://localhost:28124")], move.edits
    # not a site key: named, with the line it is written on
    assert ("app.env:3 LOG_URL=http://127.0.0.1:28123 still names the old port: set it to localhost:28124"
            in move.title), move.title


def test_a_reference_the_move_rewrites_follows_through_it(tmp_path: Path) -> None:
    project = _repro(tmp_path, "", ports="${APP_PORT}:8000")
    (tmp_path / "p" / "docker" / ".env").write_text("APP_PORT=28123\n")
    move = _move(Project(project.options))
    assert [(e.path.name, e.new) for e in move.edits] == [(".env", "APP_PORT=28124")], move.edits


@pytest.mark.parametrize(("raw", "value", "edited"), [
    ("http://localhost:${P}", "http://localhost:9000", None),            # another port
    ("http://localhost:${P}/${Q}", "http://localhost:28123/x", "http://localhost:28124/${Q}"),
    ("http://${H}:${P}", "http://localhost:28123", None),                # the host is a variable too
    ("http://localhost:28123", "http://localhost:28123", None),           # nothing interpolated
    ("http://notlocalhost:${P}", "http://notlocalhost:28123", None),
])
def test_interpolated_edit(tmp_path: Path, raw: str, value: str, edited: str | None) -> None:
    from doctor.model import Location
    from doctor.project.types import EnvSource, EnvVar

    path = tmp_path / "app.env"
    path.write_text(f"URL={raw}\n")
    project = Project(ProjectOptions(path=tmp_path, env={"HOME": str(tmp_path / "home")}))
    var = EnvVar("URL", value, Location(path, 1), EnvSource.ENV_FILE, raw)
    edit = interpolated_edit(project, var, 28123, 28124, frozenset())
    assert (edit.new if edit is not None else None) == (f"URL={edited}" if edited else None), edit


@pytest.mark.parametrize(("key", "own"), [
    ("PORT", True), ("LITESTAR_PORT", True), ("APP_PORT", True), ("SERVER_PORT", True), ("UVICORN_PORT", True),
    ("DJANGO_PORT", True), ("VITE_PORT", True), ("DATABASE_PORT", False), ("EMAIL_SMTP_PORT", False),
    ("REDIS_PORT", False), ("API_PORT", False), ("DB_SERVER_PORT", False), ("SUPPORT", False), ("PORTS", False),
])
def test_own_port_key(key: str, own: bool) -> None:
    assert own_port_key(key) is own
