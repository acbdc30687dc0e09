"""The moved service's settings code that still names the old host port: djangoproject.com's
`PARENT_HOST = "djangoproject.localhost:8000"` in `djangoproject/settings/dev.py`.

After `fix --ports` moves web from 8000 to 8001, django-hosts builds every link to
`djangoproject.localhost:8000` from that line, and nothing said so. doctor does not edit code
(the value may be the server's own port in its container): it names the lines, after the move.

A bounded look, made only when a port is moved: the settings module the service is told
(`DJANGO_SETTINGS_MODULE` in its environment, else in its Dockerfile's ENV, else the default its
`manage.py` sets), found below
its build context, its bind-mounted folders or the project folder, and the project modules it
imports from (`from .dev import *`), at most MAX_FILES files of at most MAX_BYTES each.
"""

from __future__ import annotations

import re
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.reading import is_dir, is_file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.types import Service

MAX_FILES = 8
MAX_BYTES = 256 * 1024
MAX_SHOWN = 3

_MODULE = lazy(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")
_IMPORT_FROM = lazy(r"^\s*from\s+(\.*[A-Za-z0-9_.]*)\s+import\b", re.MULTILINE)


def old_port_in_code(project: Project, service: Service, old: int, new: int) -> str:
    """`the code still names the old port 8000: proj/settings.py:1; set 8001 there if it is the
    address browsers open`, or "" when the service's settings code names no `localhost:old`
    (`*.localhost`, `127.0.0.1`)."""
    from doctor.project.appenv import image_env
    from doctor.project.star_imports import settings_module

    roots = _code_roots(project, service)
    module = settings_module(service, image_env(project, service), roots)
    if not module or not roots:
        return ""
    first = _module_file(module, roots)
    if first is None:
        return ""
    names = re.compile(rf"(?<![\w-])(?:[\w-]+\.)*localhost:{old}(?!\d)|(?<![\w.-])127\.0\.0\.1:{old}(?!\d)")
    found: dict[str, list[int]] = {}
    queue, seen = [(first, module)], {first}
    while queue and len(seen) <= MAX_FILES:
        path, name = queue.pop(0)
        text = _text(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if names.search(line) and not line.lstrip().startswith("#"):
                found.setdefault(project.shown(path), []).append(number)
        for imported in _IMPORT_FROM.findall(text):
            target = _imported(imported, name, path, roots)
            if target is not None and target[0] not in seen and len(seen) < MAX_FILES:
                seen.add(target[0])
                queue.append(target)
    if not found:
        return ""
    shown = [f"{name}:{','.join(map(str, lines[:MAX_SHOWN]))}" for name, lines in list(found.items())[:MAX_SHOWN]]
    return (f"the code still names the old port {old}: {', '.join(shown)}; set {new} there if it is the address "
            f"browsers open")


def _code_roots(project: Project, service: Service) -> list[Path]:
    """The folders the service's code comes from: its local build context, its bind-mounted folders
    and the project folder, each once."""
    roots: list[Path] = []
    build = service.build
    if build is not None and "://" not in build.context and not build.context.startswith("git@"):
        roots.append(Path(build.context))
    roots += [Path(m.source) for m in service.volumes if m.type == "bind" and m.source]
    roots.append(project.root)
    return [r for r in dict.fromkeys(roots) if is_dir(r)][:MAX_FILES]


def _module_file(module: str, roots: list[Path]) -> Path | None:
    """The file of a dotted module below one of `roots` (`a/b.py`, `a/b/__init__.py`)."""
    parts = module.split(".")
    for root in roots:
        for path in (root.joinpath(*parts).with_suffix(".py"), root.joinpath(*parts, "__init__.py")):
            if is_file(path):
                return path
    return None


def _imported(imported: str, module: str, path: Path, roots: list[Path]) -> tuple[Path, str] | None:
    """The project file of a `from X import` in `module` (at `path`): a relative one resolved
    against the module's package, an absolute one below the roots; None when it is not the project's."""
    dots = len(imported) - len(imported.lstrip("."))
    rest = imported[dots:]
    if dots:
        package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
        if dots - 1 > len(package):
            return None
        base = package[:len(package) - (dots - 1)]
        name = ".".join([*base, *([rest] if rest else [])])
    else:
        name = rest
    if not name or not _MODULE.match(name):
        return None
    found = _module_file(name, roots)
    return (found, name) if found is not None else None


def _text(path: Path) -> str | None:
    from doctor.project.reading import read_regular_text

    return read_regular_text(path, MAX_BYTES)
