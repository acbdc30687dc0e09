"""A Python app's literal address settings and its environment reads' defaults that name no service.

rafalp/Misago (tests/replay/misago, c7ffe0b, GPL-2.0) runs Django ('misago') and Celery ('celery-worker') on
one image binding `.:/app`; devproject/settings.py, the module manage.py and devproject/celery.py load, writes
`CELERY_BROKER_URL = "redis://redis:6379/0"` beside compose's `redis`. Written `"redis://redis-server:6379/0"`
(the name of a Redis run elsewhere), or `os.environ.get("REDIS_URL", "redis://redis-server:6379/0")` with
compose setting no REDIS_URL, doctor preflight said nothing, while both containers dial a name nothing
resolves: service-name-drift judged the settings' literals only in Django's DATABASES, CACHES and
CHANNEL_LAYERS entries and a Flask config class, never a module-level address setting nor a default, which
leaked-host-port already read for `localhost` (`redis://localhost:6379/0` was found). Now every held setting
leaked-host-port reads is judged as an env value of its name is, and one `doctor fix --yes` rewrites it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from replay_found import fixed_titles as _fix
from replay_found import found
from replay_found import host_options as _options

REPLAY = Path(__file__).resolve().parent / "replay" / "misago"
CHECKS = ("leaked-host-port", "service-name-drift")
SETTINGS = "devproject/settings.py"
UPSTREAM = 'CELERY_BROKER_URL = "redis://redis:6379/0"'


def _copy(tmp_path: Path, value: str | None = None) -> Path:
    """The replay copied; with `value`, CELERY_BROKER_URL written so."""
    root = tmp_path / "misago"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    if value is not None:
        path = root / SETTINGS
        text = path.read_text()
        assert UPSTREAM in text
        path.write_text(text.replace(UPSTREAM, f"CELERY_BROKER_URL = {value}"))
    return root


def _line(root: Path) -> int:
    return next(n for n, line in enumerate((root / SETTINGS).read_text().splitlines(), 1)
                if line.startswith("CELERY_BROKER_URL ="))


@pytest.mark.parametrize("value", [None, 'os.environ.get("REDIS_URL", "redis://redis:6379/0")'])
def test_as_cloned_and_with_the_service_in_a_default_it_is_clean(tmp_path: Path, value: str | None) -> None:
    assert found(_options(_copy(tmp_path, value)), CHECKS) == []


@pytest.mark.parametrize(("value", "key"), [
    ('"redis://redis-server:6379/0"', "CELERY_BROKER_URL"),
    ('os.environ.get("REDIS_URL", "redis://redis-server:6379/0")', "REDIS_URL"),
])
def test_a_name_no_service_has_is_found_and_fixed_in_one_run(tmp_path: Path, value: str, key: str) -> None:
    root = _copy(tmp_path, value)
    before = (root / SETTINGS).read_text()
    assert found(_options(root), CHECKS) == [
        (f"{key} host 'redis-server' names no service on the network (did you mean 'redis'?)", "settings.py",
         _line(root))]
    assert _fix(root) == ([f"replace 'redis-server' by 'redis' in {key}"], 1)
    assert (root / SETTINGS).read_text() == before.replace("redis-server", "redis")
    assert found(_options(root), CHECKS) == []
    assert _fix(root) == ([], 0)


def test_localhost_stays_leaked_host_port_s(tmp_path: Path) -> None:
    root = _copy(tmp_path, '"redis://localhost:6379/0"')
    assert [(message.split(" here,")[0], line) for message, _, line in found(_options(root), CHECKS)] == [
        ("CELERY_BROKER_URL is localhost:6379", _line(root))]


@pytest.mark.parametrize("written", [
    'SESSION_SERVER = "cookie"', 'WEBSOCKET_SERVER = "daphne"', 'TEST_BASE_URL = "http://testserver"',
    'TEST_BASE_URL = os.environ.get("TEST_BASE_URL", "http://testserver/")',
])
def test_a_module_setting_that_is_no_address_is_no_host(tmp_path: Path, written: str) -> None:
    """A review's finds: each gave `info ... names no service on the network` once every held setting was judged
    like an env value; a `*_SERVER` word names an engine there, and `testserver` is Django's test client's host."""
    root = _copy(tmp_path)
    path = root / SETTINGS
    path.write_text(path.read_text() + f"\n{written}\n")
    assert found(_options(root), CHECKS) == []


@pytest.mark.parametrize(("written", "message"), [
    ('CACHE_HOST = os.environ.get("CACHE_HOST", "redis-server")',
     "CACHE_HOST=redis-server names no service on the network (did you mean 'redis'?)"),
    ('SESSION_SERVER = "redis-server:6379"',
     "SESSION_SERVER=redis-server names no service on the network (did you mean 'redis'?)"),
])
def test_a_module_setting_that_is_an_address_is_still_judged(tmp_path: Path, written: str, message: str) -> None:
    root = _copy(tmp_path)
    path = root / SETTINGS
    path.write_text(path.read_text() + f"\n{written}\n")
    assert [m for m, _, _ in found(_options(root), CHECKS)] == [message]
