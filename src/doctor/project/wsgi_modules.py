"""The Python module a uWSGI server loads, and the Django settings module a WSGI module defaults to.

healthchecks' web runs `uwsgi /opt/healthchecks/docker/uwsgi.ini`, whose `module = hc.wsgi:application`
loads hc/wsgi.py, which does `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hc.settings")`: the
settings module the app reads unless the environment names another, as for `gunicorn hc.wsgi`. Read:
the ini file uwsgi is given (`uwsgi FILE.ini`, `--ini FILE`) where it reaches the container, its
`module =` / `wsgi =` (`--module`, `-w` on the command line too), and the module's setdefault.
"""

from __future__ import annotations

import re
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.codepaths import CodeMap
from doctor.project.reading import read_regular_text

MAX_BYTES = 256 * 1024
# `uwsgi /path/uwsgi.ini`, `uwsgi --ini /path/x.ini`, `uwsgi --module proj.wsgi:application`, `-w proj.wsgi`
_UWSGI = lazy(r"(?<![\w.-])uwsgi\b([^\n;&|'\"]*)")
_INI_MODULE = lazy(r"^[ \t]*(?:module|wsgi)[ \t]*=[ \t]*([A-Za-z_][\w.]*)", re.MULTILINE)
_SETTINGS_DEFAULT = lazy(r"""setdefault\(\s*["']DJANGO_SETTINGS_MODULE["']\s*,\s*["']([A-Za-z0-9_.]+)["']""")


def uwsgi_modules(starts: str, codes: CodeMap) -> tuple[str, ...]:
    """The dotted modules the uwsgi commands of `starts` load: from their options or the ini file."""
    found: list[str] = []
    for match in _UWSGI.finditer(starts):
        words = match[1].split()
        for index, word in enumerate(words):
            option, _, inline = word.partition("=")
            value = inline or (words[index + 1] if index + 1 < len(words) else "")
            if option in ("--module", "-w", "--wsgi") and value:
                found.append(value.split(":", 1)[0])
            elif word.endswith(".ini") and not word.startswith("-"):
                found.extend(_ini_modules(word, codes))
            elif option == "--ini" and value:
                found.extend(_ini_modules(value, codes))
    return tuple(dict.fromkeys(found))


def _ini_modules(ini: str, codes: CodeMap) -> list[str]:
    mapped = codes.to_host(ini) if ini.startswith("/") else None
    text = read_regular_text(mapped[0], MAX_BYTES) if mapped is not None else None
    return [m[1] for m in _INI_MODULE.finditer(text)] if text else []


def wsgi_settings_default(path: Path) -> str | None:
    """The DJANGO_SETTINGS_MODULE a WSGI (or ASGI) module sets by default, if it sets one."""
    text = read_regular_text(path, MAX_BYTES)
    found = _SETTINGS_DEFAULT.search(text) if text and "DJANGO_SETTINGS_MODULE" in text else None
    return str(found[1]) if found is not None else None
