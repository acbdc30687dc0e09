"""`fix --ports` and a site URL that writes no port: `http://localhost` is port 80.

A Laravel app on Sail (tests/replay/laravel-sail): sail's docker-compose.yml publishes the app on
`${APP_PORT:-80}:80`, and the `.env` laravel/laravel ships says `APP_URL=http://localhost`, the
site on port 80, from which Laravel builds every link. With port 80 held (another web server),
`fix --ports` set APP_PORT=8080 and left APP_URL at http://localhost, the other server's address;
APP_URL now follows to http://localhost:8080. A URL naming its port, one of the other scheme
(`https://localhost` is 443) and a host that only begins with localhost stay.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.checks.port_collision.fix import PortMove, port_fix
from portprobe import BusyHost

from doctor.project import Project, ProjectOptions

SAIL = Path(__file__).resolve().parent / "replay" / "laravel-sail"


def _sail_app(root: Path, env_lines: str = "") -> Project:
    """The app `sail:install` and `composer create-project` leave: the stub as docker-compose.yml
    (PHP 8.3, sail's default) and .env copied from .env.example."""
    root.mkdir()
    stub = (SAIL / "sail" / "stubs" / "docker-compose.stub").read_text()
    (root / "docker-compose.yml").write_text(stub.replace("{{PHP_VERSION}}", "8.3"))
    shutil.copyfile(SAIL / "laravel" / ".env.example", root / ".env")
    if env_lines:
        with (root / ".env").open("a") as env:
            env.write(env_lines)
    return Project(ProjectOptions(path=root, env={"HOME": str(root / "home"), "PATH": "/usr/bin:/bin"}))


def _move(project: Project, busy: int, service: str = "laravel.test") -> PortMove:
    ports = [p for p in project.services[service].ports if p.published == str(busy)]
    move = port_fix(project, BusyHost({busy}), service, ports[0], compose_version=(2, 40, 3))
    assert isinstance(move, PortMove), move
    return move


def test_sails_app_url_on_port_80_follows_the_moved_app_port(tmp_path: Path) -> None:
    project = _sail_app(tmp_path / "app")
    move = _move(project, 80)
    env = {e.line: (e.old, e.new) for e in move.edits if e.path.name == ".env" and e.line is not None}
    url = [(old, new) for old, new in env.values() if isinstance(old, str) and old.startswith("APP_URL=")]
    assert url == [("APP_URL=http://localhost", f"APP_URL=http://localhost:{move.new}")], move.edits
    assert f"APP_URL in .env follows to localhost:{move.new}" in move.title, move.title


def test_a_url_naming_a_port_or_the_other_scheme_stays_when_port_80_moves(tmp_path: Path) -> None:
    extra = ("ASSET_URL=https://localhost/assets\nMIX_URL=http://localhost:80/mix\n"
             "DOCS_URL=http://localhost.example.org\nOTHER_URL=http://localhost:8000\n")
    project = _sail_app(tmp_path / "app", extra)
    move = _move(project, 80)
    news = {e.new for e in move.edits if e.path.name == ".env" and isinstance(e.new, str)}
    assert f"MIX_URL=http://localhost:{move.new}/mix" in news, move.edits
    for kept in ("ASSET_URL", "DOCS_URL", "OTHER_URL"):
        assert not any(new.startswith(kept) for new in news), move.edits


def test_an_https_url_with_no_port_follows_a_moved_443_and_http_stays(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "compose.yaml").write_text(
        "services:\n  proxy:\n    image: caddy:2\n    ports:\n      - \"443:443\"\n"
        "  app:\n    image: python:3.13\n    environment:\n"
        "      SITE_URL: https://app.localhost/\n      PLAIN_URL: http://localhost\n")
    project = Project(ProjectOptions(path=root, env={"HOME": str(root / "home"), "PATH": "/usr/bin:/bin"}))
    move = _move(project, 443, "proxy")
    # set in the move's own override beside the ports (into_override), the compose file untouched
    news = "".join(e.new for e in move.edits if isinstance(e.new, str))
    assert f'SITE_URL: "https://app.localhost:{move.new}/"' in news, move.edits
    assert "PLAIN_URL" not in news, move.edits


def test_a_url_with_no_port_stays_when_another_port_moves(tmp_path: Path) -> None:
    project = _sail_app(tmp_path / "app")
    move = _move(project, 5173)
    assert not any(isinstance(e.old, str) and "APP_URL" in e.old for e in move.edits), move.edits
