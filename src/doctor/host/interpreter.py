"""What the host's Python can import, read from its files: no interpreter, no shim is started.

host-vs-container asks whether the interpreter a developer would use in a folder has a
service's dependencies. Starting it to ask costs its startup, and through a pyenv shim a chain
of bash processes (hundreds of ms); preflight also never executes a project's tools. So:

- the interpreter is the project's `.venv`/`venv`, else `python3`/`python` on the inherited
  PATH; a pyenv shim is resolved as pyenv would (PYENV_VERSION, `.python-version` up from the
  folder, `$PYENV_ROOT/version`; a name or a prefix of an installed version, `3.12` = the
  newest 3.12.x; `system` = the next interpreter on PATH); a pin none of whose versions is
  installed (`.python-version` = 3.14, no 3.14.x in `$PYENV_ROOT/versions`) is an interpreter
  that cannot run (`Interpreter.unusable`): it lacks every package;
- its import path is derived from its prefix: a virtualenv's `pyvenv.cfg` (plus the base's
  site folders with `include-system-site-packages`), else `lib/pythonX.Y/{site,dist}-packages`
  and Debian's `dist-packages`, the user site, and the folders `.pth` files add;
- a distribution is present when its `.dist-info`/`.egg-info` is there, a module when its
  package folder, `.py` file or extension module is.

An interpreter that cannot be read this way (an unknown shim) is `None`: unknown, never "missing".
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import field, record
from doctor.project.reading import is_dir, is_file
from doctor.regular import read_bytes, read_text, text_lines

_VERSION_DIR = lazy(r"python(\d+\.\d+)t?$")
_EXTENSION = lazy(r"^([A-Za-z_][A-Za-z0-9_]*)(\..*)?\.(so|pyd)$")
_SEPARATORS = lazy(r"[-_.]+")
_DIST_SUFFIXES = (".dist-info", ".egg-info")
_PRERELEASE = lazy(r"(-dev|-src|-latest|(a|b|rc)[0-9]+)$")


def normalize(name: str) -> str:
    """PEP 503 normalization, as `.dist-info` folder names are compared."""
    if "_" not in name and "." not in name and "--" not in name:
        return name.lower()  # most names: nothing to fold but case
    return _SEPARATORS.sub("-", name).lower()


@record
class Interpreter:
    """An interpreter's executable and the folders it imports from (read once, listed lazily)."""

    executable: Path
    site_dirs: tuple[Path, ...]
    # (version, what set it) when a pyenv pin names no installed version: the shim cannot start it
    unusable: tuple[str, str] | None = None
    # the project folder whose own environment it is (its `.venv`, or the one Poetry made for it), which a
    # shell may not have activated
    project: Path | None = None
    _listing: dict[str, set[str]] = field(default_factory=dict, compare=False, repr=False)
    _plain: dict[Path, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def _names(self) -> tuple[set[str], set[str]]:
        """The distributions (normalized) and the modules (files) of the site folders, in one listing each.

        Names that may be package folders are kept per folder and checked only when asked
        (`_package_folder`): asking each entry of the standard library whether it is a folder
        cost more than the listings.
        """
        if not self._listing:
            dists: set[str] = set()
            modules: set[str] = set()
            for folder in self.site_dirs:
                found = site_folder(folder)
                if found is None:
                    continue
                dists.update(found.dists)
                modules.update(found.modules)
                self._plain[folder] = found.plain
            self._listing["dists"], self._listing["modules"] = dists, modules
        return self._listing["dists"], self._listing["modules"]

    def _package_folder(self, name: str) -> bool:
        return any(name in plain and os.path.isdir(folder / name) for folder, plain in self._plain.items())

    def missing(self, packages: Iterable[tuple[str, str]]) -> tuple[str, ...]:
        """The distributions of (distribution, module) pairs whose metadata and module are both absent."""
        if self.unusable is not None:
            return tuple(dist for dist, _ in packages)  # it cannot even start
        dists, modules = self._names()
        return tuple(dist for dist, module in packages
                     if normalize(dist) not in dists and (top := module.split(".")[0]) not in modules
                     and not self._package_folder(top))


@record
class SiteFolder:
    """What one import folder's listing says: the distributions (normalized) whose metadata is there,
    the modules (files), the names that may be package folders, and its `.pth` files (sorted)."""

    dists: frozenset[str]
    modules: frozenset[str]
    plain: frozenset[str]
    pth_files: tuple[str, ...]


def site_folder(folder: Path) -> SiteFolder | None:
    """The listing of an import folder, read once and remembered across runs while the folder is as
    it was (doctor.project.memo: a folder's stat stamp changes with every name added, removed or
    renamed in it); None where it cannot be listed. The standard library's ~500 names were listed
    and sorted through on every preflight that judged a Python service (~1 ms)."""
    from doctor.project.memo import remember, unreadable

    def compute() -> SiteFolder | None:
        try:
            names = os.listdir(folder)
        except OSError:
            unreadable()
            return None
        return SiteFolder(
            frozenset(normalize(n.rsplit(".", 1)[0].split("-")[0]) for n in names if n.endswith(_DIST_SUFFIXES)),
            frozenset([*(n[:-3] for n in names if n.endswith(".py")),
                       *(n.split(".")[0] for n in names if n.endswith((".so", ".pyd")) and _EXTENSION.match(n))]),
            frozenset(n for n in names if n.isidentifier()),
            tuple(sorted(n for n in names if n.endswith(".pth"))))

    return remember("site-folder", (folder,), (), compute)


def find_interpreter(directories: Sequence[Path], env: Mapping[str, str]) -> Interpreter | None:
    """The interpreter a developer would use in `directories[0]`, read from disk; None if unknown."""
    for directory in directories:
        for venv in (".venv", "venv"):
            candidate = directory / venv / "bin" / "python"
            if is_file(candidate) and os.access(candidate, os.X_OK):
                return _project_env(read_interpreter(candidate), directory)
        poetry = poetry_env(directory, env)
        if poetry is not None:
            return _project_env(read_interpreter(poetry / "bin" / "python"), directory)
    entries = env.get("PATH", "").split(os.pathsep) if env.get("PATH") else []
    for name in ("python3", "python"):
        found = _which(name, entries)
        if found is not None:
            real = _through_shims(found, name, directories, env, entries)
            if isinstance(real, tuple):
                root, version, origin = real
                return Interpreter(root / "versions" / version / "bin" / name, (), (version, origin))
            return read_interpreter(real) if real is not None else None
    return None


def _project_env(found: Interpreter | None, directory: Path) -> Interpreter | None:
    if found is None:
        return None
    from doctor.model import replace  # records.replace: no dataclasses import (inspect, ast) in a preflight

    return replace(found, project=directory)


def poetry_env(directory: Path, env: Mapping[str, str]) -> Path | None:
    """The virtualenv `poetry install` made for the Poetry project in `directory` where Poetry keeps them
    by default (its cache, not the project's `.venv`): `NAME-HASH-pyX.Y`, named as Poetry names it, HASH
    from the folder's real path (fastapi-template 0.11's backend/: `app-k8fAdBK0-py3.11`). Where several
    Pythons have one, the one `poetry env use` recorded in envs.toml; None when there is none or no choice."""
    if not is_file(directory / "poetry.lock"):
        return None  # never locked, never installed
    name = _poetry_name(directory / "pyproject.toml")
    if name is None:
        return None
    stem = poetry_env_stem(name, os.path.realpath(directory))
    home = _poetry_envs_home(env)
    try:
        found = sorted(n for n in os.listdir(home) if n.startswith(f"{stem}-py"))
    except OSError:
        return None
    found = [n for n in found if os.access(home / n / "bin" / "python", os.X_OK)]
    if len(found) > 1:
        recorded = _envs_toml_minor(home / "envs.toml", stem)
        found = [n for n in found if recorded is not None and n == f"{stem}-py{recorded}"]
    return home / found[0] if len(found) == 1 else None


def poetry_env_stem(name: str, folder: str) -> str:
    """Poetry's EnvManager.generate_env_name: the name, lowered, unsafe characters `_`, cut at 42, then
    8 characters of the urlsafe base64 of the sha256 of the folder's path (`app-k8fAdBK0`)."""
    import base64
    import hashlib

    digest = hashlib.sha256(os.path.normcase(folder).encode()).digest()
    return f"{name.lower().translate(_POETRY_UNSAFE)[:42]}-{base64.urlsafe_b64encode(digest).decode()[:8]}"


# the characters Poetry's generate_env_name turns into `_`
_POETRY_UNSAFE = str.maketrans({c: "_" for c in ' $`!*@"\\\r\n\t'})


def _poetry_name(pyproject: Path) -> str | None:
    """The project's name as Poetry reads it: `[tool.poetry] name`, else `[project] name`."""
    try:
        text = read_text(pyproject)
    except OSError:
        return None
    from doctor import lean_toml as tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    for table in (data.get("tool", {}).get("poetry", {}), data.get("project", {})):
        name = table.get("name") if isinstance(table, dict) else None
        if isinstance(name, str) and name:
            return name
    return None


def _poetry_envs_home(env: Mapping[str, str]) -> Path:
    """Poetry's `virtualenvs.path`: POETRY_VIRTUALENVS_PATH, else `virtualenvs` in its cache folder
    (POETRY_CACHE_DIR, else the platform's user cache: XDG_CACHE_HOME or ~/.cache, macOS ~/Library/Caches)."""
    if env.get("POETRY_VIRTUALENVS_PATH"):
        return Path(env["POETRY_VIRTUALENVS_PATH"]).expanduser()
    if env.get("POETRY_CACHE_DIR"):
        return Path(env["POETRY_CACHE_DIR"]).expanduser() / "virtualenvs"
    home = Path(env.get("HOME") or os.path.expanduser("~"))
    import sys

    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "pypoetry" / "virtualenvs"
    return Path(env.get("XDG_CACHE_HOME") or home / ".cache") / "pypoetry" / "virtualenvs"


def _envs_toml_minor(path: Path, stem: str) -> str | None:
    """The Python minor version `poetry env use` recorded for an environment stem, if any."""
    try:
        text = read_text(path)
    except OSError:
        return None
    from doctor import lean_toml as tomllib

    try:
        entry = tomllib.loads(text).get(stem, {})
    except tomllib.TOMLDecodeError:
        return None
    minor = entry.get("minor") if isinstance(entry, dict) else None
    return minor if isinstance(minor, str) else None


def read_interpreter(executable: Path) -> Interpreter | None:
    """The site folders of an interpreter, from its prefix; None when it is a script we cannot follow."""
    prefix = executable.parent.parent
    config = _pyvenv_cfg(prefix / "pyvenv.cfg")
    if config is not None:
        folders = [*prefix.glob("lib/python*/site-packages")]
        if config.get("include-system-site-packages", "false").lower() == "true" and config.get("home"):
            base = read_interpreter(Path(config["home"]) / executable.name)
            folders += base.site_dirs if base else ()
        return Interpreter(executable, _with_pth(folders))
    real = executable.resolve()
    if _is_script(real):
        return None
    prefix = real.parent.parent
    version = _VERSION_DIR.search(real.name)
    versions = [version.group(1)] if version else [
        m.group(1) for p in sorted(prefix.glob("lib/python3*")) if (m := _VERSION_DIR.search(p.name))]
    folders = []
    home = Path(os.path.expanduser("~"))
    for v in versions:
        folders += [home / ".local" / "lib" / f"python{v}" / "site-packages",
                    prefix / "lib" / f"python{v}", prefix / "lib" / f"python{v}" / "lib-dynload",
                    prefix / "lib" / f"python{v}" / "site-packages", prefix / "lib" / f"python{v}" / "dist-packages",
                    prefix / "local" / "lib" / f"python{v}" / "dist-packages"]
    folders.append(prefix / "lib" / "python3" / "dist-packages")
    return Interpreter(real, _with_pth([f for f in folders if is_dir(f)]))


def _which(name: str, entries: Sequence[str]) -> Path | None:
    """`shutil.which(name, path=...)` for a bare name on POSIX (shutil costs its imports, bz2 and lzma)."""
    from doctor.host.which import which

    found = which(name, entries)
    return Path(found) if found is not None else None


def _through_shims(found: Path, name: str, directories: Sequence[Path], env: Mapping[str, str],
                   entries: Sequence[str]) -> Path | tuple[Path, str, str] | None:
    """The interpreter a pyenv shim would exec (without running it); `found` itself when no shim;
    (PYENV_ROOT, version, origin) when the pin names no installed version (the shim cannot start it).
    """
    if not _is_script(found):
        return found
    try:
        text = read_bytes(found, 2000, head=True).decode("utf-8", "replace")
    except OSError:
        return None
    if "pyenv" not in text:
        return None  # another version manager's shim: unknown
    root = Path(env.get("PYENV_ROOT") or found.parent.parent)
    pinned, origin = _pyenv_versions(root, directories, env)
    installed: list[str] | None = None
    resolved = []
    for version in pinned:
        if version == "system":
            resolved.append(version)
            continue
        if installed is None:
            installed = _installed_versions(root)
        chosen = _resolve_version(root, version, installed)
        if chosen is not None:
            resolved.append(chosen)
    if not resolved:
        return root, pinned[0], origin  # pyenv: version `3.14' is not installed (set by ...)
    for version in resolved:
        if version == "system":
            rest = [e for e in entries if Path(e) != found.parent]
            after = _which(name, rest)
            return after if after is not None and not _is_script(after) else None
        candidate = root / "versions" / version / "bin" / name
        if is_file(candidate):
            return candidate
    return None


def _installed_versions(root: Path) -> list[str]:
    try:
        return [n for n in os.listdir(root / "versions") if (root / "versions" / n).is_dir()]
    except OSError:
        return []


def _resolve_version(root: Path, version: str, installed: Sequence[str]) -> str | None:
    """The installed version pyenv runs for a name in a version file (`pyenv latest -b`), or None.

    An exact name, the name without a `python-` prefix, or else the newest installed release the
    name is a prefix of (`3.12` = 3.12.1 over 3.12.0; no pre-releases, no free-threaded `t` build
    unless asked for). A name that climbs out of the versions folder (`..`) is none (pyenv ignores it).
    """
    versions = (root / "versions").resolve()
    for name in (version, version.removeprefix("python-")):
        if name in installed or ("/" in name and (versions / name).resolve().is_relative_to(versions)
                                 and is_dir(versions / name)):
            return name  # `3.12.1`, or pyenv-virtualenv's `3.12.1/envs/api`
    for name in dict.fromkeys((version, version.removeprefix("python-"))):
        threaded = name.endswith("t") and name[:-1][-1:].isdigit()
        prefix = name[:-1] if threaded else name
        matches = [v for v in installed
                   if v.startswith(prefix) and v[len(prefix):len(prefix) + 1] in ("-", ".")
                   and not _PRERELEASE.search(v) and (v.endswith("t") and v[-2:-1].isdigit()) == threaded]
        if matches:
            return max(matches, key=_version_key)
    return None


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key for version names: numbers compare as numbers, above any text."""
    parts = version.replace("-", ".").split(".")
    return tuple((1, int(p)) if p.isdigit() else (0, p) for p in parts)


def _pyenv_versions(root: Path, directories: Sequence[Path], env: Mapping[str, str]) -> tuple[list[str], str]:
    """pyenv's version-name order, and what set it: PYENV_VERSION, the nearest `.python-version`, the global file."""
    if env.get("PYENV_VERSION"):
        return env["PYENV_VERSION"].split(":"), "PYENV_VERSION"
    for start in directories[:1]:
        for folder in (start, *start.parents):
            chosen = _read_words(folder / ".python-version")
            if chosen:
                return chosen, str(folder / ".python-version")
    found = _read_words(root / "version")
    return (found, str(root / "version")) if found else (["system"], "")


def _read_words(path: Path) -> list[str]:
    """The versions a pyenv version file names: each line's first word, comments skipped."""
    try:
        lines = text_lines(read_text(path))
    except OSError:
        return []
    words = (line.split(maxsplit=1)[0] for line in lines if line.strip())
    return [w for w in words if not w.startswith("#")]


def _is_script(path: Path) -> bool:
    try:
        return read_bytes(path, 2, head=True) == b"#!"
    except OSError:
        return False


def _pyvenv_cfg(path: Path) -> dict[str, str] | None:
    try:
        text = read_text(path)
    except OSError:
        return None
    pairs = (line.partition("=") for line in text.splitlines())
    return {key.strip().lower(): value.strip() for key, sep, value in pairs if sep}


def _with_pth(folders: Sequence[Path]) -> tuple[Path, ...]:
    """The folders plus those their `.pth` files name (editable installs, path hooks skipped)."""
    found = list(dict.fromkeys(folders))
    for folder in list(found):
        listed = site_folder(folder)  # a listing, not Path.glob: the standard library folder holds hundreds of names
        if listed is None:
            continue
        for pth in (folder / name for name in listed.pth_files):
            for line in _read_lines(pth):
                line = line.strip()
                if line and not line.startswith(("#", "import ", "import\t")):
                    extra = (folder / line).resolve()
                    if is_dir(extra) and extra not in found:
                        found.append(extra)
    return tuple(found)


def _read_lines(path: Path) -> list[str]:
    try:
        return read_text(path).splitlines()
    except OSError:
        return []


UNKNOWN = "?"  # python_for's answer when an interpreter is on PATH but cannot be read (a foreign shim)


class InstalledPackages:
    """project.service_home's PackageProbe, answered from the interpreters' files: which Python a
    developer would use here, and which packages it lacks. No interpreter or shim is started.
    """

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self._read: dict[str, Interpreter] = {}
        self._chosen: dict[tuple[Path, ...], str | None] = {}

    def python_for(self, directories: Sequence[Path]) -> str | None:
        """The interpreter's path; UNKNOWN when one is on PATH but unreadable; None when there is none.

        Asked once per folder list: services built from one context ask the same question.
        """
        asked = tuple(directories)
        if asked not in self._chosen:
            self._chosen[asked] = self._python_for(asked)
        return self._chosen[asked]

    def _python_for(self, directories: Sequence[Path]) -> str | None:
        found = find_interpreter(list(directories), self.env)
        if found is None:
            path = self.env.get("PATH", "")
            entries = path.split(os.pathsep) if path else []
            return UNKNOWN if any(_which(n, entries) for n in ("python3", "python")) else None
        key = str(found.executable)
        self._read.setdefault(key, found)
        return key

    def missing_python_packages(self, python: str, packages: Sequence[tuple[str, str]]) -> tuple[str, ...]:
        """The distributions of `packages` the interpreter lacks; none when it is UNKNOWN (no guess);
        all of them when it cannot start (a pyenv pin that is not installed)."""
        found = self._read.get(python)
        return found.missing(packages) if found is not None else ()

    def unusable(self, python: str) -> tuple[str, str] | None:
        """(version, what pinned it) when the interpreter is a pyenv pin that is not installed."""
        found = self._read.get(python)
        return found.unusable if found is not None else None

    def inactive_virtualenvs(self) -> tuple[tuple[Path, Path], ...]:
        """(virtualenv, the project folder it is for): the project virtualenvs (`.venv`, `venv` beside a
        manifest, or the one Poetry made for it in its cache) among the interpreters judged so
        far that the shell has not activated: no VIRTUAL_ENV, and their bin/ not on PATH. Their packages
        are the ones a judgment counted, but a bare `pytest` typed here runs PATH's, without them."""
        if self.env.get("VIRTUAL_ENV"):
            return ()  # one is active (this one or the user's choice of another): PATH is as they set it
        entries = {os.path.normpath(e) for e in self.env.get("PATH", "").split(os.pathsep) if e}
        found = []
        for python in dict.fromkeys(p for p in self._chosen.values() if p and p != UNKNOWN):
            read = self._read.get(python)
            prefix = Path(python).parent.parent
            if read is not None and read.project is not None and is_file(prefix / "pyvenv.cfg") \
                    and os.path.normpath(prefix / "bin") not in entries:
                found.append((prefix, read.project))
        return tuple(found)
