"""The project's code that still names the old host port after a move: djangoproject.com's
`PARENT_HOST = "djangoproject.localhost:8000"` in `djangoproject/settings/dev.py`, and
django-react-boilerplate's `publicPath: 'http://localhost:3000/frontend/webpack_bundles/'` in
`webpack.config.js` and `LOCAL_HOST_URL = "http://localhost:3000"` (its CSP allow-list) in the
backend's `settings/local_base.py`.

After `fix --ports` moves web from 8000 to 8001, django-hosts builds every link to
`djangoproject.localhost:8000` from that line, and nothing said so; after it moves the frontend
from 3000, the browser still loads the bundles from 3000 (another worktree's server). doctor does
not edit code (the value may be the server's own port in its container): it names the lines, after
the move, as a step left to the developer.

A bounded look, made only when a port is moved: the settings module each service is told
(`DJANGO_SETTINGS_MODULE` in its environment, else in its Dockerfile's ENV, else the default its
`manage.py` sets), found below its build context, its bind-mounted folders or the project folder,
and the project modules it imports from (`from .dev import *`), at most MAX_FILES files per service;
and the JS build tools' config files (`webpack.config.js`, `vite.config.ts`, JS_CONFIG) in the moved
service's code folders, the project folder and its app folders (host_follow.app_folders: never
node_modules), at most MAX_FILES of them; each file at most MAX_BYTES.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.reading import is_dir, is_file
from doctor.regular import text_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.types import Service

MAX_FILES = 8
MAX_BYTES = 256 * 1024
MAX_SHOWN = 3

_MODULE = lazy(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")
_IMPORT_FROM = lazy(r"^\s*from\s+(\.*[A-Za-z0-9_.]*)\s+import\b", re.MULTILINE)
# the config files of the JS build tools and dev servers, where a bundle's public address is written
# (webpack's `publicPath`, vite's `base` and `server.origin`): `webpack.config.js`, `webpack.dev.js`
JS_CONFIG = lazy(r"^(?:webpack|vite|vitest|next|nuxt|vue|rollup|rspack|svelte|astro|remix)(?:\.[\w-]+)*"
                 r"\.(?:js|cjs|mjs|ts|cts|mts)$")
# a line that is a comment: `# was localhost:8000`, `// publicPath: ...`, a block comment's `* ...`
_COMMENT = lazy(r"^\s*(?:#|//|/?\*)")


def old_port_in_code(project: Project, service: Service, old: int, new: int) -> str:
    """`change http://localhost:8000 to http://localhost:8001 in proj/settings.py:1 if it is the address
    browsers open` (with `port 8000 to 8001` where the lines name it differently), or "" when neither
    a service's settings code nor a JS config file names `localhost:old` (`*.localhost`, `127.0.0.1`)."""
    names = re.compile(rf"(?:https?://)?(?:(?<![\w-])(?:[\w-]+\.)*localhost|(?<![\w.-])127\.0\.0\.1):{old}(?!\d)")
    found: dict[str, list[int]] = {}
    said: set[str] = set()
    seen: set[Path] = set()
    files = [*_js_configs(project, service),
             *(path for other in (service, *project.compose.services.values())
               for path in _settings_files(project, other, seen))]
    for path in dict.fromkeys(files):
        text = _text(path)
        for number, line in enumerate(text_lines(text or ""), 1):
            hit = names.search(line)
            if hit is not None and not _COMMENT.match(line):
                found.setdefault(project.shown(path), []).append(number)
                said.add(hit[0])
    if not found:
        return ""
    shown = [f"{name}:{','.join(map(str, lines[:MAX_SHOWN]))}" for name, lines in list(found.items())[:MAX_SHOWN]]
    more = f" and {len(found) - MAX_SHOWN} more" if len(found) > MAX_SHOWN else ""
    what = f"{(one := said.pop())} to {one[:-len(str(old))]}{new}" if len(said) == 1 else f"port {old} to {new}"
    return f"change {what} in {', '.join(shown)}{more} if it is the address browsers open"


def _settings_files(project: Project, service: Service, seen: set[Path]) -> list[Path]:
    """The service's settings module and the project modules it imports from, not in `seen` (the
    files another service's look read already), at most MAX_FILES."""
    from doctor.project.appenv import image_env
    from doctor.project.star_imports import settings_module

    roots = _code_roots(project, service)
    module = settings_module(service, image_env(project, service), roots)
    first = _module_file(module, roots) if module and roots else None
    if first is None or first in seen:
        return []
    files: list[Path] = []
    queue = [(first, module)]
    seen.add(first)
    while queue and len(files) < MAX_FILES:
        path, name = queue.pop(0)
        files.append(path)
        for imported in _IMPORT_FROM.findall(_text(path) or ""):
            target = _imported(imported, name, path, roots)
            if target is not None and target[0] not in seen and len(files) + len(queue) < MAX_FILES:
                seen.add(target[0])
                queue.append(target)
    return files


def _js_configs(project: Project, service: Service) -> list[Path]:
    """The JS build tools' config files (JS_CONFIG) in the moved service's code folders, the project
    folder and its app folders, at most MAX_FILES."""
    from .host_follow import app_folders

    folders = dict.fromkeys([*_code_roots(project, service), *app_folders(project.root)])
    found: list[Path] = []
    for folder in folders:
        try:
            names = sorted(e.name for e in os.scandir(folder) if JS_CONFIG.match(e.name))
        except OSError:
            continue
        found += [folder / name for name in names if is_file(folder / name)]
        if len(found) >= MAX_FILES:
            break
    return found[:MAX_FILES]


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
