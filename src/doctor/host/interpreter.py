"""What the host's Python can import, read from its files: no interpreter, no shim is started.

host-vs-container asks whether the interpreter a developer would use in a folder has a
service's dependencies. Starting it to ask costs its startup, and through a pyenv shim a chain
of bash processes (hundreds of ms); preflight also never executes a project's tools. So:

- the interpreter is the project's `.venv`/`venv`, else `python3`/`python` on the inherited
  PATH; a pyenv shim is resolved as pyenv would (PYENV_VERSION, `.python-version` up from the
  folder, `$PYENV_ROOT/version`; `system` = the next interpreter on PATH);
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

_VERSION_DIR = lazy(r"python(\d+\.\d+)t?$")
_EXTENSION = lazy(r"^([A-Za-z_][A-Za-z0-9_]*)(\..*)?\.(so|pyd)$")
_SEPARATORS = lazy(r"[-_.]+")
_DIST_SUFFIXES = (".dist-info", ".egg-info")


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
    _listing: dict[str, set[str]] = field(default_factory=dict, compare=False, repr=False)
    _plain: dict[Path, set[str]] = field(default_factory=dict, compare=False, repr=False)

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
                try:
                    names = os.listdir(folder)
                except OSError:
                    continue
                dists.update(normalize(n.rsplit(".", 1)[0].split("-")[0]) for n in names if n.endswith(_DIST_SUFFIXES))
                modules.update(n[:-3] for n in names if n.endswith(".py"))
                modules.update(n.split(".")[0] for n in names if n.endswith((".so", ".pyd")) and _EXTENSION.match(n))
                self._plain[folder] = {n for n in names if n.isidentifier()}
            self._listing["dists"], self._listing["modules"] = dists, modules
        return self._listing["dists"], self._listing["modules"]

    def _package_folder(self, name: str) -> bool:
        return any(name in plain and os.path.isdir(folder / name) for folder, plain in self._plain.items())

    def missing(self, packages: Iterable[tuple[str, str]]) -> tuple[str, ...]:
        """The distributions of (distribution, module) pairs whose metadata and module are both absent."""
        dists, modules = self._names()
        return tuple(dist for dist, module in packages
                     if normalize(dist) not in dists and (top := module.split(".")[0]) not in modules
                     and not self._package_folder(top))


def find_interpreter(directories: Sequence[Path], env: Mapping[str, str]) -> Interpreter | None:
    """The interpreter a developer would use in `directories[0]`, read from disk; None if unknown."""
    for directory in directories:
        for venv in (".venv", "venv"):
            candidate = directory / venv / "bin" / "python"
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return read_interpreter(candidate)
    entries = env.get("PATH", "").split(os.pathsep) if env.get("PATH") else []
    for name in ("python3", "python"):
        found = _which(name, entries)
        if found is not None:
            real = _through_shims(found, name, directories, env, entries)
            return read_interpreter(real) if real is not None else None
    return None


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
    return Interpreter(real, _with_pth([f for f in folders if f.is_dir()]))


def _which(name: str, entries: Sequence[str]) -> Path | None:
    """`shutil.which(name, path=...)` for a bare name on POSIX (shutil costs its imports, bz2 and lzma)."""
    from doctor.host.which import which

    found = which(name, entries)
    return Path(found) if found is not None else None


def _through_shims(found: Path, name: str, directories: Sequence[Path], env: Mapping[str, str],
                   entries: Sequence[str]) -> Path | None:
    """The interpreter a pyenv shim would exec (without running it); `found` itself when no shim."""
    if not _is_script(found):
        return found
    try:
        text = found.read_text(errors="replace")[:2000]
    except OSError:
        return None
    if "pyenv" not in text:
        return None  # another version manager's shim: unknown
    root = Path(env.get("PYENV_ROOT") or found.parent.parent)
    for version in _pyenv_versions(root, directories, env):
        if version == "system":
            rest = [e for e in entries if Path(e) != found.parent]
            after = _which(name, rest)
            return after if after is not None and not _is_script(after) else None
        candidate = root / "versions" / version / "bin" / name
        if candidate.exists():
            return candidate
    return None


def _pyenv_versions(root: Path, directories: Sequence[Path], env: Mapping[str, str]) -> list[str]:
    """pyenv's version-name order: PYENV_VERSION, the nearest `.python-version`, the global file."""
    if env.get("PYENV_VERSION"):
        return env["PYENV_VERSION"].split(":")
    for start in directories[:1]:
        for folder in (start, *start.parents):
            chosen = _read_words(folder / ".python-version")
            if chosen:
                return chosen
    return _read_words(root / "version") or ["system"]


def _read_words(path: Path) -> list[str]:
    try:
        return [w for w in path.read_text(errors="replace").split() if not w.startswith("#")]
    except OSError:
        return []


def _is_script(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(2) == b"#!"
    except OSError:
        return False


def _pyvenv_cfg(path: Path) -> dict[str, str] | None:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return None
    pairs = (line.partition("=") for line in text.splitlines())
    return {key.strip().lower(): value.strip() for key, sep, value in pairs if sep}


def _with_pth(folders: Sequence[Path]) -> tuple[Path, ...]:
    """The folders plus those their `.pth` files name (editable installs, path hooks skipped)."""
    found = list(dict.fromkeys(folders))
    for folder in list(found):
        try:  # a listing, not Path.glob: the standard library folder holds hundreds of names
            pth_files = sorted(folder / name for name in os.listdir(folder) if name.endswith(".pth"))
        except OSError:
            continue
        for pth in pth_files:
            for line in _read_lines(pth):
                line = line.strip()
                if line and not line.startswith(("#", "import ", "import\t")):
                    extra = (folder / line).resolve()
                    if extra.is_dir() and extra not in found:
                        found.append(extra)
    return tuple(found)


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(errors="replace").splitlines()
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
        """The distributions of `packages` the interpreter lacks; none when it is UNKNOWN (no guess)."""
        found = self._read.get(python)
        return found.missing(packages) if found is not None else ()
