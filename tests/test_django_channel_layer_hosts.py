"""Django Channels' CHANNEL_LAYERS "hosts", read in the settings module a service runs.

polclota/django-daphne-redis-mysql-docker (tests/replay/django-daphne-redis-mysql, 62300b1, MIT) is the
Channels tutorial's chat in compose: 'daphne' runs `manage.py runserver` with mysite/settings.py, beside
'redis' and 'mysql'. Its channel layer's `"hosts"` is written as the tutorial writes it, `[("127.0.0.1",
6379)]` (Redis run on the host first), or as `("redis-server", 6379)` (a name no service has): doctor
preflight said nothing, while the app's websockets dial its own container or a name nothing resolves.
leaked-host-port and service-name-drift read DATABASES "HOST" and CACHES "LOCATION" literals, not a
channel layer's. Now each `(host, port)` pair, `redis://` URL or dict "address" of a layer's "hosts" is
judged as those are, found at its line and fixed by one `doctor fix --yes` in the literal's place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from replay_found import fixed_titles as _fix
from replay_found import found
from replay_found import host_options as _options

REPLAY = Path(__file__).resolve().parent / "replay" / "django-daphne-redis-mysql"
CHECKS = ("leaked-host-port", "service-name-drift")
SETTINGS = "mysite/settings.py"
UPSTREAM = '"hosts": [(os.getenv("MYSQL_HOST") or "localhost", 6379)],'


def _copy(tmp_path: Path, hosts: str | None = None) -> Path:
    """The replay copied; with `hosts`, the layer's "hosts" list written so."""
    root = tmp_path / "chat"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    if hosts is not None:
        path = root / SETTINGS
        text = path.read_text()
        assert UPSTREAM in text
        path.write_text(text.replace(UPSTREAM, f'"hosts": [{hosts}],'))
    return root


def _line(root: Path, text: str) -> int:
    return next(n for n, line in enumerate((root / SETTINGS).read_text().splitlines(), 1) if text in line)


def test_as_cloned_and_on_the_service_it_is_clean(tmp_path: Path) -> None:
    assert found(_options(_copy(tmp_path / "cloned")), CHECKS) == []
    assert found(_options(_copy(tmp_path / "redis", '("redis", 6379)')), CHECKS) == []
    assert found(_options(_copy(tmp_path / "url", '"redis://redis:6379/0"')), CHECKS) == []


@pytest.mark.parametrize(("hosts", "local", "written"), [
    ('("127.0.0.1", 6379)', "127.0.0.1:6379", '("redis", 6379)'),
    ('"redis://localhost:6379/0"', "localhost:6379", '"redis://redis:6379/0"'),
    ('{"address": ("localhost", 6379)}', "localhost:6379", '{"address": ("redis", 6379)}'),
])
def test_the_tutorials_loopback_is_found_and_fixed_in_one_run(tmp_path: Path, hosts: str, local: str,
                                                              written: str) -> None:
    root = _copy(tmp_path, hosts)
    before = (root / SETTINGS).read_text()
    line = _line(root, f'"hosts": [{hosts}]')
    assert found(_options(root), CHECKS) == [
        (f"CHANNEL_LAYERS[\"default\"][\"CONFIG\"][\"hosts\"][0] is {local} here, which is 'daphne' itself in its "
         "container (did you mean 'redis'?): 'daphne' runs this code", "settings.py", line)]
    titles, diffs = _fix(root)
    assert len(titles) == 1 and diffs == 1
    assert (root / SETTINGS).read_text() == before.replace(f'"hosts": [{hosts}]', f'"hosts": [{written}]')
    assert found(_options(root), CHECKS) == []
    assert _fix(root) == ([], 0)


def test_a_name_no_service_has_is_found_and_fixed_in_one_run(tmp_path: Path) -> None:
    root = _copy(tmp_path, '("redis-server", 6379)')
    before = (root / SETTINGS).read_text()
    line = _line(root, '("redis-server", 6379)')
    assert found(_options(root), CHECKS) == [
        ("CHANNEL_LAYERS[\"default\"][\"CONFIG\"][\"hosts\"][0]=redis-server names no service on the network (did "
         "you mean 'redis'?)", "settings.py", line)]
    assert _fix(root) == (["replace 'redis-server' by 'redis' in "
                           "CHANNEL_LAYERS[\"default\"][\"CONFIG\"][\"hosts\"][0]"], 1)
    assert (root / SETTINGS).read_text() == before.replace('("redis-server", 6379)', '("redis", 6379)')
    assert found(_options(root), CHECKS) == []
    assert _fix(root) == ([], 0)


def test_a_loopback_layer_with_no_redis_in_the_project_is_the_hosts(tmp_path: Path) -> None:
    root = _copy(tmp_path, '("127.0.0.1", 6379)')
    compose = root / "compose.yaml"
    text = compose.read_text()
    compose.write_text(text[:text.index("  redis:\n")])
    assert found(_options(root), CHECKS) == []


# later statements that rewrite the layer's hosts (5a006963's DATABASES rule, which b641e452's layers missed):
# before, 'CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0] is 127.0.0.1:6379 here...' and a fix of the dead literal
LAYER_REWRITES = {
    "hosts": 'CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [(os.environ.get("REDIS_HOST", "redis"), 6379)]\n',
    "alias": 'CHANNEL_LAYERS["default"] = {"BACKEND": "channels_redis.core.RedisChannelLayer", '
             '"CONFIG": {"hosts": [(os.environ.get("REDIS_HOST", "redis"), 6379)]}}\n',
    "config": 'CHANNEL_LAYERS["default"]["CONFIG"] = {"hosts": [os.environ.get("REDIS_URL", "redis://redis:6379")]}\n',
    "config-update": 'CHANNEL_LAYERS["default"]["CONFIG"].update({"hosts": [("redis", 6379)]})\n',
    "backend": 'CHANNEL_LAYERS["default"]["BACKEND"] = "channels.layers.InMemoryChannelLayer"\n',
}
# later statements that leave them: still the error, fixed in one run
LAYER_KEEPS = {
    "capacity": 'CHANNEL_LAYERS["default"]["CONFIG"]["capacity"] = 1500\n',
    "config-update-other": 'CHANNEL_LAYERS["default"]["CONFIG"].update({"expiry": 10})\n',
    "other-alias": 'CHANNEL_LAYERS["other"] = {"BACKEND": "channels_redis.core.RedisChannelLayer", '
                   '"CONFIG": {"hosts": [("redis", 6379)]}}\n',
}


def _later(tmp_path: Path, later: str) -> Path:
    root = _copy(tmp_path, '("127.0.0.1", 6379)')
    path = root / SETTINGS
    path.write_text(path.read_text().rstrip("\n") + "\n" + later)
    return root


@pytest.mark.parametrize("case", sorted(LAYER_REWRITES))
def test_a_later_write_of_the_layers_hosts_silences_the_literal(tmp_path: Path, case: str) -> None:
    root = _later(tmp_path, LAYER_REWRITES[case])
    before = (root / SETTINGS).read_text()
    assert found(_options(root), CHECKS) == []
    assert _fix(root) == ([], 0)
    assert (root / SETTINGS).read_text() == before


@pytest.mark.parametrize("case", sorted(LAYER_KEEPS))
def test_a_later_statement_leaving_the_layers_hosts_keeps_the_finding(tmp_path: Path, case: str) -> None:
    root = _later(tmp_path, LAYER_KEEPS[case])
    line = _line(root, '"hosts": [("127.0.0.1", 6379)]')
    assert found(_options(root), CHECKS) == [
        ("CHANNEL_LAYERS[\"default\"][\"CONFIG\"][\"hosts\"][0] is 127.0.0.1:6379 here, which is 'daphne' itself in "
         "its container (did you mean 'redis'?): 'daphne' runs this code", "settings.py", line)]
    assert _fix(root) == (
        ["write 'redis' in place of '127.0.0.1' in CHANNEL_LAYERS[\"default\"][\"CONFIG\"][\"hosts\"][0]"], 1)
    assert found(_options(root), CHECKS) == []
