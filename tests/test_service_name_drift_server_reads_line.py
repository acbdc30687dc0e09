"""service-name-drift's "did you mean" for a line the database server loads too: suitenumerique/people
(tests/replay/lasuite-people).

people's env.d/development/postgresql (copied from postgresql.dist by `make create-env-files`) configures
the 'postgresql' server (POSTGRES_DB=people, POSTGRES_USER=dinum) and gives the apps that load it beside
it DB_HOST=postgresql; a second postgres, 'kc_postgresql', holds Keycloak's database. With DB_HOST
mistyped, doctor asked the services loading the line for the peer meant in file order, 'postgresql'
first, which cannot mean itself and so named the one other postgres: `did you mean 'kc_postgresql'?`,
and `doctor fix` pointed the app at Keycloak's database. A server loading the line it would be dialed
by is now asked last, so the apps' answer, 'postgresql', wins.
"""

from __future__ import annotations

from pathlib import Path

from dial_checks import edit, fix_env, found, shown
from meet_replay import set_up

ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
POSTGRESQL = "env.d/development/postgresql"


def _people(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The replay as `make create-env-files` and `make data/media data/static` leave it."""
    root = set_up(tmp_path, "lasuite-people", "people")
    return root, {**ENV, "HOME": str(root)}


def test_a_mistyped_db_host_means_the_server_the_line_configures(tmp_path: Path) -> None:
    root, env = _people(tmp_path)
    edit(root / POSTGRESQL, "DB_HOST=postgresql\n", "DB_HOST=postgresserver\n")
    before = (root / POSTGRESQL).read_text()
    assert shown(root, found(root, env)) == [
        ("service-name-drift", POSTGRESQL, 7,
         "DB_HOST=postgresserver names no service on the network (did you mean 'postgresql'?)")]
    fix_env(root, env)
    assert shown(root, found(root, env)) == []
    assert (root / POSTGRESQL).read_text() == before.replace("DB_HOST=postgresserver\n", "DB_HOST=postgresql\n")

