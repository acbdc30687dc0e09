"""compose-config's fix for a reference to something no compose file defines: the one defined name
it was likely meant as (a typo, `-`/`_` swapped, a prefix or suffix, an abbreviation), rewritten at
its line; else where to define it. django-on-docker with its db's `- pgdata:/var/lib/...` while the
top level declares `postgres_data`: compose says `service "db" refers to undefined volume pgdata`."""

from __future__ import annotations

from pathlib import Path

from doctor.model import Edit, Fix, Safety
from doctor.project import Project
from doctor.project.types import Problem

# a name compose accepts for a volume, network, secret, config or service: written plain in YAML,
# quoted or not, so putting it where another such name stood keeps the line's quoting valid
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_SEPARATORS = str.maketrans("", "", "-_.")


def closest(name: str, names: list[str]) -> str | None:
    """The one name of `names` clearly closest to `name`, or None: none is close, or two are as close
    (`db1` and `db2` for `db3`: which is meant is the author's call)."""
    ranked = sorted((rank, other) for other in set(names) if other != name
                    and (rank := _rank(name, other)) is not None)
    if not ranked or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None
    return ranked[0][1]


def _rank(name: str, other: str) -> int | None:
    """How close two names are (lower is closer), None when not close: 0 the same but for case and
    `-`/`_`/`.`; 1-2 that many typos (one for short names); 3 one a prefix or suffix of the other
    (`postgres` for `postgres_data`); 4 one an abbreviation of the other (`pgdata`)."""
    a, b = name.lower().translate(_SEPARATORS), other.lower().translate(_SEPARATORS)
    if not a or not b:
        return None
    if a == b:
        return 0
    short, long = sorted((a, b), key=len)
    typos = _distance(a, b)
    if typos <= (1 if len(short) <= 4 else 2):
        return typos
    if len(short) < 3:
        return None
    if long.startswith(short) or long.endswith(short):
        return 3
    if short[0] == long[0] and short[-1] == long[-1] and _in_order(short, long):
        return 4
    return None


def _distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from `a` to `b` (optimal string alignment)."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[-1]


def _in_order(short: str, long: str) -> bool:
    """Whether the letters of `short` appear in `long` in the same order."""
    rest = iter(long)
    return all(letter in rest for letter in short)


def rename_fix(project: Project, problem: Problem, name: str, meant: str, title: str,
               safety: Safety = Safety.SAFE) -> Fix:
    """`title` (a did-you-mean), with the edit renaming `name` to `meant` where its one occurrence in
    the block at the problem's line is found, else as advice."""
    edit = _rename_edit(problem, name, meant) if set(meant) <= _NAME_CHARS else None
    if edit is None:
        return Fix(title, Safety.ADVICE)
    where = f"{project.shown(edit.path)}:{edit.line}"
    return Fix(f"{title} (rename it at {where})", safety, (edit,))


def _rename_edit(problem: Problem, name: str, meant: str) -> Edit | None:
    """The edit of the one line, in the block the problem points at (the key `depends_on:` and the
    lines under it, or one list item), where `name` stands as a word once; None unless exactly one."""
    from doctor.project.edits import Bounded, line_text, replace_on_line

    at = problem.location
    if at is None or at.line is None:
        return None
    # `/`, `-` or `=` before it: `./pgdata` is a path, `${X:-pgdata}` a default: not the reference
    word = Bounded(name, "./=-", "./-")
    lines = []
    for number in _block(at.path, at.line):
        text = line_text(at.path, number) or ""
        code = "" if text.lstrip().startswith("#") else text.split(" #", 1)[0]
        found = len(word.spans(code))
        if found != len(word.spans(text)):
            return None  # named again in a comment: which occurrence is the reference is not certain
        if found:
            lines.append((number, found))
    if len(lines) != 1 or lines[0][1] != 1:
        return None
    return replace_on_line(at.path, lines[0][0], word, meant)


def _block(path: Path, start: int) -> list[int]:
    """The line numbers of the key or list item at line `start` and of the lines nested under it."""
    from doctor.project.edits import line_text

    first = line_text(path, start)
    if first is None:
        return []
    indent = len(first) - len(first.lstrip(" "))
    item = first.lstrip(" ").startswith("-")
    numbers, number = [start], start + 1
    while (text := line_text(path, number)) is not None:
        body = text.lstrip(" ")
        if body and not body.startswith("#"):
            depth = len(text) - len(body)
            # under a key, a list may sit at the key's own indent (`depends_on:` then `- db`)
            if depth < indent or (depth == indent and (item or not body.startswith("- "))):
                break
        numbers.append(number)
        number += 1
    return numbers


def define_fix(project: Project, problem: Problem, kind: str, name: str) -> Fix:
    """Advice: define volume (network, secret, config, model) `name` at the top level of the file whose
    service refers to it. Worded without a `key:` before other words: the output border masks what follows
    a secret-named key (`'db_password:' with its ...`, `'secrets:' and under it ...`), and did here."""
    path = problem.location.path if problem.location is not None else None
    shown = project.shown(path) if path is not None else "the compose file"
    section = f"{kind}s"
    needs = (", with its 'file' or 'environment'" if kind in ("secret", "config") else
             ", with its 'model' (an image such as ai/smollm2)" if kind == "model" else "")
    if path is not None and _has_top_level(project, path, section):
        where = f"under the top-level '{section}' of {shown}"
    else:
        where = f"in a new top-level '{section}' section of {shown}"
    return Fix(f"define {kind} {name!r} {where}{needs} (or name a defined one)", Safety.ADVICE)


def _has_top_level(project: Project, path: Path, section: str) -> bool:
    return any(isinstance(doc, dict) and section in doc
               for found in project.compose_documents() if found.path == path for doc in found.docs)


def defined(project: Project, section: str, path: Path | None = None) -> list[str]:
    """The names the loaded compose files (only `path`, when given) define under top-level `section`."""
    names: list[str] = []
    for found in project.compose_documents():
        if path is not None and found.path != path:
            continue
        for doc in found.docs:
            value = doc.get(section) if isinstance(doc, dict) else None
            if isinstance(value, dict):
                names.extend(str(key) for key in value)
    return names
