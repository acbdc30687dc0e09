"""The project's own scripts that may run compose, and what those that do export to it.

The Makefile and the shell scripts at the project's top and in bin/, script/, scripts/, tools/ and
docker/ (a `*.sh`, or a file starting with a `#!` naming a shell), each read up to 64 KiB, never
run: compose_wrappers reads the compose files they name. A script among them, or in composer's
vendor/bin (Laravel Sail's `vendor/bin/sail`), that runs compose hands it what it exports
(wrapper_exports). Kept apart from compose_wrappers (its dataclass imports inspect and ast) for
env-drift's runs, warm ones included.
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.reading import is_dir, is_file, read_bytes, read_text
from doctor.project.tasks import MAKEFILES
from doctor.regular import text_lines

FOLDERS = ("", "bin", "script", "scripts", "tools", "docker")
LIMIT = 64 * 1024
COMPOSE = lazy(r"\bdocker(?:\s+compose|-compose)\b")
_SHELLS = (b"sh", b"bash", b"zsh", b"dash", b"ksh")


def candidates(root: Path) -> list[Path]:
    """The project's Makefile (the first name make looks for) and its shell scripts (see the module)."""
    paths = [root / name for name in MAKEFILES if is_file(root / name)][:1]
    for folder in FOLDERS:
        where = root / folder
        paths.extend(where / name for name in _listed(where) if is_script(where / name))
    return paths


def is_script(path: Path) -> bool:
    """Whether `path` is a shell script: a `*.sh`/`*.bash`, or a file with no suffix whose `#!` names a shell."""
    if not is_file(path):
        return False
    if path.suffix in (".sh", ".bash"):
        return True
    if path.suffix:
        return False
    try:
        first = read_bytes(path, 128, head=True).split(b"\n", 1)[0]
    except OSError:
        return False
    if not first.startswith(b"#!"):
        return False
    words = first[2:].split()  # `#!/bin/bash -e`, `#!/usr/bin/env -S bash -eu`: the interpreter, not its flags
    if words and os.path.basename(words[0]) == b"env":
        words = [w for w in words[1:] if not w.startswith(b"-")]
    return bool(words) and os.path.basename(words[0]) in _SHELLS


# a script's own `export NAME=value` line (not a recipe's, not in a comment), and a `${NAME:-default}` value
_EXPORT = lazy(r"""^\s*export\s+([A-Za-z_]\w*)=("[^"]*"|'[^']*'|\S*)""")
_DEFAULTED = lazy(r"^\$\{[A-Za-z_]\w*:?-(.*)\}$")
_PLAIN_REF = lazy(r"\$(?:[A-Za-z_]\w*|\{[A-Za-z_]\w*\})")
# composer's bin folder: `composer require laravel/sail --dev` links vendor/bin/sail, which Sail's docs run
_COMPOSER_BIN = Path("vendor", "bin")


def wrapper_exports(root: Path) -> dict[str, tuple[Path, int]]:
    """The variables the project's own scripts that run compose (see the module; and composer's
    vendor/bin: Laravel Sail's `./vendor/bin/sail up`) export with a value that is never empty
    (`export WWWUSER=${WWWUSER:-$UID}`; not `export SAIL_FILES=${SAIL_FILES:-""}`), with where each is
    exported: the compose such a script runs gets them. A Makefile's are make_env.make_exported's."""
    found: dict[str, tuple[Path, int]] = {}
    bin_folder = root / _COMPOSER_BIN
    composer = [bin_folder / name for name in _listed(bin_folder) if is_script(bin_folder / name)]
    for path in [*(p for p in candidates(root) if p.name not in MAKEFILES), *composer]:
        try:
            text = read_text(path, LIMIT)
        except (OSError, ValueError):
            continue
        if COMPOSE.search(text) is None:
            continue
        for number, line in enumerate(text_lines(text), 1):
            if (exported := _EXPORT.match(line)) is not None and _never_empty(exported[2]):
                found.setdefault(exported[1], (path, number))
    return found


def _never_empty(value: str) -> bool:
    """Whether a shell value is never empty: written, or a `${NAME:-default}` whose default is."""
    value = value.strip("\"'")
    defaulted = _DEFAULTED.match(value)
    if defaulted is None and _PLAIN_REF.fullmatch(value):  # `export API_TOKEN="${API_TOKEN}"`: empty when unset
        return False
    return bool(defaulted[1].strip("\"'")) if defaulted is not None else bool(value)


def _listed(folder: Path) -> list[str]:
    if not is_dir(folder):
        return []
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []
