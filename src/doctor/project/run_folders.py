"""The folders of scripts a start script runs one by one, read from its text.

An image's entrypoint often runs each script of a folder: `run-parts /etc/entrypoint.d`, a loop over
`/docker-entrypoint.d/*.sh` (`for f in ...; do . "$f"; done`), or nginx's `find /docker-entrypoint.d/
-follow -type f -print | sort -V | while read -r f; do ... "$f"`. What those scripts do at start is the
entrypoint's doing (pixelfed's /docker/entrypoint.d/10-storage.sh copies its storage skeleton back).
A loop counts where its body runs or sources the file it reads. The folder is read as the script
writes it, the variables filled in: the container's environment (`values`), then the script's own
assignments (`X=...`) and defaults (pixelfed's `: "${ENTRYPOINT_D_ROOT:="${ENTRYPOINT_ROOT}/entrypoint.d/"}"`
below `: "${ENTRYPOINT_ROOT:="/docker"}"`), which yield to a value the environment gives. A folder
written with a variable doctor does not know is none it names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from doctor.lazyre import lazy

# `: "${NAME:=value}"` (or `${NAME=value}`): NAME's default, kept where NAME has a value already
_DEFAULT = lazy(r"""^:\s+"?\$\{([A-Za-z_][A-Za-z0-9_]*):?=(.*)\}"?\s*(?:#.*)?$""")
# `NAME=value`, `export NAME=value`: one word, quoted or not (a command after it is an environment for that one)
_ASSIGN = lazy(r"""^(?:export\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s'";&|]*)\s*(?:#.*)?$""")
# `${NAME}`, `${NAME:-d}`, `${NAME:=d}` (and without the colon), `$NAME`
_REFERENCE = lazy(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
# `run-parts [--options] DIR` where a command starts
_RUN_PARTS = lazy(r"""(?:^|[;&|(]|\bthen\b|\bdo\b)\s*(?:exec\s+)?run-parts\s+([^;&|#\n]+)""", re.MULTILINE)
# `for f in DIR/*.sh; do` (a glob in the list's last part names the folder)
_FOR = lazy(r"""\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\s+([^;\n]+?)\s*(?:;|\n)""")
# `find DIR ... | sort -V | while read -r f`: nginx's docker-entrypoint.sh, and pixelfed's
_FIND_READ = lazy(r"""\bfind\s+("[^"]+"|'[^']+'|[^\s;|&]+)[^\n]*?\|\s*while\s+(?:IFS=\S*\s+)?"""
                  r"""read\s+(?:-[a-z]+\s+)*([A-Za-z_][A-Za-z0-9_]*)""")
# a command that runs or sources the file a variable holds: `"$f"`, `. "$f"`, `source "${file}"`, `sh $f`
_RUNS_A_FILE = lazy(r"""(?:^|[;&|({]|\bthen\b|\bdo\b|\belse\b)\s*"""
                    r"""(?:(?:\.|source|exec|(?:/usr)?(?:/bin/)?(?:ba|da)?sh)\s+)?"""
                    r""""?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?(?![A-Za-z0-9_])""", re.MULTILINE)


def folders_run(text: str, values: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """Each folder whose scripts `text` runs one by one, as the script writes it (an absolute path, or
    one against the working directory), with the glob its names are taken by (`*.sh`, else `*`)."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    known = _known(lines, dict(values))
    body = "\n".join(lines)
    for match in _RUN_PARTS.finditer(body):
        words = [w for w in match.group(1).split() if not w.startswith("-")]
        folder = _filled(words[-1], known) if words else None
        if folder:
            yield folder, "*"
    for match in _FOR.finditer(body):
        if not _runs(body[match.end():], match.group(1)):
            continue
        for word in match.group(2).split():
            path = _filled(word, known)
            if path and "/" in path and any(c in path.rsplit("/", 1)[1] for c in "*?["):
                folder, _, pattern = path.rpartition("/")
                yield folder or "/", pattern
    for match in _FIND_READ.finditer(body):
        folder = _filled(match.group(1), known)
        if folder and _runs(body[match.end():], match.group(2)):
            yield folder, "*"


def _known(lines: list[str], known: dict[str, str]) -> dict[str, str]:
    """The variables of the environment, with those the script sets itself, in order: an assignment
    replaces a value, a `:=` default only fills one in."""
    for line in lines:
        default = _DEFAULT.match(line)
        if default is not None:
            name, value = default.group(1), _filled(default.group(2), known)
            if not known.get(name) and value is not None:
                known[name] = value
            continue
        assign = _ASSIGN.match(line)
        if assign is not None:
            value = _filled(assign.group(2), known)
            if value is None:
                known.pop(assign.group(1), None)
            else:
                known[assign.group(1)] = value
    return known


def _filled(word: str, known: Mapping[str, str]) -> str | None:
    """`word` unquoted, its variables filled in (a default where one is unset: `${X:-/docker}`); None
    where one is neither known nor defaulted."""
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        name, default = match.group(1) or match.group(3), match.group(2)
        if name in known and (known[name] or default is None):
            return known[name]
        filled = _filled(default, known) if default is not None else None
        missing = missing or filled is None
        return filled or ""

    text = word.strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    text = _REFERENCE.sub(value, text.replace('"', "")) if "$" in text else text.replace('"', "")
    return None if missing or "$" in text or "`" in text else text


def _runs(after: str, name: str) -> bool:
    """Whether the loop's body (the text after its head) runs or sources the file its variable holds."""
    return any(match.group(1) == name for match in _RUNS_A_FILE.finditer(after))
