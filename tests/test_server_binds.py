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
