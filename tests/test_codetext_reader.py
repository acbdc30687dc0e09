"""doctor.project.codetext: which file a message cites as a variable's reader.

pypi/warehouse: leaked-host-port said "'web' reads REDIS_URL in tests/unit/test_config.py", where
warehouse/config.py:388 is the app's reader; a test naming a variable says less of what the app
reads than its own code. A test stays the answer when nothing else names it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.project.codetext import CodeText


@pytest.mark.parametrize("where", ["project", "tests/project"])
def test_the_apps_own_file_is_cited_before_a_test(tmp_path: Path, where: str) -> None:
    tmp_path = tmp_path / where  # a checkout kept under a folder named tests is no test
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    (tmp_path / "tests" / "unit" / "test_config.py").write_text("settings['REDIS_URL'] = 'x'\n")
    (tmp_path / "warehouse").mkdir()
    (tmp_path / "warehouse" / "config.py").write_text("maybe_set(settings, 'redis.url', 'REDIS_URL')\n")
    assert CodeText().reader_of("REDIS_URL", [tmp_path]) == str(tmp_path / "warehouse" / "config.py")


def test_a_test_is_cited_when_nothing_else_names_it(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "web.py").write_text("print('hello')\n")
    (tmp_path / "app" / "web.spec.ts").write_text("process.env.API_URL\n")
    assert CodeText().reader_of("API_URL", [tmp_path]) == str(tmp_path / "app" / "web.spec.ts")
    assert CodeText().reader_of("NOWHERE", [tmp_path]) is None


@pytest.mark.parametrize(("settings", "reads"), [
    ('CACHE_HOST = "cache"\n', False),  # a constant of that name reads no variable
    ('import os\nCACHE_HOST = os.environ.get("REDIS_URL")\n', False),  # nor one read under another key
    ('import os\nCACHE_HOST = os.environ.get("CACHE_HOST", "cache")\n', True),
    ("class Settings(BaseSettings):\n    CACHE_HOST: str = 'cache'\n", True),  # pydantic-settings' field
    ('import os\nif CACHE_HOST == "x":\n    pass\nCACHE_HOST = env("CACHE_HOST")\n', True),
])
def test_a_python_line_that_only_binds_the_name_reads_no_variable(tmp_path: Path, settings: str, reads: bool) -> None:
    """A new user's check of the trial fixes: `CACHE_HOST = "cache"` in settings.py made leaked-host-port
    say "'web' reads CACHE_HOST in app/settings.py" (and an env_file's localhost an error) though the
    app never reads that variable."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "settings.py").write_text(settings)
    found = CodeText().reader_of("CACHE_HOST", [tmp_path])
    assert (found == str(tmp_path / "app" / "settings.py")) is reads, found


@pytest.mark.parametrize(("name", "settings", "reads"), [
    ("DATABASE_URL", 'import environ\nenv = environ.Env()\nDATABASES = {"default": env.db()}\n', True),
    ("DATABASE_URL", 'import environ\nenv = environ.Env()\nDATABASES = {"default": env.db_url(\n'
                     '    default="sqlite:///db.sqlite3")}\n', True),
    ("DATABASE_URL", 'from environ import Env\nDB = Env().db(default=os.path.join(BASE, "x"))\n', True),
    ("DATABASE_URL", 'import environ\nenv = environ.Env()\nDB = env.db("OTHER_DATABASE_URL")\n', False),
    ("DATABASE_URL", 'import environ\nenv = environ.Env()\nDB = env.db(var="OTHER_DATABASE_URL")\n', False),
    ("DATABASE_URL", 'DB = client.db()\n', False),  # no django-environ: some other `.db()`
    ("DATABASE_URL", 'import dj_database_url\nDATABASES = {"default": dj_database_url.config(conn_max_age=600)}\n',
     True),
    ("DATABASE_URL", 'import dj_database_url\nDB = dj_database_url.config(env="PRIMARY_URL")\n', False),
    ("DATABASE_URL", 'import dj_database_url\nDB = dj_database_url.config("PRIMARY_URL")\n', False),
    ("CACHE_URL", 'import environ\nenv = environ.Env()\nCACHES = {"default": env.cache()}\n', True),
    ("CACHE_URL", 'import environ\nenv = environ.Env()\nCACHES = {"default": env.cache_url()}\n', True),
    ("CACHE_URL", 'import environ\nenv = environ.Env()\nCACHES = {"default": env.cache("REDIS_URL")}\n', False),
    ("EMAIL_URL", 'import environ\nenv = environ.Env()\nvars().update(env.email())\n', True),
    ("EMAIL_URL", 'import environ\nenv = environ.Env()\nvars().update(env.email_url())\n', True),
    ("EMAIL_URL", 'import dj_email_url\nvars().update(dj_email_url.config())\n', True),
    ("SEARCH_URL", 'import environ\nenv = environ.Env()\nHAYSTACK = {"default": env.search_url()}\n', True),
    ("CACHE_URL", 'import environ\nenv = environ.Env()\nDATABASES = {"default": env.db()}\n', False),
    # django-configurations (openfun/joanie): a Configuration's setting reads DJANGO_<SETTING>, unless it names its own
    ("DJANGO_EMAIL_HOST", 'from configurations import Configuration, values\n\nclass Base(Configuration):\n'
                          '    EMAIL_HOST = values.Value(None)\n', True),
    ("DJANGO_EMAIL_HOST", 'from configurations import Configuration, values\n\nclass Base(Configuration):\n'
                          '    EMAIL_HOST = values.Value(None, environ_prefix=None)\n', False),
    ("DJANGO_EMAIL_HOST", 'from configurations import values\nclass Base:\n    EMAIL_HOSTS = values.Value(None)\n',
     False),
    ("DJANGO_EMAIL_HOST", 'import values\nclass Base:\n    EMAIL_HOST = values.Value(None)\n', False),
])
def test_a_call_reading_the_variable_by_its_default_name_reads_it(tmp_path: Path, name: str, settings: str,
                                                                   reads: bool) -> None:
    """A new user's trial on ChiefOnboarding: its settings read DATABASE_URL through django-environ's
    `env.db()`, the key written nowhere, and leaked-host-port missed `.env`'s 127.0.0.1 database."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "settings.py").write_text(settings)
    found = CodeText().reader_of(name, [tmp_path])
    assert (found == str(tmp_path / "app" / "settings.py")) is reads, found


def test_an_implicit_read_counts_in_python_files_only(tmp_path: Path) -> None:
    (tmp_path / "app.rb").write_text("require 'environ'\nimport environ\nDB = env.db()\n")
    assert CodeText().reader_of("DATABASE_URL", [tmp_path]) is None


def test_a_rails_config_yml_read_through_erb_is_a_reader_and_plain_yaml_is_not(tmp_path: Path) -> None:
    """nickjj/docker-rails-example's config/database.yml: `port: "<%= ENV.fetch('POSTGRES_PORT') { 5432 } %>"`
    is how the Rails app reads POSTGRES_PORT; a compose or CI YAML file naming a variable reads nothing."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "database.yml").write_text(
        "default: &default\n  port: \"<%= ENV.fetch('POSTGRES_PORT') { 5432 } %>\"\n")
    (tmp_path / "config" / "deploy.yml").write_text("env:\n  clear:\n    - REDIS_URL\n")
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    environment:\n      - POSTGRES_HOST\n")
    reader = CodeText()
    assert reader.reader_of("POSTGRES_PORT", [tmp_path]) == str(tmp_path / "config" / "database.yml")
    assert reader.reader_of("REDIS_URL", [tmp_path]) is None
    assert reader.reader_of("POSTGRES_HOST", [tmp_path]) is None


def test_yaml_data_below_config_is_not_walked(tmp_path: Path) -> None:
    """A Rails app's config/locales/** (hundreds of YAML files, some past 100 KB) is no config the app reads its
    environment through: walked, it was read in full and filled MAX_FILES before lib/'s code (review of 4a19ce2,
    which took every folder under config/ for Symfony's config/packages/)."""
    from doctor.project import codetext

    locales = tmp_path / "config" / "locales"
    locales.mkdir(parents=True)
    for n in range(codetext.MAX_FILES + 1):
        (locales / f"x{n:05}.yml").write_text("en:\n  hi: <%= ENV['NOWHERE'] %>\n")
    (tmp_path / "config" / "database.yml").write_text("host: <%= ENV.fetch('DB_HOST') { 'db' } %>\n")
    (tmp_path / "config" / "packages" / "dev").mkdir(parents=True)
    (tmp_path / "config" / "packages" / "dev" / "cache.yaml").write_text("dsn: '%env(REDIS_URL)%'\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "mailer.rb").write_text("ENV.fetch('SMTP_HOST')\n")
    text = CodeText()
    assert text.reader_of("SMTP_HOST", [tmp_path]) == str(tmp_path / "lib" / "mailer.rb")
    assert text.reader_of("DB_HOST", [tmp_path]) == str(tmp_path / "config" / "database.yml")
    assert text.reader_of("REDIS_URL", [tmp_path]) == str(tmp_path / "config" / "packages" / "dev" / "cache.yaml")
    assert not any("locales" in str(path) for path, _ in text.files(tmp_path))
