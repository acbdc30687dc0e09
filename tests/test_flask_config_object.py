"""A Flask app's config class, loaded by `app.config.from_object(os.getenv("APP_SETTINGS"))`.

mjhea0/flask-redis-queue (tests/replay/flask-redis-queue, f66a526, MIT) creates its app in
project/server/__init__.py, `app.config.from_object(app_settings)` after `app_settings =
os.getenv("APP_SETTINGS")`; compose gives 'web' (`python manage.py run`, a FlaskGroup) and the RQ
'worker' (`python manage.py run_worker`) `APP_SETTINGS=project.server.config.DevelopmentConfig`, whose
base class writes `REDIS_URL = "redis://redis:6379/0"`. Written `"redis://localhost:6379/0"` (Redis run
on the host first), `os.environ.get("REDIS_URL", "redis://localhost:6379/0")` or
`"redis://redis-server:6379/0"`, doctor preflight said nothing: no module the services run was read
(manage.py is no Django one, and a class body was never read), while both dial their own container or
a name nothing resolves. Now the config class the app loads, with its bases, is read as a settings
module is; `flask run` with FLASK_APP starts the app as gunicorn does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from replay_found import fixed_titles as _fix
from replay_found import found
from replay_found import host_options as _options

REPLAY = Path(__file__).resolve().parent / "replay" / "flask-redis-queue"
CHECKS = ("leaked-host-port", "service-name-drift")
CONFIG = "project/server/config.py"
UPSTREAM = 'REDIS_URL = "redis://redis:6379/0"'


def _copy(tmp_path: Path, value: str | None = None) -> Path:
    """The replay copied; with `value`, BaseConfig's REDIS_URL written so."""
    root = tmp_path / "flask-redis-queue"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    if value is not None:
        path = root / CONFIG
        text = path.read_text()
        assert UPSTREAM in text
        path.write_text(text.replace(UPSTREAM, f"REDIS_URL = {value}"))
    return root


def _line(root: Path) -> int:
    return next(n for n, line in enumerate((root / CONFIG).read_text().splitlines(), 1) if "REDIS_URL =" in line)


def test_as_cloned_it_is_clean(tmp_path: Path) -> None:
    assert found(_options(_copy(tmp_path)), CHECKS) == []


def test_a_literal_on_localhost_is_found_and_fixed_in_one_run(tmp_path: Path) -> None:
    root = _copy(tmp_path, '"redis://localhost:6379/0"')
    before = (root / CONFIG).read_text()
    assert found(_options(root), CHECKS) == [
        ("REDIS_URL is localhost:6379 here, which is each container itself in 'web' and 'worker' (did you mean "
         "'redis'?): 'web', 'worker' run this code", "config.py", _line(root))]
    assert _fix(root) == (["write 'redis://redis:6379/0' in place of 'redis://localhost:6379/0' in REDIS_URL"], 1)
    assert (root / CONFIG).read_text() == before.replace("redis://localhost:6379/0", "redis://redis:6379/0")
    assert found(_options(root), CHECKS) == []
    assert _fix(root) == ([], 0)


def test_a_default_on_localhost_is_found(tmp_path: Path) -> None:
    root = _copy(tmp_path, 'os.environ.get("REDIS_URL", "redis://localhost:6379/0")')
    assert found(_options(root), CHECKS) == [
        ("REDIS_URL defaults to localhost:6379 here, which is each container itself in 'web' and 'worker' (did you "
         "mean 'redis'?): compose sets no REDIS_URL for 'web', 'worker', which run this code", "config.py",
         _line(root))]


def test_a_name_no_service_has_is_found_and_fixed_in_one_run(tmp_path: Path) -> None:
    root = _copy(tmp_path, '"redis://redis-server:6379/0"')
    before = (root / CONFIG).read_text()
    assert found(_options(root), CHECKS) == [
        ("REDIS_URL host 'redis-server' names no service on the network (did you mean 'redis'?)", "config.py",
         _line(root))]
    assert _fix(root) == (["replace 'redis-server' by 'redis' in REDIS_URL"], 1)
    assert (root / CONFIG).read_text() == before.replace("redis-server", "redis")
    assert found(_options(root), CHECKS) == []
    assert _fix(root) == ([], 0)


@pytest.mark.parametrize("unset", [False, True], ids=["testing-config", "no-app-settings"])
def test_a_class_the_services_do_not_load_is_not_read(tmp_path: Path, unset: bool) -> None:
    """TestingConfig's own REDIS_URL (the services load DevelopmentConfig), or, with no APP_SETTINGS at all,
    BaseConfig's localhost: no class is loaded."""
    root = _copy(tmp_path)
    path = root / CONFIG
    path.write_text(path.read_text().replace("    TESTING = True\n",
                                             '    TESTING = True\n    REDIS_URL = "redis://localhost:6379/1"\n'))
    compose = root / "docker-compose.yml"
    if unset:
        compose.write_text(compose.read_text().replace(
            "      - APP_SETTINGS=project.server.config.DevelopmentConfig\n", ""))
        path.write_text(path.read_text().replace(UPSTREAM, 'REDIS_URL = "redis://localhost:6379/0"'))
    assert found(_options(root), CHECKS) == []


def test_flask_run_loads_the_app_named_by_flask_app(tmp_path: Path) -> None:
    root = _copy(tmp_path, '"redis://localhost:6379/0"')
    compose = root / "docker-compose.yml"
    text = compose.read_text()
    compose.write_text(text.replace("command: python manage.py run -h 0.0.0.0", "command: flask run --host 0.0.0.0")
                       .replace("      - FLASK_DEBUG=1\n",
                                "      - FLASK_DEBUG=1\n      - FLASK_APP=project.server:create_app\n", 1))
    worker = compose.read_text()
    compose.write_text(worker.replace("command: python manage.py run_worker", "command: rq worker --url redis://redis"))
    assert found(_options(root), CHECKS) == [
        ("REDIS_URL is localhost:6379 here, which is 'web' itself in its container (did you mean 'redis'?): 'web' "
         "runs this code", "config.py", _line(root))]


INIT = "project/server/__init__.py"
LOADED = "    app.config.from_object(app_settings)\n"
# what the app does after from_object, and the variable compose gives both services: before, each still said
# 'REDIS_URL is localhost:6379 here...' at config.py and fix rewrote the class's dead literal
OVERRIDES = {
    "env-over-class": ('    app.config["REDIS_URL"] = os.environ.get("REDIS_URL", app.config["REDIS_URL"])\n',
                       "REDIS_URL"),
    "literal": '    app.config["REDIS_URL"] = "redis://redis:6379/0"\n',
    "update": '    app.config.update(REDIS_URL=os.environ["REDIS_URL"])\n',
    "update-dict": '    app.config.update({"REDIS_URL": os.getenv("REDIS_URL")})\n',
    "from-mapping": '    app.config.from_mapping(REDIS_URL="redis://redis:6379/0")\n',
    "prefixed-env": ("    app.config.from_prefixed_env()\n", "FLASK_REDIS_URL"),
    "prefixed-env-prefix": ('    app.config.from_prefixed_env(prefix="APP")\n', "APP_REDIS_URL"),
}
# the same statements where they replace nothing in the service: the class's literal holds, the error stays
OVERRIDES_IDLE = {
    "env-over-class-unset": '    app.config["REDIS_URL"] = os.environ.get("REDIS_URL", app.config["REDIS_URL"])\n',
    "prefixed-env-unset": "    app.config.from_prefixed_env()\n",
    "other-key": '    app.config["QUEUES"] = ["default", "high"]\n',
    "before-from-object": None,
}


def _overridden(tmp_path: Path, written: str | None, variable: str | None) -> Path:
    root = _copy(tmp_path, '"redis://localhost:6379/0"')
    init = root / INIT
    text = init.read_text()
    assert LOADED in text
    if written is None:  # written before from_object: the class replaces it
        written = '    app.config["REDIS_URL"] = "redis://redis:6379/0"\n'
        init.write_text(text.replace(LOADED, written + LOADED))
    else:
        init.write_text(text.replace(LOADED, LOADED + written))
    if variable is not None:
        compose = root / "docker-compose.yml"
        compose.write_text(compose.read_text().replace(
            "      - APP_SETTINGS=", f"      - {variable}=redis://redis:6379/0\n      - APP_SETTINGS="))
    return root


@pytest.mark.parametrize("case", sorted(OVERRIDES))
def test_a_write_after_from_object_replaces_the_class_value(tmp_path: Path, case: str) -> None:
    spec = OVERRIDES[case]
    written, variable = spec if isinstance(spec, tuple) else (spec, "REDIS_URL")
    root = _overridden(tmp_path, written, variable)
    before = (root / CONFIG).read_text()
    assert found(_options(root), CHECKS) == []
    assert _fix(root) == ([], 0)
    assert (root / CONFIG).read_text() == before


@pytest.mark.parametrize("case", sorted(OVERRIDES_IDLE))
def test_a_write_that_replaces_nothing_keeps_the_finding(tmp_path: Path, case: str) -> None:
    root = _overridden(tmp_path, OVERRIDES_IDLE[case], None)
    before = (root / CONFIG).read_text()
    assert found(_options(root), CHECKS) == [
        ("REDIS_URL is localhost:6379 here, which is each container itself in 'web' and 'worker' (did you mean "
         "'redis'?): 'web', 'worker' run this code", "config.py", _line(root))]
    assert _fix(root) == (["write 'redis://redis:6379/0' in place of 'redis://localhost:6379/0' in REDIS_URL"], 1)
    assert (root / CONFIG).read_text() == before.replace("redis://localhost:6379/0", "redis://redis:6379/0")
    assert found(_options(root), CHECKS) == []
