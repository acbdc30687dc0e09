"""The modules a Python module star-imports (`from .common import *`), found without importing them.

Django settings split over files bind their paths in one (`BASE_DIR = Path(__file__)...` in
`settings/common.py`) and use them in another that does `from .dev import *`, whose
`dev.py` does `from .common import *`. dotenv_ast follows such names through these files, read
with `ast` and never run. Relative imports are resolved from the module's package, absolute
ones from the folder above its top package (`python -m pkg`) or the nearest folder above it
holding a Django-style entry point (`python manage.py`); a module found nowhere there (the
standard library, an installed package) is not followed. At most MAX_DEPTH levels and
MAX_FILES files per module read.

The files are found from the text alone (no `ast`), so that appenv can name every file a
module's calls depend on before they are remembered (project.memo).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from doctor.lazyre import lazy
from doctor.regular import read_text

TYPE_CHECKING = False  # typing costs a clean preflight ~4 ms: its names are for mypy only
if TYPE_CHECKING:
    from doctor.project.types import Service

MAX_DEPTH = 4
MAX_FILES = 16
ENTRY_POINTS = ("manage.py", "wsgi.py", "asgi.py")

PathSpec = tuple[object, ...]

_MANAGE_DEFAULT = lazy(r"""setdefault\(\s*["']DJANGO_SETTINGS_MODULE["']\s*,\s*["']([A-Za-z0-9_.]+)["']""")


def star_module(path: Path, module: str | None, level: int) -> Path | None:
    """The file of `from <level dots><module> import *` in the module at `path`, when it is one of
    the project's (a sibling package's or a package above the module's)."""
    parts = [p for p in (module or "").split(".") if p]
    if level:
        base = path.parent
        for _ in range(level - 1):
            base = base.parent
        return _module_file(base, parts)
    if not parts:
        return None
    for base in _import_bases(path):
        found = _module_file(base, parts)
        if found is not None:
            return found
    return None


def star_closure(path: Path, text: str) -> tuple[Path, ...]:
    """Every file the module's star imports reach, as deep and as many as dotenv_ast reads."""
    found: list[Path] = []
    todo: list[tuple[Path, str, int]] = [(path, text, 0)]
    while todo and len(found) < MAX_FILES:
        current, body, depth = todo.pop(0)
        if depth >= MAX_DEPTH:
            continue
        for module, level in star_lines(body):
            target = star_module(current, module, level)
            if target is None or target == path or target in found or len(found) >= MAX_FILES:
                continue
            found.append(target)
            try:
                todo.append((target, read_text(target), depth + 1))
            except OSError:
                continue
    return tuple(found)


def star_lines(text: str) -> Iterator[tuple[str | None, int]]:
    """(module, level) of each `from X import *` line of the text, at any indent."""
    if "import *" not in text:
        return
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) == 4 and words[0] == "from" and words[2] == "import" and words[3] == "*":
            name = words[1]
            level = len(name) - len(name.lstrip("."))
            yield name[level:] or None, level


def settings_module(service: Service, image: Mapping[str, str], manage_roots: Iterable[Path] = ()) -> str:
    """The Django settings module the service runs: its DJANGO_SETTINGS_MODULE (compose's, over its
    Dockerfile's ENV `image`), else the default the first `manage.py` of `manage_roots` sets
    (`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")`); "" when none names a
    dotted module (`${SETTINGS}` compose left unset, no manage.py). A caller that cannot tell whether
    the service runs manage.py (gunicorn's `proj.wsgi` may default to another module) names no roots."""
    variable = service.environment.get("DJANGO_SETTINGS_MODULE")
    value = variable.value if variable is not None else image.get("DJANGO_SETTINGS_MODULE")
    if value is not None:
        return value.strip() if _dotted(value.strip()) else ""
    for root in manage_roots:
        text = _text(root / "manage.py")
        found = _MANAGE_DEFAULT.search(text) if text else None
        if found is not None and _dotted(found[1]):
            return str(found[1])
    return ""


def _dotted(name: str) -> bool:
    return bool(name) and all(part.isidentifier() for part in name.split("."))


def unloaded_settings(module: str, files: Iterable[Path]) -> frozenset[Path]:
    """Of `files`, the Django settings modules that DJANGO_SETTINGS_MODULE=`module` never loads:
    the other modules of its settings package (pythondotorg's pydotorg/settings/cabotage.py beside
    the named local.py), that the named module and the modules its star imports reach never import.
    A sibling counts only in a package named like `settings`, or when it star-imports one of the
    modules the named one does (`from .base import *` in both): elsewhere (proj/wsgi.py beside
    proj/settings.py) a sibling is no alternative and may run."""
    parts = module.strip().split(".")
    if len(parts) < 2 or not all(p.isidentifier() for p in parts):
        return frozenset()
    package, name = tuple(parts[:-1]), parts[-1]
    named: dict[Path, tuple[set[Path], set[str]] | None] = {}
    found: set[Path] = set()
    for path in files:
        folder = path.parent
        if path.suffix != ".py" or path.stem == name or path.name == "__init__.py" or \
                folder.parts[-len(package):] != package:
            continue
        if folder not in named:
            named[folder] = _loads(folder / f"{name}.py")
        loads = named[folder]
        if loads is None or path in loads[0] or path.stem in loads[1]:
            continue
        if "settings" in folder.name or loads[0] & set(star_closure(path, _text(path) or "")):
            found.add(path)
    return frozenset(found)


def _loads(path: Path) -> tuple[set[Path], set[str]] | None:
    """The files a module's star imports reach, and the words of the import lines of all of them
    (`from . import email`, `from .logging import LOGGING`); None when the module is no file."""
    text = _text(path)
    if text is None:
        return None
    closure = star_closure(path, text)
    words: set[str] = set()
    for body in (text, *(_text(f) or "" for f in closure)):
        for line in body.splitlines():
            if line.lstrip().startswith(("from ", "import ")):
                words.update("".join(c if c.isalnum() or c == "_" else " " for c in line.split("#", 1)[0]).split())
    return {path, *closure}, words


def _text(path: Path) -> str | None:
    try:
        return read_text(path)
    except OSError:
        return None


def rebase(spec: PathSpec, source: Path, caller: Path) -> PathSpec | None:
    """A path bound in `source` as the module at `caller` sees it: ("file", ...) relative to the
    caller's file instead (both in the container where the caller's folder is); None for a path
    only its own module can work out (find_dotenv() searches from the calling file)."""
    kind = spec[0]
    if kind in ("cwd", "abs", "none"):
        return spec
    if kind == "file":
        target = str(source)
        for _ in range(int(str(spec[1]))):
            target = posixpath.dirname(target)
        target = posixpath.normpath(posixpath.join(target, *(str(p) for p in spec[2:])))
        if target == str(caller):
            return ("file", 0)
        relative = os.path.relpath(target, caller.parent).split(os.sep)
        ups = len(relative) - len([p for p in relative if p != ".."])
        return ("file", 1 + ups, *(p for p in relative[ups:] if p != "."))
    if kind == "env":
        defaults = tuple(r for d in _tuples(spec[2]) if (r := rebase(d, source, caller)) is not None)
        frame = spec[4] if len(spec) > 4 and isinstance(spec[4], tuple) else ()
        if frame and isinstance(frame[0], tuple) and frame[0]:  # `root("conf/" + os.getenv(...))`: root's too
            base = rebase(frame[0], source, caller)
            if base is None:
                return None
            return (*spec[:2], defaults, spec[3], (base, *frame[1:]))
        return (*spec[:2], defaults, *spec[3:])
    return None


def _tuples(value: object) -> tuple[PathSpec, ...]:
    return tuple(v for v in value if isinstance(v, tuple)) if isinstance(value, tuple) else ()


def _module_file(base: Path, parts: list[str]) -> Path | None:
    folder = base.joinpath(*parts)
    for candidate in ((folder / "__init__.py",) if not parts else (folder.with_suffix(".py"), folder / "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


def _import_bases(path: Path) -> Iterator[Path]:
    """Where an absolute import of the module may be found: above its top package, then the
    nearest folder above it holding an entry point (sys.path[0] of `python manage.py`)."""
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    yield folder
    for above in list(path.parents)[:6]:
        if above != folder and any((above / name).is_file() for name in ENTRY_POINTS):
            yield above
            return
