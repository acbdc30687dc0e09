"""leaked-host-port (8) in a Django app uWSGI starts: healthchecks (tests/replay/healthchecks-uwsgi).

'web' runs `uwsgi /opt/healthchecks/docker/uwsgi.ini`, whose `module = hc.wsgi:application` loads
hc/wsgi.py, whose `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hc.settings")` names the settings.
With `os.getenv("DB_HOST", "localhost")` in hc/settings.py and DB_HOST left out of docker/.env, the app
dials its own container; before, uwsgi was no app starter doctor knew, and preflight passed. gunicorn's
`hc.wsgi` now reads the same default. Precision: as cloned (.env sets DB_HOST=db), DJANGO_SETTINGS_MODULE
naming another module, and an ini loading another module say nothing.
"""

from __future__ import annotations

from pathlib import Path

from test_leaked_host_port_code_defaults import _copy, _edit, _findings, _shown

DEFAULT = ('"HOST": os.getenv("DB_HOST", ""),', '"HOST": os.getenv("DB_HOST", "localhost"),')
MESSAGE = ("DB_HOST defaults to localhost here, which is 'web' itself in its container (did you mean 'db'?): "
           "compose sets no DB_HOST for 'web', which runs this code")


def _healthchecks(tmp_path: Path, db_host: bool = False) -> Path:
    root = _copy("healthchecks-uwsgi", tmp_path / "p")
    lines = (root / "docker/.env.example").read_text().splitlines(keepends=True)
    (root / "docker/.env").write_text("".join(line for line in lines if db_host or not line.startswith("DB_HOST=")))
    _edit(root / "hc/settings.py", *DEFAULT)
    return root


def _found(root: Path) -> list[tuple[str, int | None, str]]:
    return _shown(_findings(root / "docker", "docker-compose.yml"))


def test_as_cloned_nothing(tmp_path: Path) -> None:
    root = _copy("healthchecks-uwsgi", tmp_path / "p")
    (root / "docker/.env").write_text((root / "docker/.env.example").read_text())
    assert _found(root) == []


def test_uwsgi_ini_module_loads_the_settings_default(tmp_path: Path) -> None:
    assert _found(_healthchecks(tmp_path)) == [("settings.py", 224, MESSAGE)]


def test_gunicorn_wsgi_module_too(tmp_path: Path) -> None:
    root = _healthchecks(tmp_path)
    _edit(root / "docker/docker-compose.yml", "uwsgi /opt/healthchecks/docker/uwsgi.ini",
          "gunicorn hc.wsgi --bind 0.0.0.0:8000")
    assert _found(root) == [("settings.py", 224, MESSAGE)]


def test_set_or_another_module_nothing(tmp_path: Path) -> None:
    assert _found(_healthchecks(tmp_path / "a", db_host=True)) == []
    other = _healthchecks(tmp_path / "b")
    (other / "docker/.env").write_text((other / "docker/.env").read_text() + "DJANGO_SETTINGS_MODULE=hc.prod\n")
    assert _found(other) == []
    ini = _healthchecks(tmp_path / "c")
    _edit(ini / "docker/uwsgi.ini", "module = hc.wsgi:application", "module = other.wsgi:application")
    assert _found(ini) == []
