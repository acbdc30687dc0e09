"""leaked-host-port: one localhost, one finding, where an env file builds its URL from a localhost line.

notiz-dev/nestjs-prisma-starter (tests/replay/nestjs-prisma-starter): `.env` (copied from .env.example, and
nest-api's env_file) writes `DB_HOST=localhost` on line 7 ("Nest run locally") and builds
`DATABASE_URL=postgresql://...@${DB_HOST}:${DB_PORT}/...` on line 14 from it. Before, with nest-api built
(its code read: prisma/schema.prisma reads DATABASE_URL) preflight reported .env:14 alone, and with
nest-api on an image (no code to read, so depending on postgres reports every localhost line) both .env:7
and .env:14: one fault, reported differently, twice in one setup. Now both setups report .env:7, the line
to change, naming the URL's line, with the URL's fix. A URL whose host is written out, or whose variable
is set to another host, stays where it is.
"""

from __future__ import annotations

from pathlib import Path

from test_leaked_host_port_code_defaults import _copy, _edit, _findings, _shown

MESSAGE = ("DB_HOST=localhost, which DATABASE_URL at line 14 is built from, is 'nest-api' itself in its container "
           "(did you mean 'postgres'?): 'nest-api' ")
FIX = ("set DATABASE_URL for 'nest-api' in a new dev override docker-compose.override.yml, with postgres:5432 in "
       "place of localhost:5432")
BUILD = "    build:\n      context: .\n      dockerfile: Dockerfile\n"


def _starter(tmp_path: Path, image: bool = False) -> Path:
    root = _copy("nestjs-prisma-starter", tmp_path / "p")
    (root / ".env").write_text((root / ".env.example").read_text())  # the README's `cp .env.example .env`
    if image:
        _edit(root / "docker-compose.yml", BUILD, "    image: nest-api:dev\n")
    return root


def test_built_one_finding_at_the_host_line(tmp_path: Path) -> None:
    found = _findings(_starter(tmp_path))
    assert _shown(found) == [(".env", 7, MESSAGE + "reads DATABASE_URL in prisma/schema.prisma")]
    assert found[0].fix is not None and found[0].fix.title == FIX


def test_on_an_image_the_same_one_finding(tmp_path: Path) -> None:
    found = _findings(_starter(tmp_path, image=True))
    assert _shown(found) == [(".env", 7, MESSAGE + "depends on 'postgres'")]
    assert found[0].fix is not None and found[0].fix.title == FIX


def test_a_url_written_out_stays_on_its_line(tmp_path: Path) -> None:
    root = _starter(tmp_path)
    _edit(root / ".env", "@${DB_HOST}:", "@localhost:")
    assert [(name, line) for name, line, _ in _shown(_findings(root))] == [(".env", 14)]


def test_the_docker_host_line_nothing(tmp_path: Path) -> None:
    root = _starter(tmp_path, image=True)
    _edit(root / ".env", "DB_HOST=localhost\n", "DB_HOST=postgres\n")
    assert _findings(root) == []
