"""Django's DATABASES "HOST" and CACHES "LOCATION" literals, read in the settings module a service runs.

wsvincent/djangox (tests/replay/djangox, 56aa62e, MIT) keeps in django_project/settings.py a commented postgres
`DATABASES` to uncomment for Docker, `"HOST": "db"` for its compose's postgres service `db`. Uncommented with
`"HOST": "localhost"` (the database run on the host first) or `"HOST": "postgres"` (the image's name), doctor
preflight said nothing: leaked-host-port and service-name-drift read environment defaults
(`os.environ.get("X", "db")`), single-value settings and pydantic fields, not an entry of a settings dict. Now
each is found at its line, and one `doctor fix --yes` writes `db` in the literal's place, nothing else of the
file changed; a second preflight is clean and a second fix changes nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from replay_found import fixed_titles as _fix
from replay_found import found
from replay_found import host_options as _options

REPLAY = Path(__file__).resolve().parent / "replay" / "djangox"
CHECKS = ("leaked-host-port", "service-name-drift")
SETTINGS = "django_project/settings.py"
REDIS = """\
  redis:
    image: redis:7
volumes:
"""
CACHES = """
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://localhost:6379/1",
    }
}
"""


def _copy(tmp_path: Path, host: str | None = None) -> Path:
    """The replay copied; with `host`, its Docker DATABASES block uncommented, "HOST" written `host`."""
    root = tmp_path / "djangox"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    if host is not None:
        path = root / SETTINGS
        text = path.read_text()
        start = text.index("# DATABASES = {")
        end = text.index("# }\n", start) + len("# }\n")
        block = "".join(line[2:] if line.startswith("# ") else line[1:]
                        for line in text[start:end].splitlines(keepends=True))
        path.write_text(text[:start] + block.replace('"HOST": "db"', f'"HOST": "{host}"') + text[end:])
    return root


def _line(root: Path, text: str) -> int:
    return next(n for n, line in enumerate((root / SETTINGS).read_text().splitlines(), 1) if text in line)


def test_as_cloned_and_uncommented_as_written_it_is_clean(tmp_path: Path) -> None:
    assert found(_options(_copy(tmp_path / "cloned")), CHECKS) == []
    assert found(_options(_copy(tmp_path / "db", "db")), CHECKS) == []


def test_host_localhost_is_found_and_fixed_in_one_run(tmp_path: Path) -> None:
    root = _copy(tmp_path, "localhost")
    before = (root / SETTINGS).read_text()
    line = _line(root, '"HOST": "localhost"')
    assert found(_options(root), CHECKS) == [
        ("DATABASES[\"default\"][\"HOST\"] is localhost:5432 here, which is 'web' itself in its container (did you "
         "mean 'db'?): 'web' runs this code", "settings.py", line)]
    assert _fix(root) == (["write 'db' in place of 'localhost' in DATABASES[\"default\"][\"HOST\"]"], 1)
    assert (root / SETTINGS).read_text() == before.replace('"HOST": "localhost"', '"HOST": "db"')
    assert found(_options(root), CHECKS) == []
    assert _fix(root) == ([], 0)


def test_host_postgres_is_found_and_fixed_in_one_run(tmp_path: Path) -> None:
    root = _copy(tmp_path, "postgres")
    before = (root / SETTINGS).read_text()
    line = _line(root, '"HOST": "postgres"')
    assert found(_options(root), CHECKS) == [
        ("DATABASES[\"default\"][\"HOST\"]=postgres names no service on the network (did you mean 'db'?)",
         "settings.py", line)]
    assert _fix(root) == (["replace 'postgres' by 'db' in DATABASES[\"default\"][\"HOST\"]"], 1)
    # "NAME", "USER" and "PASSWORD" say postgres too: only the host's line changes
    assert (root / SETTINGS).read_text() == before.replace('"HOST": "postgres"', '"HOST": "db"')
    assert found(_options(root), CHECKS) == []
    assert _fix(root) == ([], 0)


def test_caches_location_on_localhost_is_found_where_a_redis_service_listens(tmp_path: Path) -> None:
    root = _copy(tmp_path / "alone", "db")
    (root / SETTINGS).write_text((root / SETTINGS).read_text() + CACHES)
    assert found(_options(root), CHECKS) == []  # no redis in the project: a cache of the host's, maybe
    root = _copy(tmp_path / "redis", "db")
    (root / SETTINGS).write_text((root / SETTINGS).read_text() + CACHES)
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("\nvolumes:\n", "\n" + REDIS))
    line = _line(root, '"LOCATION": "redis://localhost:6379/1"')
    assert found(_options(root), CHECKS) == [
        ("CACHES[\"default\"][\"LOCATION\"] is localhost:6379 here, which is 'web' itself in its container (did you "
         "mean 'redis'?): 'web' runs this code", "settings.py", line)]
    assert _fix(root)[0] == ["write 'redis://redis:6379/1' in place of 'redis://localhost:6379/1' in "
                             "CACHES[\"default\"][\"LOCATION\"]"]
    assert found(_options(root), CHECKS) == []


HEROKU = """
import dj_database_url
db_from_env = dj_database_url.config(conn_max_age=500)
DATABASES["default"].update(db_from_env)
"""
# a later statement that writes the alias's address: the literal no longer holds (Heroku's dj_database_url template)
LATER_WRITES = {
    "heroku-default": '\nimport dj_database_url\nDATABASES["default"].update(dj_database_url.config(\n'
                      '    default="postgres://postgres:postgres@db:5432/postgres", conn_max_age=500))\n',
    "subscript-env": '\nimport os\nDATABASES["default"]["HOST"] = os.environ.get("DB_HOST", "db")\n',
    "subscript-literal": '\nDATABASES["default"]["HOST"] = "db"\n',
    "subscript-port": '\nDATABASES["default"]["PORT"] = 5433\n',
    "alias-replaced": '\nimport dj_database_url\nDATABASES["default"] = dj_database_url.config(\n'
                      '    default="postgres://postgres:postgres@db:5432/postgres")\n',
    "update-literal": '\nimport os\nDATABASES["default"].update({"HOST": os.environ.get("DB_HOST", "db")})\n',
    "update-keyword": '\nDATABASES["default"].update(HOST="db")\n',
    "dict-update": '\nimport dj_database_url\nDATABASES.update(default=dj_database_url.config())\n',
    "any-alias": '\nfor alias in DATABASES:\n    pass\nDATABASES[alias]["HOST"] = "db"\n',
    "star-imported-later": None,  # docker.py: `from .settings import *`, then the subscript
}
# later statements that leave the alias's host as written: still reported
LATER_KEEPS = {
    "other-field": '\nDATABASES["default"]["NAME"] = "app"\n',
    "test-sub-dict": '\nDATABASES["default"]["TEST"] = {"HOST": "db"}\n',
    "other-alias": '\nDATABASES["replica"] = {"ENGINE": "django.db.backends.postgresql", "HOST": "db"}\n',
    "update-other-fields": '\nDATABASES["default"].update({"CONN_MAX_AGE": 500})\n',
    "setdefault": '\nDATABASES["default"].setdefault("HOST", "db")\n',
    # dj_database_url.config() with no default= gives {} where its variable is unset: "HOST" stays "localhost"
    "heroku-update": HEROKU,
    "heroku-update-inline": '\nimport dj_database_url\nDATABASES["default"].update(dj_database_url.config())\n',
    "heroku-update-env": '\nimport dj_database_url as dburl\n'
                         'DATABASES["default"].update(dburl.config(env="APP_DATABASE_URL", conn_max_age=500))\n',
    "earlier-write": None,  # the subscript before the dict: the dict replaces it
}


def _later(tmp_path: Path, host: str, case: str, later: str | None) -> Path:
    root = _copy(tmp_path, host)
    path = root / SETTINGS
    if case == "star-imported-later":  # the service runs docker.py, which star-imports settings.py
        (root / "django_project" / "docker.py").write_text('from .settings import *  # noqa\n\n'
                                                           'DATABASES["default"]["HOST"] = "db"\n')
        compose = root / "docker-compose.yml"
        compose.write_text(compose.read_text().replace(
            "    depends_on:",
            "    environment:\n      - DJANGO_SETTINGS_MODULE=django_project.docker\n    depends_on:"))
    elif case == "earlier-write":
        text = path.read_text()
        at = text.index("# For Docker/PostgreSQL")
        path.write_text(text[:at] + 'DATABASES["default"]["HOST"] = "db"\n\n' + text[at:])
    else:
        path.write_text(path.read_text() + str(later))
    return root


@pytest.mark.parametrize("case", sorted(LATER_WRITES))
def test_a_later_write_of_the_alias_address_silences_the_literal(tmp_path: Path, case: str) -> None:
    """Before: 'DATABASES["default"]["HOST"] is localhost:5432 here, which is 'web' itself ...' (and
    '...=postgres names no service'), and doctor fix --yes rewrote the host-run literal; now neither check speaks
    and a fix changes nothing."""
    for host in ("localhost", "postgres"):
        root = _later(tmp_path / host, host, case, LATER_WRITES[case])
        before = (root / SETTINGS).read_text()
        assert found(_options(root), CHECKS) == []
        assert _fix(root) == ([], 0)
        assert (root / SETTINGS).read_text() == before


def test_heroku_template_with_database_url_in_compose_is_clean_and_fix_leaves_it(tmp_path: Path) -> None:
    """The reviewer's case: Heroku's template, compose giving 'web' DATABASE_URL on 'db'."""
    root = _later(tmp_path, "localhost", "heroku-update", HEROKU)
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text().replace(
        "    depends_on:", "    environment:\n      - DATABASE_URL=postgres://postgres:postgres@db:5432/postgres\n"
        "    depends_on:"))
    before = (root / SETTINGS).read_text()
    assert found(_options(root), CHECKS) == []
    assert _fix(root) == ([], 0)
    assert (root / SETTINGS).read_text() == before


@pytest.mark.parametrize(("case", "where", "variable"), [
    ("heroku-update", "compose", "DATABASE_URL"), ("heroku-update", "image", "DATABASE_URL"),
    ("heroku-update-inline", "compose", "DATABASE_URL"), ("heroku-update-env", "compose", "APP_DATABASE_URL"),
    ("heroku-update-env", "image", "APP_DATABASE_URL")])
def test_the_heroku_update_silences_the_literal_where_its_variable_is_set(tmp_path: Path, case: str, where: str,
                                                                          variable: str) -> None:
    """Before 5a006963's review: clean whether or not anything set DATABASE_URL; now clean only where compose or
    the image sets the variable dj_database_url.config() reads (set empty, config() gives {}: still the error)."""
    url = "postgres://postgres:postgres@db:5432/postgres"
    for value, error in ((url, False), ("", True)):
        root = _later(tmp_path / f"{bool(value)}", "localhost", case, LATER_KEEPS[case])
        if where == "compose":
            compose = root / "docker-compose.yml"
            compose.write_text(compose.read_text().replace(
                "    depends_on:", f"    environment:\n      - {variable}={value}\n    depends_on:"))
        else:
            dockerfile = root / "Dockerfile"
            dockerfile.write_text(dockerfile.read_text() + f'\nENV {variable}="{value}"\n')
        before = (root / SETTINGS).read_text()
        assert (found(_options(root), CHECKS) != []) is error
        if not error:
            assert _fix(root) == ([], 0)
            assert (root / SETTINGS).read_text() == before


@pytest.mark.parametrize("case", sorted(LATER_KEEPS))
def test_a_later_statement_leaving_the_host_keeps_the_finding(tmp_path: Path, case: str) -> None:
    root = _later(tmp_path, "localhost", case, LATER_KEEPS[case])
    line = _line(root, '"HOST": "localhost"')
    assert found(_options(root), CHECKS) == [
        ("DATABASES[\"default\"][\"HOST\"] is localhost:5432 here, which is 'web' itself in its container (did you "
         "mean 'db'?): 'web' runs this code", "settings.py", line)]
    assert _fix(root)[0] == ["write 'db' in place of 'localhost' in DATABASES[\"default\"][\"HOST\"]"]
    assert found(_options(root), CHECKS) == []
