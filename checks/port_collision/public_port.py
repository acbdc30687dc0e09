"""A port variable a service's code builds its public address from: the host port browsers open.

bookwyrm's `.env` `PORT=1333` publishes nginx (`"${PORT:-80}:80"`) and reaches `web` through
`env_file`, whose settings build `NETLOC = f"{DOMAIN}:{PORT}"`, `BASE_URL` and
`CSRF_TRUSTED_ORIGINS` from it: not a peer's port `web` dials on the network but the address of
the site as the browser opens it. When `fix --ports` moves the host port, that reader follows the
move (pins.py leaves it unpinned); a reader that dials a peer with it (`f"http://nginx:{PORT}"`:
the host a service name) keeps today's value, as before. A word search over the service's
source text (doctor.project.codetext), like pins.py's: the lines naming the variable, and the
names they assign it to (`PORT = env.int("PORT", 80)`), are read for an address built with a
host.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.codetext import CodeText
from doctor.regular import text_lines

from .follow import site_key

# a name assigned on a line (`PORT = ...`, `const port = ...`, `port: int = ...`)
_ASSIGNS = lazy(r"^\s*(?:(?:const|let|var|export|final)\s+)?([A-Za-z_]\w*)\s*(?::[^=\n]*)?=(?!=)")
# what names a site's public host in an expression: `{DOMAIN}`, `{settings.SITE_NAME}`, `PUBLIC_HOST`
_SITE_WORD = lazy(r"DOMAIN|SITE|PUBLIC|SERVER_NAME|NETLOC|EXTERNAL|ORIGIN", re.IGNORECASE)
# keys a settings module names its public address with, beside site_key's (SITE_URL, BASE_URL, *_DOMAIN)
_ADDRESS_NAMES = frozenset({"NETLOC", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "CORS_ALLOWED_ORIGINS"})
_TEST_PARTS = frozenset({"tests", "test", "__tests__", "spec"})


def public_reader(code: CodeText, name: str, folders: Iterable[Path],
                  services: Iterable[str]) -> tuple[Path, int] | None:
    """Where the code under `folders` builds a public address from the variable `name` (file, line):
    an assignment to a site key (`BASE_URL = f"http://{DOMAIN}:{PORT}"`, `NETLOC`, `ALLOWED_HOSTS`), or
    a `host:port` whose host names the site (`f"{DOMAIN}:{PORT}"`, `"http://%s:%s" % (DOMAIN, PORT)`).
    None when there is none, or when some line dials a service by name with it (`f"http://nginx:{PORT}"`):
    then it is a peer's port as well, and today's value is kept."""
    word = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")
    peer = _peer_pattern(services)
    found: tuple[Path, int] | None = None
    for folder in folders:
        for path, text in code.files(folder):
            if not word.search(text) or _is_test(path, folder):
                continue
            lines = text_lines(text)
            aliases = {name}
            for line in lines:  # `PORT = env.int("PORT", 80)`, `const port = process.env.PORT`
                assigned = _ASSIGNS.match(line)
                if assigned is not None and word.search(line[assigned.end():]):
                    aliases.add(assigned[1])
            named = re.compile(rf"(?<![A-Za-z0-9_.])(?:{'|'.join(map(re.escape, sorted(aliases)))})(?![A-Za-z0-9_])")
            for number, line in enumerate(lines, 1):
                if not named.search(line) or line.lstrip().startswith(("#", "//")):
                    continue
                if peer is not None and peer.search(line):
                    return None  # dials a service with it: a peer's port on the network
                if found is None and _builds_address(line, named):
                    found = (path, number)
    return found


def _builds_address(line: str, named: re.Pattern[str]) -> bool:
    """Whether the line builds a public address from an alias of the variable (`named`)."""
    assigned = _ASSIGNS.match(line)
    if assigned is not None and named.search(line[assigned.end():]):
        target = assigned[1]
        if site_key(target) or target.upper() in _ADDRESS_NAMES:
            return True
    # `{DOMAIN}:{PORT}` (an f-string, a JS template's `${host}:${port}`), `%s:%s` with the site's host
    for host in re.finditer(r"\{([^{}]+)\}:\$?\{([^{}]+)\}", line):
        if _SITE_WORD.search(host[1]) and named.search(host[2]):
            return True
    return bool(re.search(r"%s:%[sd]", line) and _SITE_WORD.search(line.split("%s:%", 1)[1]))


def _peer_pattern(services: Iterable[str]) -> re.Pattern[str] | None:
    """A service name written as a host with a port after it (`nginx:{PORT}`, `"http://web:" + port`)."""
    names = sorted(services, key=len, reverse=True)
    if not names:
        return None
    return re.compile(rf"(?<![\w.-])(?:{'|'.join(map(re.escape, names))}):(?![:/])")


def _is_test(path: Path, folder: Path) -> bool:
    """A test's file below `folder` (a `tests` folder, `test_*.py`): what it builds says nothing of the app."""
    parts = path.relative_to(folder).parts if path.is_relative_to(folder) else path.parts
    name = path.name.lower()
    return any(part in _TEST_PARTS for part in parts[:-1]) or name.startswith("test_") or ".test." in name
