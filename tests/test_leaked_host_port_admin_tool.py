"""leaked-host-port and a database admin UI on the project's `.env`: awesome-nest-boilerplate
(tests/replay/awesome-nest-boilerplate).

NarHakobyan/awesome-nest-boilerplate's README copies `.env.example` to `.env`, which `app`, `postgres`
and `pgadmin` (`dpage/pgadmin4`, `links: [postgres]`) all load; its `DB_HOST=127.0.0.1` is for the
API run on the host (compose sets the app's `DB_HOST: postgres`). doctor said "DB_HOST=127.0.0.1 is
'pgadmin' itself in its container (did you mean 'postgres'?): 'pgadmin' links to 'postgres'" and
offered to write DB_HOST into a new override for pgadmin, which reads PGADMIN_* and its servers.json,
never DB_HOST. Now an admin UI's published image, run as it comes, is not taken to read a key outside
its own settings; one that does read the key (Redis Commander's REDIS_HOST) and an app image doctor
cannot read (directus, on DB_HOST) are still reported.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "awesome-nest-boilerplate"
COMPOSE = "docker-compose.yml"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
CHECKS = ("leaked-host-port", "service-name-drift")
PGADMIN = "    image: dpage/pgadmin4\n"
REFUSED = "      meilisearch: {}\n"  # upstream's: compose wants a condition in the long form
REDIS_URL = "REDIS_URL=redis://localhost:6379\n"


def _nest(tmp_path: Path, *, loadable: bool = False, image: str | None = None, extra: str = "",
          redis: str | None = None) -> Path:
    """The replay as its README sets it up (`cp .env.example .env`); `loadable` gives upstream's refused
    depends_on its condition, `image` replaces pgadmin's, `extra` adds services, `redis` replaces the
    .env's REDIS_URL line."""
    root = tmp_path / "awesome-nest-boilerplate"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    env = (root / ".env.example").read_text()
    assert env.count(REDIS_URL) == 1
    (root / ".env").write_text(env if redis is None else env.replace(REDIS_URL, redis))
    compose = root / COMPOSE
    text = compose.read_text()
    assert text.count(PGADMIN) == 1 and text.count(REFUSED) == 1 and text.count("\nvolumes:\n") == 1
    if loadable:
        text = text.replace(REFUSED, "      meilisearch:\n        condition: service_started\n")
    if image is not None:
        text = text.replace(PGADMIN, f"    image: {image}\n")
    compose.write_text(text.replace("\nvolumes:\n", f"\n{extra}volumes:\n"))
    return root


def _found(root: Path) -> list[tuple[str, str, int | None]]:
    options = ProjectOptions(path=root, env={**ENV, "HOME": str(root)})
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.message, f.location.path.name if f.location else "", f.location.line if f.location else None)
            for f in report.findings]


def test_pgadmin_on_the_shared_env_dials_nothing_with_db_host(tmp_path: Path) -> None:
    assert _found(_nest(tmp_path / "a")) == []  # as cloned: compose-config's refusal aside
    assert _found(_nest(tmp_path / "b", loadable=True)) == []


def test_an_admin_ui_setting_db_host_in_its_environment_reads_it_no_more(tmp_path: Path) -> None:
    extra = "  adminer:\n    image: adminer\n    environment:\n      DB_HOST: localhost\n    depends_on: [postgres]\n"
    assert _found(_nest(tmp_path, loadable=True, extra=extra)) == []


def test_a_tool_reading_the_key_and_an_app_image_are_still_reported(tmp_path: Path) -> None:
    extra = ("  redis:\n    image: redis:7\n"
             "  redis-commander:\n    image: rediscommander/redis-commander\n    env_file: [.env]\n"
             "    links: [redis]\n")
    found = _found(_nest(tmp_path / "a", loadable=True, extra=extra, redis="REDIS_HOST=localhost\n"))
    assert [(m, f) for m, f, _ in found] == [
        ("REDIS_HOST=localhost is 'redis-commander' itself in its container (did you mean 'redis'?): "
         "'redis-commander' links to 'redis'", ".env")]
    # directus reads DB_HOST: an app image whose program doctor cannot read, linked to postgres
    found = _found(_nest(tmp_path / "b", loadable=True, image="directus/directus:11"))
    assert [(m, f, line) for m, f, line in found] == [
        ("DB_HOST=127.0.0.1 is 'pgadmin' itself in its container (did you mean 'postgres'?): "
         "'pgadmin' links to 'postgres'", ".env", 21)]
