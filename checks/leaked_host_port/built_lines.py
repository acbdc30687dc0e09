"""leaked-host-port (3): a URL an env file builds from a localhost line of its own is that line's fault.

notiz-dev/nestjs-prisma-starter's `.env` (its env_file too) writes `DB_HOST=localhost` on line 7 and
`DATABASE_URL=postgresql://...@${DB_HOST}:${DB_PORT}/...` on line 14, which compose fills from line 7:
one fault, the host on line 7. The URL's finding moves there and names the URL's line ("DB_HOST=localhost,
which DATABASE_URL at line 14 is built from, is ..."), and a finding of line 7's own (where doctor cannot
read the app's code, so that its dependence on the peer reports DB_HOST too) is folded into it: one
finding at line 7 whether `nest-api` is built (its code read: only DATABASE_URL is dialed) or pulled.
The fix stays the URL's, which is what the app dials.
"""

from __future__ import annotations

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.reading import read_regular_text
from doctor.regular import text_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .local_lines import Lines

# a URL's host written as one variable: `@${DB_HOST}:`, `://$DB_HOST/`, `@${DB_HOST:-localhost}:`
_HOST_VARIABLE = lazy(r"(@|://)\$\{?([A-Za-z_]\w*)(?:[:]?[-=?][^}]*)?\}?(?=[:/?]|$)")
_ASSIGNMENT = lazy(r"""^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=\s*(['"]?)([^'"#\s]*)\2\s*(?:#.*)?$""")


def fold_built(local: Lines) -> Lines:
    """`local` with each URL line whose host is an earlier localhost line's variable moved to that line."""
    folded: Lines = {}
    moved: dict[tuple[Location | None, str], tuple[Location, str]] = {}
    texts: dict[object, list[str]] = {}
    for (at, shown), dials in local.items():
        dial = dials[0][1] if dials else None
        if at is None or at.line is None or dial is None or dial.ref.scheme is None:
            continue
        if at.path not in texts:
            texts[at.path] = text_lines(read_regular_text(at.path, 256 * 1024) or "")
        lines = texts[at.path]
        line = at.line
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        # the host follows the userinfo's `@` where there is one (`://${USER}:${PASSWORD}@${DB_HOST}:`)
        found = list(_HOST_VARIABLE.finditer(text))
        name = next((m[2] for m in found if m[1] == "@"), None) or (found[0][2] if len(found) == 1 else None)
        source = _assigned(lines[:line - 1], name, dial.ref.host) if name is not None else None
        if name is not None and source is not None:
            moved[(at, shown)] = (Location(at.path, source),
                                  f"{name}={dial.ref.host}, which {dial.var.name} at line {line} is built from,")
    targets = {(where.path, where.line): {s.name for s, _, _, _ in local[key]} for key, (where, _) in moved.items()}
    for (at, shown), dials in local.items():
        if (at, shown) in moved:
            folded.setdefault(moved[(at, shown)], []).extend(dials)
        elif at is not None and (at.path, at.line) in targets and {s.name for s, _, _, _ in dials} <= targets[
                (at.path, at.line)]:
            continue  # the variable's own finding: the URL's, moved here, says it
        else:
            folded[(at, shown)] = dials
    return folded


def _assigned(lines: list[str], name: str, host: str) -> int | None:
    """The 1-based line, of those before the URL, that last sets `name` to `host`."""
    for number in range(len(lines), 0, -1):
        match = _ASSIGNMENT.match(lines[number - 1])
        if match is not None and match[1] == name:
            return number if match[3] == host else None
    return None
