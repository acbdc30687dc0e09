"""Where a service's browser-facing URLs are dialed: in the developer's browser, or in the container.

`VITE_API_URL=http://localhost:8000` is right for a dev server whose bundle runs in the
developer's browser on the host, and wrong for a service that dials the URL itself from inside
its container: a test runner whose browser runs there (playwright, cypress, puppeteer) or a
server-side-rendering server (Next.js, Nuxt, Remix, SvelteKit, Astro) that fetches it on the
server. The decision is per service, from its image, its Dockerfile's base images, its command
and the JavaScript frameworks its package.json pulls in. A SvelteKit or Nuxt app with server-side
rendering turned off (`export const ssr = false` in the root layout, `ssr: false` in nuxt.config)
is a single-page app: its loads run in the browser, unless it has server code of its own (a
`+page.server.js` load, a `+server.js` endpoint, Nuxt's server/ routes), which still runs there.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.reading import parse_json
from doctor.project.types import Service
from doctor.regular import read_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    T = TypeVar("T")

Read = dict[tuple[str, Path], object]  # what the calls of one run read of a code folder: (what, folder) -> it

RUNNERS = lazy(r"playwright|cypress|puppeteer|selenium|webdriver", re.IGNORECASE)
SSR_COMMAND = lazy(
    r"\bnext\s+(start|dev)\b|\bnuxt\b|\bremix-serve\b|\bastro\s+(dev|preview)\b|\bnode\s+(\.output|build)\b",
    re.IGNORECASE)
SSR_PACKAGES = ("next", "nuxt", "@remix-run/node", "@remix-run/serve", "@sveltejs/adapter-node", "astro")
# the frameworks whose templates keep them in devDependencies though their dev server renders on the server:
# SvelteKit (`+page.server.js` runs there), Nuxt 3
SSR_DEV_PACKAGES = ("@sveltejs/kit", "nuxt")
FROM = lazy(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)", re.IGNORECASE | re.MULTILINE)
SSR_REASON = "a server-side rendering server"  # how dials_from_inside names an SSR server, before its evidence
# the commands and packages of the two frameworks whose SSR a config can turn off (SvelteKit's adapter-node
# build runs as `node build`, Nuxt's as `node .output/server/index.mjs`)
SWITCHABLE_COMMAND = lazy(r"\bnuxt\b|\bnode\s+(\.output|build)\b", re.IGNORECASE)
SWITCHABLE_PACKAGES = ("nuxt", "@sveltejs/kit", "@sveltejs/adapter-node")
KIT_LAYOUTS = ("+layout.js", "+layout.ts", "+layout.server.js", "+layout.server.ts")  # where a root option is set
KIT_SSR_OFF = lazy(r"^[ \t]*export\s+const\s+ssr\s*(?::[^=]*)?=\s*false\b", re.MULTILINE)
KIT_SERVER_FILE = lazy(r"^\+(?:(?:page|layout)\.server|server)\.[jt]s$")
KIT_SERVER_CODE = lazy(r"\b(?:load|actions|GET|POST|PUT|PATCH|DELETE|fallback)\b")
NUXT_CONFIGS = ("nuxt.config.ts", "nuxt.config.js", "nuxt.config.mjs")
NUXT_SSR_OFF = lazy(r"\bssr\s*:\s*false\b|\bmode\s*:\s*['\"]spa['\"]")
NUXT_SERVER_DIRS = ("server/api", "server/routes", "server/middleware")


def dials_from_inside(service: Service, code_folders: list[Path], read: Read | None = None) -> str | None:
    """Why the service opens its browser-facing URLs itself (a test runner, an SSR server), or None.
    `read`: what a former call of this run read of a folder (services share their code folders)."""
    command = service.command if isinstance(service.command, str) else " ".join(service.command or ())
    images = [service.image or ""]
    dockerfile = service.build.dockerfile_path if service.build else None
    if dockerfile is not None:
        with contextlib.suppress(OSError):
            images += FROM.findall(read_text(dockerfile))
        images.append(dockerfile.name)
    runner = next((i for i in images if RUNNERS.search(i)), None) or (
        RUNNERS.search(command) and command)
    if runner:
        return f"a test runner whose browser runs in the container ({runner})"
    if SSR_COMMAND.search(command) and not (
            SWITCHABLE_COMMAND.search(command) and any(_once(read, "ssr-off", f, _ssr_off) for f in code_folders)):
        return f"{SSR_REASON} ({command})"
    for folder in code_folders:
        package = _once(read, "ssr-package", folder, _ssr_package)
        if package is not None and not (package in SWITCHABLE_PACKAGES and _once(read, "ssr-off", folder, _ssr_off)):
            return f"{SSR_REASON} ({package} in {folder.name}/package.json)"
    return None


def renders_server_side(reason: str | None) -> bool:
    """Whether dials_from_inside's reason is an SSR server (whose browser is the developer's, on the
    host), not a test runner (whose browser runs in the container)."""
    return reason is not None and reason.startswith(SSR_REASON)


def _ssr_package(folder: Path) -> str | None:
    try:
        # joined as text: asked of each code folder of every service (otel-demo's 92), most without one
        data = parse_json(read_text(os.path.join(folder, "package.json"), errors="strict"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    deps, dev = data.get("dependencies"), data.get("devDependencies")
    found = next((p for p in SSR_PACKAGES if p in deps), None) if isinstance(deps, dict) else None
    if found is None and isinstance(dev, dict):
        found = next((p for p in SSR_DEV_PACKAGES if p in dev), None)
    return found


def _ssr_off(folder: Path) -> bool:
    """Whether the SvelteKit or Nuxt app in the folder renders nothing on the server: its root layout
    (`src/routes/+layout.js`, `.ts`, or their `.server` forms) exports `ssr = false`, or its nuxt.config
    sets `ssr: false` at its top level (not a `routeRules` entry's, which is one route's) or Nuxt 2's
    `mode: 'spa'`; and it has no server code that runs in the container all the same (a `+page.server.js`
    load or form actions, a `+server.js` endpoint; Nuxt's server/api, server/routes, server/middleware)."""
    routes = folder / "src" / "routes"
    if any(KIT_SSR_OFF.search(_text(routes / name)) for name in KIT_LAYOUTS):
        return not _kit_server_code(routes)
    for name in NUXT_CONFIGS:
        text = _text(folder / name)
        if any(_top_level(text, match.start()) for match in NUXT_SSR_OFF.finditer(text)):
            return not any(os.path.isdir(folder / d) for d in NUXT_SERVER_DIRS)
    return False


def _kit_server_code(routes: Path) -> bool:
    """Whether a route of the SvelteKit app runs code on the server: a `+page.server.js` or `+layout.server.js`
    with a load or actions (not one that only sets page options), or a `+server.js` endpoint."""
    for top, dirs, files in os.walk(routes):
        dirs[:] = [d for d in dirs if d != "node_modules"]
        for name in files:
            if KIT_SERVER_FILE.match(name) and KIT_SERVER_CODE.search(_text(Path(top) / name)):
                return True
    return False


def _top_level(text: str, at: int) -> bool:
    """Whether `at` is a key of the config object itself (`defineNuxtConfig({...})`, `export default {...}`):
    inside one pair of braces and no list, strings and comments skipped."""
    opened: list[str] = []
    i = 0
    while i < at:
        c = text[i]
        if c in "'\"`":  # a string: to its closing quote, escapes skipped
            i += 1
            while i < at and text[i] != c:
                i += 2 if text[i] == "\\" else 1
        elif text.startswith("//", i) or text.startswith("/*", i):
            block = text[i + 1] == "*"
            end = text.find("*/" if block else "\n", i + 2)
            if end < 0 or end >= at:
                return False  # `at` is inside the comment
            i = end + block
        elif c in "{[(":
            opened.append(c)
        elif c in "}])" and opened:
            opened.pop()
        i += 1
    return [c for c in opened if c != "("] == ["{"]


def _text(path: Path) -> str:
    try:
        return read_text(path, 256 * 1024)
    except OSError:
        return ""


# a JavaScript dev server's config file, and what it reads from the environment
DEV_SERVER_CONFIGS = ("vite.config.js", "vite.config.ts", "vite.config.mjs", "vite.config.mts", "vite.config.cjs",
                      "webpack.config.js", "vue.config.js", "src/setupProxy.js", "proxy.conf.js")
PROXY_REACH = 400  # characters after `proxy` a target's variable is read within
_ENV_READ = lazy(r"\b(?:process\.env|env)\.([A-Z_][A-Z0-9_]*)\b|\b(?:process\.env|env)\[['\"]([A-Z_][A-Z0-9_]*)['\"]\]")


def proxied_variables(code_folders: list[Path], read: Read | None = None) -> dict[str, Path]:
    """The variables a dev server's proxy reads (listmonk's vite.config.js: `proxy: {'/api': {target:
    process.env.API_URL}}`), each with its config file: the dev server dials that URL from inside
    its container, whatever key holds it, so `localhost` there is the container itself. `read`:
    what a former call of this run read of a folder."""
    found: dict[str, Path] = {}
    for folder in code_folders:
        proxied = _once(read, "proxied", folder, _proxied_in)
        for name, path in proxied.items():
            found.setdefault(name, path)
    return found


def _proxied_in(folder: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    try:  # a code folder that is missing, or a file, holds no config: its nine names are not tried
        if not stat.S_ISDIR(os.stat(folder).st_mode):
            return found
    except (FileNotFoundError, NotADirectoryError):
        return found
    except OSError:  # cannot tell: each name is tried, as any
        pass
    for name in DEV_SERVER_CONFIGS:
        path = folder / name
        try:
            text = read_text(path, 256 * 1024)
        except OSError:
            continue
        if "proxy" not in text:
            continue
        for match in _ENV_READ.finditer(text):
            before = text.rfind("proxy", 0, match.start())
            if before >= 0 and match.start() - before <= PROXY_REACH:  # in the proxy's block, not `define:`
                found.setdefault(match.group(1) or match.group(2), path)
    return found


def _once(read: Read | None, what: str, folder: Path, compute: Callable[[Path], T]) -> T:
    """compute(folder), kept in `read` under (what, folder) when there is one."""
    if read is None:
        return compute(folder)
    key = (what, folder)
    if key not in read:
        read[key] = compute(folder)
    return read[key]  # type: ignore[return-value]
