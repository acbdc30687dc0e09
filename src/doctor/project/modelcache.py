"""A warm cache of the parsed compose model: a repeated `doctor preflight` parses nothing.

An entry holds the model the loader computed and what compose-version reads from the files
(features.FileFeatures), and is used only while everything the load read is unchanged:
doctor's version and its loader's source files, the Python version, the project options
(path, -f files, profiles, name), the value (or absence) of every environment variable the
load looked up, and the stat (kind, inode, size, mtime, ctime, owner, readable or not; or the
error) of every file it read or probed: discovery candidates in the folder and its parents, -f / include /
extends targets, `.env` and env_file files, and jsonschema's folder. inputs.py records those
during the load, so nothing is guessed; a load that read the environment as a whole is not stored.

Each input is stamped when the load first probes it, before reading it (a file rewritten during
the load, even with its old mtime put back, then differs from its stored stamp). Like git's
racy-index rule, an entry is not stored while any input's mtime is within RACY_NS of the time
of writing (an edit in the same clock tick, same size, would look unchanged). Nor is a load
that met a file it could not read (a permission, an I/O error: inputs.unsure).

The store is a pickle, so it is read only from a folder that is the current user's and not
group- or world-writable ($XDG_CACHE_HOME/doctor or ~/.cache/doctor, made 0700), one file per
project key, MAX_TOTAL bytes in all (oldest dropped). A truncated, corrupt, foreign-version
or unreadable entry is a miss; a write that fails is skipped. DOCTOR_NO_CACHE=1 turns it off.
The model's `variables` hold the whole shell environment: only the part the load added
(.env keys, COMPOSE_PROJECT_NAME, PWD) is stored, the rest is the current environment's.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import time
import zlib
from collections.abc import Mapping
from pathlib import Path

from doctor.model import replace

try:  # the C pickler alone: pickle.py would import `re` on every warm run
    from _pickle import PicklingError, dumps, loads
except ImportError:  # pragma: no cover - other Pythons
    from pickle import PicklingError, dumps, loads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from doctor.project import ProjectOptions
    from doctor.project.assemble import Parsed
    from doctor.project.features import FileFeatures
    from doctor.project.types import ComposeModel

    Stamp = tuple[Any, ...] | int

FORMAT = 1
RACY_NS = 2_000_000_000
MAX_TOTAL = 8 * 1024 * 1024
MAX_ENTRY = MAX_TOTAL // 2
PREFIX, SUFFIX = "model-", ".pickle"
_DOCTOR = Path(__file__).resolve().parent.parent


def cache_dir(env: Mapping[str, str]) -> Path | None:
    """Where entries live (doctor.cachedir: $XDG_CACHE_HOME/doctor, else ~/.cache/doctor); None when turned off."""
    from doctor.cachedir import cache_dir as folder

    found = folder(env)
    return Path(found) if found else None


def load_model(options: ProjectOptions, parsed: dict[Path, Parsed]) -> tuple[ComposeModel, FileFeatures | None]:
    """The compose model for these options: from the cache when nothing it was computed from
    changed, else loaded (and stored). Features come along only when the cache is on."""
    folder = cache_dir(options.env)
    key = _key(options) if folder is not None else None
    if folder is None or key is None:
        from doctor.project.compose import load_project

        return load_project(options, parsed), None
    name = _name(key)
    hit = _read(folder, name, key, options.env)
    if hit is not None:
        return hit
    model, features, entry = _load_recorded(options, parsed, key)
    if entry is not None and not _inside(folder, model.project_dir):
        _write(folder, name, entry)
    return model, features


def _inside(folder: Path, project_dir: Path) -> bool:
    """Whether the cache folder lies in the project (HOME is the repo in some containers and CI
    jobs): doctor writes nothing there that the user did not ask for (git would list it)."""
    root = os.path.realpath(project_dir)
    here = os.path.realpath(folder)
    return here == root or here.startswith(root.rstrip(os.sep) + os.sep)


def _key(options: ProjectOptions) -> tuple[Any, ...] | None:
    """What the result depends on besides the recorded variables and files (None: no cwd)."""
    text = str(options.path)
    if text.startswith("~"):
        text = os.path.expanduser(text)
    try:
        path = os.path.normpath(os.path.join(os.getcwd(), text))
    except OSError:  # the cwd was deleted: the loader reports what it can, uncached
        return None
    return (FORMAT, _doctor_version(), sys.version, path, tuple(map(str, options.files)),
            tuple(options.profiles), options.project_name,
            None if options.env_files is None else tuple(map(str, options.env_files)),
            os.environ.get("HOME"),  # os.path.expanduser reads the process's HOME, not options.env
            _code_stamp())  # last: the entry's name is of the rest (`_name`)


def _name(key: tuple[Any, ...]) -> str:
    """The entry's file name: of the key but doctor's code stamp (~25 KB of repr, spelled twice for
    the two checksums took a warm run ~1 ms), which the stored key holds and `_valid` compares: an
    entry of the same options made by other code is replaced, not kept beside it."""
    spelled = repr(key[:-1]).encode()
    return f"{PREFIX}{zlib.crc32(spelled):08x}{zlib.adler32(spelled):08x}{SUFFIX}"


def _doctor_version() -> str:
    from doctor import __version__

    return __version__


def _code_stamp() -> tuple[tuple[str, int, int], ...]:
    """doctor's own source (an editable install changes without a version bump); read once a process
    (the model cache and the file-fact memo both key on it)."""
    if not _CODE_STAMP:
        _CODE_STAMP.append(_read_code_stamp())
    return _CODE_STAMP[0]


_CODE_STAMP: list[tuple[tuple[str, int, int], ...]] = []


def _read_code_stamp() -> tuple[tuple[str, int, int], ...]:
    found = []
    for folder in (_DOCTOR, _DOCTOR / "project", _DOCTOR / "project" / "spec"):
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.endswith((".py", ".json")):
                        info = entry.stat()
                        found.append((entry.path, info.st_mtime_ns, info.st_size))
        except OSError:
            continue
    return tuple(sorted(found))


def stamp(path: str, follow: bool = False) -> Stamp:
    """What a file is now: a folder by its kind only (its mtime moves with every new file in it),
    anything else by kind, inode, size, mtime, ctime and owner; a symlink also by its target;
    the errno when it cannot be stat'ed (absent, not a folder, permission denied)."""
    try:
        info = os.stat(path) if follow else os.lstat(path)
    except OSError as exc:
        return exc.errno or -1
    kind = stat.S_IFMT(info.st_mode)
    if kind == stat.S_IFDIR:
        return (kind,)
    # readable or not: who may read a file is no part of its stat (a group joined or left)
    found = (info.st_mode, info.st_ino, info.st_dev, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_uid,
             os.access(path, os.R_OK))
    return (*found, stamp(path, follow=True)) if kind == stat.S_IFLNK else found


def _racy(found: Stamp, now_ns: int) -> bool:
    if isinstance(found, int) or len(found) < 8:
        return False
    return found[4] >= now_ns - RACY_NS or (len(found) > 8 and _racy(found[8], now_ns))


def _load_recorded(options: ProjectOptions, parsed: dict[Path, Parsed],
                   key: tuple[Any, ...]) -> tuple[ComposeModel, FileFeatures, bytes | None]:
    """Load while recording the inputs; the entry to store, or None when it cannot be keyed."""
    from doctor.project import documents_of
    from doctor.project.compose import load_project
    from doctor.project.features import file_features
    from doctor.project.inputs import LoadInputs, TrackedEnv, recording

    inputs = LoadInputs(options.env, stamp)
    with recording(inputs):
        tracked = replace(options, env=TrackedEnv.of(inputs))
        model = load_project(tracked, parsed)
    variables = model.variables.plain() if isinstance(model.variables, TrackedEnv) else dict(model.variables)
    model = replace(model, variables=variables)
    features = file_features(documents_of(model.files, parsed))
    origin = inputs.origin
    validator = _jsonschema_folder()
    if inputs.wholesale or inputs.unsure or validator is None or not all(k in variables for k in origin):
        return model, features, None
    # problems differ without jsonschema: uninstalling it must miss
    inputs.files.setdefault(validator, stamp(validator))
    now = time.time_ns()
    stamps = tuple(sorted(inputs.files.items()))
    if any(_racy(found, now) for _, found in stamps):
        return model, features, None
    added = {k: v for k, v in variables.items() if origin.get(k) != v}
    try:
        payload = dumps((replace(model, variables={}), added, features), 5)
        header = (key, tuple(sorted(inputs.env.items())), stamps, now)
        return model, features, dumps((header, payload), 5)
    except (PicklingError, TypeError, AttributeError, RecursionError, ValueError):
        return model, features, None


def _jsonschema_folder() -> str | None:
    """Where jsonschema is installed (schema.available() decides which problems are reported);
    None when absent: such a model is not stored, as a later install could not be seen."""
    from doctor.project.schema import jsonschema_spec

    found = jsonschema_spec()
    places = list(found.submodule_search_locations or ()) if found is not None else []
    return places[0] if places else None


def _read(folder: Path, name: str, key: tuple[Any, ...],
          env: Mapping[str, str]) -> tuple[ComposeModel, FileFeatures] | None:
    """The stored model when the entry is sound and nothing it was computed from changed."""
    from doctor.cachedir import read

    data = read(folder, name, MAX_ENTRY)
    if data is None:
        return None
    try:
        return _valid(loads(data), key, env)
    # a cache file is not trusted input: a truncated or foreign pickle fails in many ways
    # (EOFError, UnpicklingError, ImportError, AttributeError, TypeError...), each just a miss
    except Exception:
        return None


def _valid(entry: Any, key: tuple[Any, ...], env: Mapping[str, str]) -> tuple[ComposeModel, FileFeatures] | None:
    header, payload = entry
    stored_key, reads, stamps, _written = header
    if stored_key != key:
        return None
    if any(env.get(name) != value for name, value in reads):
        return None
    if any(stamp(path) != found for path, found in stamps):
        return None
    model, added, features = loads(payload)
    variables = dict(env)
    variables.update(added)
    return replace(model, variables=variables), features


def _write(folder: Path, name: str, data: bytes) -> None:
    """Store an entry; a folder that is not safely ours, or any failure, leaves it unstored."""
    if len(data) > MAX_ENTRY:
        return
    from doctor.cachedir import write

    if write(folder, name, data):
        with contextlib.suppress(OSError):
            _prune(folder, name)


def _prune(folder: Path, kept: str) -> None:
    """Drop the oldest entries while all of them together exceed MAX_TOTAL."""
    entries = []
    with os.scandir(folder) as found:
        for entry in found:
            if entry.name.startswith(PREFIX) and entry.name.endswith(SUFFIX) and entry.is_file(follow_symlinks=False):
                info = entry.stat(follow_symlinks=False)
                entries.append((info.st_mtime_ns, info.st_size, entry.name))
    total = sum(size for _, size, _ in entries)
    for _, size, entry_name in sorted(entries):
        if total <= MAX_TOTAL:
            break
        if entry_name != kept:
            os.unlink(folder / entry_name)
            total -= size
