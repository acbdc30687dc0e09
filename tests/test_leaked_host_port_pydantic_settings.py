"""leaked-host-port (8): a pydantic-settings field's localhost default, read in a container that runs the app.

fastapi/full-stack-fastapi-template (tests/replay/fastapi-template-0.11): `backend` runs `fastapi run`
(app/main.py, which imports app.core.config, where `settings = Settings()` is built); compose sets
POSTGRES_SERVER=db. A developer who gives the field a host default (`POSTGRES_SERVER: str = "localhost"`)
and drops compose's line has the backend dial its own container: before, no finding (no env value held
localhost). testdrivenio/fastapi-tdd-docker (tests/replay/fastapi-tdd-docker): `uvicorn app.main:app`,
whose app.api.ping builds config.py's Settings through get_settings(); a `redis_url: str =
"redis://localhost:6379/0"` field (or a Field with an alias, validation_alias, an env_prefix) beside a
redis service that compose gives no REDIS_URL. testdrivenio/fastapi-celery (tests/replay/fastapi-celery):
its worker built on a pydantic-settings module it imports.

Precision: both projects as cloned, a key compose sets (in any case, with the class's env_prefix) or the
.env the class loads in the container sets, a
class the module never builds, a page key (FRONTEND_HOST), and a module the app never imports say nothing.
"""

from __future__ import annotations

from pathlib import Path

from test_leaked_host_port_code_defaults import _copy, _edit, _findings, _shown

REDIS = "  redis:\n    image: redis:7\n\n"


def _template(tmp_path: Path, default: str = '    POSTGRES_SERVER: str = "localhost"\n') -> Path:
    root = _copy("fastapi-template-0.11", tmp_path / "p")
    _edit(root / "backend/app/core/config.py", "    POSTGRES_SERVER: str\n", default)
    _edit(root / "compose.yml", "      POSTGRES_SERVER: db\n", "")
    return root


def test_fastapi_template_as_cloned_nothing(tmp_path: Path) -> None:
    assert _findings(_copy("fastapi-template-0.11", tmp_path / "p")) == []


def test_fastapi_template_field_default_on_localhost(tmp_path: Path) -> None:
    found = _findings(_template(tmp_path))
    assert _shown(found) == [
        ("config.py", 30, "POSTGRES_SERVER defaults to localhost here, which is 'backend' itself in its container "
                          "(did you mean 'db'?): compose sets no POSTGRES_SERVER for 'backend', which runs this code")]
    assert found[0].location is not None and found[0].location.column == 28
    assert found[0].fix is not None and found[0].fix.title == (
        "set POSTGRES_SERVER=db for 'backend' in compose's environment, or make the default dial db:5432")


def test_fastapi_template_compose_sets_it_nothing(tmp_path: Path) -> None:
    root = _copy("fastapi-template-0.11", tmp_path / "p")
    _edit(root / "backend/app/core/config.py", "    POSTGRES_SERVER: str\n", '    POSTGRES_SERVER: str = "localhost"\n')
    assert _findings(root) == []


def _tdd(tmp_path: Path, fields: str, compose_env: str = "", config_head: str = "") -> Path:
    root = _copy("fastapi-tdd-docker", tmp_path / "p")
    _edit(root / "project/app/config.py", "    database_url: AnyUrl = None\n",
          "    database_url: AnyUrl = None\n" + fields)
    if config_head:
        _edit(root / "project/app/config.py", "class Settings(BaseSettings):\n",
              "class Settings(BaseSettings):\n" + config_head)
    _edit(root / "docker-compose.yml", "  web-db:\n", REDIS + "  web-db:\n")
    if compose_env:
        _edit(root / "docker-compose.yml", "      - TESTING=0\n", "      - TESTING=0\n" + compose_env)
    return root


def test_fastapi_tdd_as_cloned_nothing(tmp_path: Path) -> None:
    assert _findings(_copy("fastapi-tdd-docker", tmp_path / "p")) == []


def test_fastapi_tdd_field_default_reached_through_imports(tmp_path: Path) -> None:
    found = _findings(_tdd(tmp_path, '    redis_url: str = "redis://localhost:6379/0"\n'))
    assert _shown(found) == [
        ("config.py", 14, "REDIS_URL defaults to localhost:6379 here, which is 'web' itself in its container "
                          "(did you mean 'redis'?): compose sets no REDIS_URL for 'web', which runs this code")]
    assert found[0].fix is not None and found[0].fix.title == (
        "set REDIS_URL=redis://redis:6379/0 for 'web' in compose's environment, or make the default dial redis:6379")


def test_fastapi_tdd_field_spellings(tmp_path: Path) -> None:
    spellings = {
        '    cache: str = Field(default="redis://localhost:6379/0", alias="REDIS_URL")\n': "REDIS_URL",
        '    cache: str = Field("redis://localhost:6379/0", validation_alias="CACHE_REDIS")\n': "CACHE_REDIS",
        '    cache: str = Field(default="redis://localhost:6379/0", env="BROKER")\n': "BROKER",
    }
    for number, (field, key) in enumerate(spellings.items()):
        root = _tdd(tmp_path / str(number), field)
        _edit(root / "project/app/config.py", "from pydantic import AnyUrl\n", "from pydantic import AnyUrl, Field\n")
        assert [f.message.split(" ", 1)[0] for f in _findings(root)] == [key], field
    prefixed = _tdd(tmp_path / "prefix", '    redis_url: str = "redis://localhost:6379/0"\n',
                    config_head='    model_config = SettingsConfigDict(env_prefix="app_")\n')
    _edit(prefixed / "project/app/config.py", "import BaseSettings\n", "import BaseSettings, SettingsConfigDict\n")
    assert [f.message.split(" ", 1)[0] for f in _findings(prefixed)] == ["APP_REDIS_URL"]


def test_fastapi_tdd_set_or_unbuilt_nothing(tmp_path: Path) -> None:
    field = '    redis_url: str = "redis://localhost:6379/0"\n'
    assert _findings(_tdd(tmp_path / "a", field, "      - REDIS_URL=redis://redis:6379/0\n")) == []
    assert _findings(_tdd(tmp_path / "b", field, "      - redis_url=redis://redis:6379/0\n")) == []  # any case
    prefixed = _tdd(tmp_path / "c", field, "      - APP_REDIS_URL=redis://redis:6379/0\n",
                    '    model_config = SettingsConfigDict(env_prefix="APP_")\n')
    _edit(prefixed / "project/app/config.py", "import BaseSettings\n", "import BaseSettings, SettingsConfigDict\n")
    assert _findings(prefixed) == []
    unbuilt = _tdd(tmp_path / "d", field)
    _edit(unbuilt / "project/app/config.py", "    return Settings()\n", "    return BaseSettings()\n")
    assert _findings(unbuilt) == []
    aliases = _tdd(tmp_path / "e", '    cache: str = Field("redis://localhost:6379/0", '
                                   'validation_alias=AliasChoices("A", "B"))\n')
    assert _findings(aliases) == []
    loaded = _tdd(tmp_path / "f", field, config_head='    model_config = SettingsConfigDict(env_file=".env")\n')
    _edit(loaded / "project/app/config.py", "import BaseSettings\n", "import BaseSettings, SettingsConfigDict\n")
    (loaded / "project/.env").write_text("REDIS_URL=redis://redis:6379/0\n")  # the .env the class loads there
    assert _findings(loaded) == []


def test_fastapi_tdd_module_the_app_never_imports_nothing(tmp_path: Path) -> None:
    root = _copy("fastapi-tdd-docker", tmp_path / "p")
    (root / "project/app/unused.py").write_text(
        "from pydantic_settings import BaseSettings\n\n\nclass Other(BaseSettings):\n"
        '    redis_url: str = "redis://localhost:6379/0"\n\n\nother = Other()\n')
    _edit(root / "docker-compose.yml", "  web-db:\n", REDIS + "  web-db:\n")
    assert _findings(root) == []


def test_fastapi_celery_worker_on_settings_module(tmp_path: Path) -> None:
    root = _copy("fastapi-celery", tmp_path / "p")
    (root / "project/config.py").write_text(
        "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n"
        '    celery_broker_url: str = "redis://localhost:6379/0"\n\n\nsettings = Settings()\n')
    _edit(root / "project/worker.py", "from celery import Celery\n",
          "from celery import Celery\n\nfrom config import settings\n")
    text = (root / "docker-compose.yml").read_text()
    start = text.index("  worker:\n")
    text = text[:start] + text[start:].replace("      - CELERY_BROKER_URL=redis://redis:6379/0\n", "", 1)
    (root / "docker-compose.yml").write_text(text)
    _edit(root / "project/worker.py", 'os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379")',
          "settings.celery_broker_url")
    assert _shown(_findings(root)) == [
        ("config.py", 5, "CELERY_BROKER_URL defaults to localhost:6379 here, which is 'worker' itself in its "
                         "container (did you mean 'redis'?): compose sets no CELERY_BROKER_URL for 'worker', "
                         "which runs this code")]
