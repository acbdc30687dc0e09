"""Test helper: run a function as another user (CI runs as root, and root reads through any mode)."""

from __future__ import annotations

import os
import pickle
import re
import sys
from collections.abc import Callable
from pathlib import Path

# the standard-library modules doctor imports (often only when a check needs them), and the codecs it names: where
# the interpreter lives under a folder other users may not enter (pyenv's /root/.pyenv, /root mode 0700: this
# machine's and CI's), the child, once it runs as `uid`, could not import them, and the checks needing them
# crashed ("No module named 'tomllib'", "unknown encoding: utf-8-sig") instead of running as they do for that
# user; imported before the switch, they are there
_CODECS = ("encodings.utf_8_sig", "encodings.idna", "encodings.latin_1", "encodings.ascii", "encodings.utf_16",
           "encodings.utf_32", "encodings.cp1252", "encodings.unicode_escape", "encodings.raw_unicode_escape")
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import|import[ \t]+([\w.]+))", re.MULTILINE)


def _preload() -> None:
    import contextlib
    import importlib

    top = Path(__file__).resolve().parent.parent
    names = set(_CODECS)
    for folder in (top / "src" / "doctor", top / "checks"):
        for path in folder.rglob("*.py"):
            for found in _IMPORT.finditer(path.read_text(encoding="utf-8", errors="replace")):
                name = found.group(1) or found.group(2)
                if name.partition(".")[0] in sys.stdlib_module_names:
                    names.add(name)
    for name in sorted(names):
        with contextlib.suppress(ImportError):  # not built into this interpreter (or not a module): as for the user
            importlib.import_module(name)


def as_user(uid: int, work: Callable[[], object]) -> object:
    """`work()` in a forked child running as `uid` (root reads through mode 000), its result pickled back."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            _preload()
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            try:
                result: object = ("ok", work())
            except BaseException as error:  # reported to the test, not raised in a forked pytest
                result = ("error", repr(error))
            with open(write_end, "wb") as out:
                pickle.dump(result, out)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with open(read_end, "rb") as data:
        kind, value = pickle.load(data)
    assert os.waitpid(pid, 0)[1] == 0
    assert kind == "ok", value
    return value
