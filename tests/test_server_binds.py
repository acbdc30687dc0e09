"""server_binds: the words a server typed by hand (or in a Makefile) needs to listen where a published port
reaches it in a container, and the config files read to tell (read as regular files of at most 256 KiB)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from doctor.project.server_binds import reachable


def test_a_fifo_named_config_puma_rb_is_not_read(tmp_path: Path) -> None:
    """A FIFO named config/puma.rb hung `doctor exec -- bin/rails server` in its open()."""
    (tmp_path / "config").mkdir()
    os.mkfifo(tmp_path / "config" / "puma.rb")
    (tmp_path / "Gemfile").write_text("gem 'rails'\n")
    found: list[list[str]] = []
    reader = threading.Thread(target=lambda: found.append(reachable(["bin/rails", "server"], tmp_path)), daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():  # unblock the thread's open() before failing
        with open(tmp_path / "config" / "puma.rb", "w"):
            pass
        pytest.fail("reading a FIFO named config/puma.rb hung")
    assert found == [["bin/rails", "server", "-b", "0.0.0.0"]]


def test_a_vite_config_linked_to_dev_zero_is_not_read(tmp_path: Path) -> None:
    """A vite.config.ts symlinked to /dev/zero ended in MemoryError."""
    (tmp_path / "vite.config.ts").symlink_to("/dev/zero")
    assert reachable(["vite"], tmp_path) == ["vite", "--host"]


@pytest.mark.parametrize(("words", "told"), [
    (["python", "manage.py", "runserver"], ["python", "manage.py", "runserver", "0.0.0.0:8000"]),
    (["python", "manage.py", "runserver", "8001"], ["python", "manage.py", "runserver", "0.0.0.0:8001"]),
    # `-v 2` is the verbosity, not port 2: Django rejected `runserver -v 0.0.0.0:2`
    (["python", "manage.py", "runserver", "-v", "2"], ["python", "manage.py", "runserver", "0.0.0.0:8000", "-v", "2"]),
    (["./manage.py", "runserver", "--settings", "config.settings.dev", "8001"],
     ["./manage.py", "runserver", "--settings", "config.settings.dev", "0.0.0.0:8001"]),
    (["./manage.py", "runserver", "--settings=config.settings.dev", "localhost:8001"],
     ["./manage.py", "runserver", "--settings=config.settings.dev", "0.0.0.0:8001"]),
    (["python", "manage.py", "runserver_plus", "--cert-file", "cert.crt"],
     ["python", "manage.py", "runserver_plus", "0.0.0.0:8000", "--cert-file", "cert.crt"]),
    (["python", "manage.py", "runserver_plus", "--key-file", "k.key", "--cert-file", "c.crt", "0.0.0.0:8443"],
     ["python", "manage.py", "runserver_plus", "--key-file", "k.key", "--cert-file", "c.crt", "0.0.0.0:8443"]),
    (["django-admin", "runserver", "--pythonpath", "src", "-v2", "[::]:8000"],
     ["django-admin", "runserver", "--pythonpath", "src", "-v2", "[::]:8000"]),
])
def test_runserver_is_told_an_address_past_the_options_that_take_a_value(words: list[str], told: list[str]) -> None:
    assert reachable(words) == told


@pytest.mark.parametrize(("typed", "told"), [
    ("gunicorn app.wsgi", "gunicorn app.wsgi -b 0.0.0.0:8000"),  # gunicorn binds 127.0.0.1:8000
    ("python -m gunicorn app.wsgi -w 2", "python -m gunicorn app.wsgi -w 2 -b 0.0.0.0:8000"),
    ("gunicorn --bind 127.0.0.1:8001 app.wsgi", "gunicorn --bind 0.0.0.0:8001 app.wsgi"),
    ("gunicorn -b unix:/tmp/g.sock app.wsgi", "gunicorn -b unix:/tmp/g.sock app.wsgi"),
    ("PORT=8000 gunicorn app.wsgi", "PORT=8000 gunicorn app.wsgi"),  # 0.0.0.0:$PORT where PORT is set
    ("GUNICORN_CMD_ARGS=--bind=0.0.0.0 gunicorn app.wsgi", "GUNICORN_CMD_ARGS=--bind=0.0.0.0 gunicorn app.wsgi"),
    ("gunicorn -c python:config.gunicorn app.wsgi", "gunicorn -c python:config.gunicorn app.wsgi"),
    ("hypercorn app:app", "hypercorn app:app --bind 0.0.0.0:8000"),
    ("daphne app.asgi:application", "daphne app.asgi:application -b 0.0.0.0"),
    ("daphne -u /tmp/d.sock app.asgi:application", "daphne -u /tmp/d.sock app.asgi:application"),
    ("granian --interface asgi main:app", "granian --interface asgi main:app --host 0.0.0.0"),
    ("mkdocs serve", "mkdocs serve -a 0.0.0.0:8000"),
    ("mkdocs serve -a localhost:8001", "mkdocs serve -a 0.0.0.0:8001"),
    ("mkdocs build", "mkdocs build"),
    ("jupyter lab", "jupyter lab --ip 0.0.0.0"),
    ("jupyter notebook --ip=0.0.0.0", "jupyter notebook --ip=0.0.0.0"),
    ("ng serve", "ng serve --host 0.0.0.0"),
    ("ng build", "ng build"),
    ("astro dev", "astro dev --host"),
    ("gatsby develop", "gatsby develop -H 0.0.0.0"),
    ("python -m django runserver", "python -m django runserver 0.0.0.0:8000"),
])
def test_servers_that_listen_on_localhost_are_told_every_interface(tmp_path: Path, typed: str, told: str) -> None:
    assert reachable(typed.split(), tmp_path) == told.split()


def test_a_config_that_binds_is_followed(tmp_path: Path) -> None:
    """gunicorn reads ./gunicorn.conf.py (or -c FILE), mkdocs serve mkdocs.yml's dev_addr."""
    (tmp_path / "gunicorn.conf.py").write_text('bind = "0.0.0.0:8000"\n')
    (tmp_path / "other.py").write_text("workers = 2\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ndev_addr: 127.0.0.1:8001\n")
    assert reachable(["gunicorn", "app.wsgi"], tmp_path) == ["gunicorn", "app.wsgi"]
    assert reachable(["gunicorn", "-c", "other.py", "app"], tmp_path) == ["gunicorn", "-c", "other.py", "app", "-b",
                                                                        "0.0.0.0:8000"]
    assert reachable(["mkdocs", "serve"], tmp_path) == ["mkdocs", "serve", "-a", "0.0.0.0:8001"]


def test_python_m_django_runserver_is_a_server() -> None:
    from doctor.project.command_roles import serves

    assert serves(["python", "-m", "django", "runserver"]) and not serves(["python", "-m", "django", "migrate"])
