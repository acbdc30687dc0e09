"""The python-dotenv view: load_dotenv calls read with ast, what the app then sees, where files come from."""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.project.appenv import app_view, dotenv_calls, dotenv_effects
from doctor.project.codepaths import CodeMap, CodePath, DockerIgnore, read_dockerignore
from doctor.project.types import EnvSource, EnvVar, Service


@pytest.mark.parametrize(("source", "candidates"), [
    ("load_dotenv()", (("find",),)),
    ("load_dotenv(find_dotenv())", (("find",),)),
    ("load_dotenv('.env.local', override=True)", (("cwd", ".env.local"),)),
    ("BASE_DIR = Path(__file__).resolve().parent.parent\nload_dotenv(BASE_DIR / '.env')",
     (("file", 2, ".env"),)),
    ("BASE = os.path.dirname(os.path.abspath(__file__))\nload_dotenv(os.path.join(BASE, 'x', '.env'))",
     (("file", 1, "x", ".env"),)),
    ("load_dotenv(dotenv_path=Path(__file__).parents[1] / '.env')", (("file", 2, ".env"),)),
    ("for p in [os.getenv('X'), '../app.conf', '/etc/app.conf']:\n    if p:\n        load_dotenv(p)",
     # `os.getenv('X')` unset is None (("none",)): the loop's `if p:` skips it, no file
     (("env", "X", (("none",),), ()), ("cwd", "../app.conf"), ("abs", "/etc/app.conf"))),
    ("load_dotenv(os.environ.get('APP_CONF', '/etc/app.conf'), override=True)",
     (("env", "APP_CONF", (("abs", "/etc/app.conf"),), ()),)),
    ("load_dotenv(Path(os.environ['CONF_DIR']) / 'app.env')", (("env", "CONF_DIR", (), (("join", "app.env"),)),)),
    ("BASE = Path(__file__).parent\nfor name in ('.env', '.env.local'):\n    load_dotenv(BASE / name)",
     (("file", 1, ".env"), ("file", 1, ".env.local"))),
    ("load_dotenv(some_function())", ()),
])
def test_calls_are_read_with_their_paths(tmp_path: Path, source: str, candidates: tuple[object, ...]) -> None:
    (tmp_path / "settings.py").write_text(f"import os\nfrom pathlib import Path\n{source}\n")
    (call,) = dotenv_calls([tmp_path])
    assert call.candidates == candidates
    assert call.override == ("override=True" in source)


def test_the_app_view_is_python_dotenvs(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("HOST=localhost\nURL=redis://${HOST}:6379\nONLY_HERE=1\nSET=file\n")
    compose = {"HOST": "redis", "SET": "compose"}
    assert list(app_view(env, compose, override=False)) == [("URL", "redis://redis:6379", 2), ("ONLY_HERE", "1", 3)]
    assert dict((k, v) for k, v, _ in app_view(env, compose, override=True)) == {
        "HOST": "localhost", "URL": "redis://localhost:6379", "ONLY_HERE": "1", "SET": "file"}


def test_a_mount_hides_the_image_and_dockerignore_keeps_files_out(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / ".env").write_text("A=1\n")
    (tmp_path / "src" / ".env").write_text("A=2\n")
    (tmp_path / ".dockerignore").write_text("**/.env\n!src/.env\n")
    ignore = read_dockerignore(tmp_path, tmp_path / "Dockerfile")
    assert ignore.excludes(".env") and not ignore.excludes("src/.env")
    codes = CodeMap((), (CodePath(tmp_path, "/app", "copy"),), tmp_path, ignore)
    assert codes.to_host("/app/.env") is None
    assert codes.to_host("/app/src/.env") == (tmp_path / "src" / ".env", codes.copies[0])
    live = CodeMap((CodePath(tmp_path / "src", "/app/src", "bind"),), codes.copies, tmp_path, DockerIgnore(None))
    assert live.to_container(tmp_path / "src" / "x.py") == "/app/src/x.py"
    assert live.to_host("/app/src/.env") == (tmp_path / "src" / ".env", live.live[0])


@pytest.mark.parametrize(("loop", "every"), [
    ("for p in ['a.env', 'b.env']:\n    if os.path.exists(p):\n        load_dotenv(p)\n        break", False),
    ("for p in ['a.env', 'b.env']:\n    load_dotenv(p)", True),
    ("for p in ['a.env', 'b.env']:\n    for q in range(3):\n        break\n    load_dotenv(p)", True),
    ("load_dotenv('a.env')", False),
])
def test_a_loop_without_break_loads_every_candidate(tmp_path: Path, loop: str, every: bool) -> None:
    (tmp_path / "settings.py").write_text(f"import os\n{loop}\n")
    (call,) = dotenv_calls([tmp_path])
    assert call.every is every


def _service(environment: dict[str, str]) -> Service:
    variables = {k: EnvVar(k, v, None, EnvSource.ENVIRONMENT) for k, v in environment.items()}
    return Service("web", None, environment=variables)


def test_candidates_follow_compose_environment_then_default_first_existing_wins(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "dev.conf").write_text("REDIS_URL=redis://localhost:6379\n")
    (tmp_path / "conf" / "default.conf").write_text("REDIS_URL=redis://fallback:6379\n")
    (tmp_path / "settings.py").write_text(
        "import os\nfor path in [os.getenv('APP_CONF'), os.environ.get('X', '/app/conf/default.conf')]:\n"
        "    if path and os.path.exists(path):\n        load_dotenv(path, override=True)\n        break\n")
    calls = dotenv_calls([tmp_path])
    codes = CodeMap((CodePath(tmp_path, "/app", "bind"),), (), None, DockerIgnore(None))
    compose = {"REDIS_URL": "redis://redis:6379"}
    web = list(dotenv_effects(_service({**compose, "APP_CONF": "/app/conf/dev.conf"}), calls, codes, "/app"))
    assert [(e.key, e.app_value, e.env_location.path.name) for e in web] == [
        ("REDIS_URL", "redis://localhost:6379", "dev.conf")]
    worker = list(dotenv_effects(_service(compose), calls, codes, "/app"))  # no APP_CONF: the default
    assert [(e.app_value, e.env_location.path.name) for e in worker] == [("redis://fallback:6379", "default.conf")]
    empty = list(dotenv_effects(_service({**compose, "APP_CONF": "", "X": "/nowhere"}), calls, codes, "/app"))
    assert empty == []


def test_every_file_of_a_loop_applies_in_order(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("A=1\nB=1\n")
    (tmp_path / ".env.local").write_text("A=2\n")
    (tmp_path / "settings.py").write_text(
        "from pathlib import Path\nfor name in ['.env', '.env.local']:\n"
        "    load_dotenv(Path(__file__).parent / name, override=OVERRIDE)\n")
    codes = CodeMap((CodePath(tmp_path, "/app", "bind"),), (), None, DockerIgnore(None))
    for override, a in (("True", "2"), ("False", "1")):
        (tmp_path / "settings.py").write_text((tmp_path / "settings.py").read_text().replace("OVERRIDE", override))
        calls = dotenv_calls([tmp_path])
        effects = dotenv_effects(_service({}), calls, codes, None)
        found = {e.key: (e.app_value, e.env_location.path.name) for e in effects}
        assert found == {"A": (a, ".env.local" if a == "2" else ".env"), "B": ("1", ".env")}
        (tmp_path / "settings.py").write_text((tmp_path / "settings.py").read_text().replace(override, "OVERRIDE"))


def test_a_relative_path_is_read_from_the_folder_of_manage_py(tmp_path: Path) -> None:
    """paperless-ngx: src/manage.py runs src/paperless/settings/__init__.py (no src/paperless/__init__.py)."""
    settings = tmp_path / "src" / "paperless" / "settings"
    settings.mkdir(parents=True)
    (settings / "__init__.py").write_text("for path in ['../app.conf']:\n    load_dotenv(path, override=True)\n")
    (tmp_path / "src" / "manage.py").write_text("")
    (tmp_path / "app.conf").write_text("A=1\n")
    codes = CodeMap((CodePath(tmp_path, "/repo", "bind"),), (), None, DockerIgnore(None))
    (effect,) = dotenv_effects(_service({"A": "0"}), dotenv_calls([tmp_path]), codes, "/elsewhere")
    assert (effect.app_value, effect.env_location.path) == ("1", tmp_path / "app.conf")


@pytest.mark.parametrize(("source", "candidates", "override"), [
    # django-environ: read_env(env_file=None, overwrite=False): no path is the .env beside the caller
    ("env = environ.Env()\nenv.read_env()", (("file", 1, ".env"),), False),
    ("BASE_DIR = Path(__file__).resolve().parent.parent\nenviron.Env.read_env(os.path.join(BASE_DIR, '.env'),"
     " overwrite=True)", (("file", 2, ".env"),), True),
    ("BASE_DIR = Path(__file__).resolve().parent.parent\nenv.read_env(str(BASE_DIR / '.env'), True)",
     (("file", 2, ".env"),), True),
    ("environ.Env.read_env(env_file='.env')", (("cwd", ".env"),), False),
])
def test_django_environ_read_env_is_read_like_load_dotenv(tmp_path: Path, source: str,
                                                         candidates: tuple[object, ...], override: bool) -> None:
    (tmp_path / "settings.py").write_text(f"import os\nfrom pathlib import Path\nimport environ\n{source}\n")
    (call,) = dotenv_calls([tmp_path])
    assert (call.candidates, call.override, call.loader) == (candidates, override, "read_env")


@pytest.mark.parametrize(("source", "candidates", "keys"), [
    ("class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_file='.env', extra='ignore')\n"
     "    REDIS_URL: str = 'redis://redis:6379'\n    debug: bool = False\n",
     (("cwd", ".env"),), ("REDIS_URL", "DEBUG")),
    ("class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix='APP_', env_file='../.env')\n"
     "    redis_url: str\n", (("cwd", "../.env"),), ("APP_REDIS_URL",)),
    ("class Settings(BaseSettings):\n    redis_url: str\n\n    class Config:\n        env_file = '.env'\n",
     (("cwd", ".env"),), ("REDIS_URL",)),
    ("class Settings(BaseSettings):\n    model_config = {'env_file': ('.env', '.env.local')}\n    a: int = 1\n",
     (("cwd", ".env.local"), ("cwd", ".env")), ("A",)),  # the last file wins: read first
])
def test_pydantic_settings_env_file_fills_only_its_fields(
        tmp_path: Path, source: str, candidates: tuple[object, ...], keys: tuple[str, ...]) -> None:
    (tmp_path / "config.py").write_text(f"from pydantic_settings import BaseSettings, SettingsConfigDict\n{source}")
    (call,) = dotenv_calls([tmp_path])
    assert (call.candidates, call.override, call.keys, call.loader) == (candidates, False, keys, "env_file")
    assert call.every is (len(candidates) > 1)


def test_pydantic_settings_sees_only_declared_fields_and_never_beats_compose(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("REDIS_URL=redis://localhost:6379\nOTHER=1\nDATABASE_URL=postgres://localhost/x\n")
    (tmp_path / "config.py").write_text(
        "from pydantic_settings import BaseSettings, SettingsConfigDict\n\nclass Settings(BaseSettings):\n"
        "    model_config = SettingsConfigDict(env_file='.env')\n    redis_url: str\n    database_url: str\n")
    codes = CodeMap((CodePath(tmp_path, "/app", "bind"),), (), None, DockerIgnore(None))
    effects = dotenv_effects(_service({"DATABASE_URL": "postgres://db/x"}), dotenv_calls([tmp_path]), codes, "/app")
    assert [(e.key, e.app_value, e.compose_value) for e in effects] == [("REDIS_URL", "redis://localhost:6379", None)]


@pytest.mark.parametrize(("source", "candidates", "override"), [
    # environs: read_env(path=None, recurse=True, verbose=False, override=False) walks up like find_dotenv
    ("from environs import Env\nenv = Env()\nenv.read_env()", (("find",),), False),
    ("from environs import Env\nenv = Env()\nenv.read_env('.env.dev', override=True)", (("cwd", ".env.dev"),), True),
    ("import environs\nenv = environs.Env()\nenv.read_env(None, True, False, True)", (("find",),), True),
])
def test_environs_read_env_is_told_apart_from_django_environ(tmp_path: Path, source: str,
                                                            candidates: tuple[object, ...], override: bool) -> None:
    (tmp_path / "settings.py").write_text(f"{source}\n")
    (call,) = dotenv_calls([tmp_path])
    assert (call.candidates, call.override) == (candidates, override)


def test_python_decouple_config_fills_only_the_keys_it_asks_for(tmp_path: Path) -> None:
    """decouple's config("KEY") reads os.environ first, else the .env found from the caller's
    folder upwards: a fill-in, and only for the keys the module asks for."""
    (tmp_path / ".env").write_text("REDIS_URL=redis://localhost:6379\nOTHER=1\nDATABASE_URL=postgres://localhost/x\n")
    (tmp_path / "settings.py").write_text(
        "from decouple import config, Csv\n\nREDIS_URL = config('REDIS_URL')\n"
        "DATABASE_URL = config('DATABASE_URL', default='sqlite://')\nHOSTS = config('HOSTS', cast=Csv())\n")
    (call,) = dotenv_calls([tmp_path])
    assert (call.candidates, call.override, call.loader, call.location.line) == ((("find",),), False, "decouple", 1)
    assert call.keys == ("REDIS_URL", "DATABASE_URL", "HOSTS")
    codes = CodeMap((CodePath(tmp_path, "/app", "bind"),), (), None, DockerIgnore(None))
    effects = dotenv_effects(_service({"DATABASE_URL": "postgres://db/x"}), [call], codes, "/app")
    assert [(e.key, e.app_value) for e in effects] == [("REDIS_URL", "redis://localhost:6379")]


@pytest.mark.parametrize(("rules", "path", "excluded"), [
    ("tools\n", "tools/win-setup.sh", True),
    # a later exception sends a file of an ignored folder, as moby's MatchesOrParentMatches does
    ("tools\n!tools/keep.sh\n", "tools/keep.sh", False),
    ("tools\n!tools/keep.sh\n", "tools/other.sh", True),
    ("*.env\n!prod.env\n", "prod.env", False),
    ("**/*.sh\n", "a/b/c.sh", True),
    # character classes and escapes, as Go's filepath.Match reads them
    ("tools/[ab]*.sh\n", "tools/a1.sh", True),
    ("tools/[ab]*.sh\n", "tools/c1.sh", False),
    ("tools/[!a]*.sh\n", "tools/a1.sh", False),
    ("tools/[!a]*.sh\n", "tools/b1.sh", True),
    ("star\\*\n", "star*", True),
    ("star\\*\n", "starx", False),
])
def test_dockerignore_rules_as_docker_reads_them(tmp_path: Path, rules: str, path: str, excluded: bool) -> None:
    (tmp_path / ".dockerignore").write_text(rules)
    assert read_dockerignore(tmp_path, tmp_path / "Dockerfile").excludes(path) is excluded


@pytest.mark.parametrize(("value", "runs"), [(None, False), ("True", True), ("yes", True), ("0", False),
                                             ("false", False)])
def test_an_env_bool_flag_guards_read_env_as_django_environ_parses_it(tmp_path: Path, value: str | None,
                                                                     runs: bool) -> None:
    """cookiecutter-django: `READ_DOT_ENV_FILE = env.bool("DJANGO_READ_DOT_ENV_FILE", default=False)`, then
    `if READ_DOT_ENV_FILE: env.read_env(...)`; the builtin `bool(x)` still reads its argument."""
    from doctor.project.appenv import guard_holds

    (tmp_path / "base.py").write_text(
        "import environ\nenv = environ.Env()\n"
        'READ_DOT_ENV_FILE = env.bool("DJANGO_READ_DOT_ENV_FILE", default=False)\n'
        "if READ_DOT_ENV_FILE:\n    env.read_env('.env')\n"
        'if bool(os.environ.get("OTHER")):\n    env.read_env(".env.other")\n')
    first, second = dotenv_calls([tmp_path])
    environ = {} if value is None else {"DJANGO_READ_DOT_ENV_FILE": value}
    assert guard_holds(first.guard, environ) is runs
    assert guard_holds(second.guard, {"OTHER": "1"}) is True and guard_holds(second.guard, {}) is False
