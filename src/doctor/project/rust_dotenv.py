"""dotenvy's loads in a Rust service's code, as calls appenv.dotenv_effects follows.

svix-server's main.rs calls `dotenv().ok()` under `use dotenvy::dotenv;`: the `.env` of the process's
working dir (where dotenvy looks first) is loaded, none of it overriding what compose set, so a key compose
leaves unset is the app's from that file, as godotenv's `Load()` (go_env) and Node's dotenv are.
`dotenvy::dotenv()`, `dotenv::dotenv()` (the older crate's), and `from_filename(".env.local")` /
`from_path(".env")` with a literal; `dotenv_override()` and the `_override` forms are left out, as
godotenv's `Overload` is (a value set in compose would lose to the file again), and so is a path doctor
cannot read. Read (never built) in the `.rs` files of a code folder holding Cargo.toml, not under target/,
tests/, benches/ or examples/, nor below a file's first `#[cfg(test)]` (its unit tests' own loads).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.reading import is_file, read_regular_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.appenv import DotenvCall

MAX_FILES = 2000
MAX_BYTES = 256 * 1024
SKIP_DIRS = frozenset({"target", "tests", "benches", "examples", ".git", "node_modules", "vendor"})
# `dotenvy::dotenv()`, `dotenv::dotenv()`, a bare `dotenv()` in a file that names either crate;
# `from_filename("...")`, `from_path("...")` with a literal
LOAD = lazy(r"""(?<![\w])(?:(?:dotenvy|dotenv)::)?(?:dotenv\(\s*\)|from_(?:filename|path)\(\s*"([^"\\\n]+)"\s*\))""")
# the overriding forms: `dotenv_override()`, `from_filename_override("...")`, `from_path_override("...")`
OVERRIDE = lazy(r"""(?<![\w])(?:dotenvy::)?(?:dotenv_override\(\s*\)"""
                r"""|from_(?:filename|path)_override\(\s*"([^"\\\n]+)"\s*\))""")
CRATE = lazy(r"\b(?:dotenvy|dotenv)::")


def rust_dotenv_calls(folders: tuple[Path, ...], overrides: bool = False) -> Iterator[DotenvCall]:
    """Every non-overriding dotenvy load in the Rust code of the folders, each reading its file (`.env` for
    `dotenv()`) in the process's working dir; with `overrides`, the overriding ones alone (dotenv-override's)."""
    from doctor.project.appenv import DotenvCall

    for folder in dict.fromkeys(folders):
        if not is_file(folder / "Cargo.toml"):
            continue
        for path in _rust_files(folder):
            text = read_regular_text(path, MAX_BYTES) or ""
            if "dotenv" not in text or CRATE.search(text) is None:
                continue
            end = text.find("#[cfg(test)]")
            for match in (OVERRIDE if overrides else LOAD).finditer(text, 0, len(text) if end < 0 else end):
                line = text.count("\n", 0, match.start()) + 1
                yield DotenvCall(Location(path, line), overrides, (("cwd", match[1] or ".env"),), match[0],
                                 loader="dotenvy")
        return


def _rust_files(folder: Path) -> Iterator[Path]:
    """The .rs files under the folder, build output, tests, benches and examples aside, in a stable order."""
    count = 0
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".rs"):
                count += 1
                if count > MAX_FILES:
                    return
                yield Path(top) / name
