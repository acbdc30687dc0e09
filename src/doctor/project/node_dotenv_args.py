"""The arguments of a Node dotenv load, read from its text (never run): `config({ path: X, override:
true })`'s fields, and the file a path expression names (a literal, `path.join(__dirname, ...)`,
`path.resolve(process.cwd(), ...)`) as appenv's PathSpec."""

from __future__ import annotations

import posixpath
import re

from doctor.lazyre import lazy
from doctor.project.appenv import PathSpec

STRING = lazy(r"""^\s*(?:'([^'\\]*)'|"([^"\\]*)"|`([^`\\$]*)`)\s*$""")


def _arguments(code: str, start: int) -> str:
    """The text between a call's parentheses (from just after its `(`), strings skipped over."""
    depth, at, quote = 1, start, ""
    while at < len(code) and depth:
        char = code[at]
        if quote:
            quote = "" if char == quote and code[at - 1] != "\\" else quote
        elif char in "'\"`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        at += 1
    return code[start:at - 1]


def _split(text: str) -> list[str]:
    """Top-level comma-separated parts of an argument list or object literal."""
    parts, depth, quote, current = [], 0, "", ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += char
    return [p for p in (*parts, current.strip()) if p]


def _options(arguments: str) -> tuple[str | None, bool]:
    """`{ path: X, override: true }`: X's text (None when no path is given) and the override flag."""
    fields = _options_fields(arguments)
    override = fields.get("override", "").strip() == "true"
    return fields.get("path"), override


def _options_fields(arguments: str) -> dict[str, str]:
    """An options object's fields, each name with its value's text (`{ path: X }`: {"path": "X"}); none
    where the arguments are no object literal."""
    text = arguments.strip()
    if not text.startswith("{") or not text.endswith("}"):
        return {}
    return dict(re.split(r"\s*:\s*", p, maxsplit=1) for p in _split(text[1:-1]) if ":" in p)


def _path(expression: str) -> tuple[PathSpec, ...]:
    """A path expression's spec: a literal, `path.join|resolve(__dirname | process.cwd(), 'a', ...)`;
    none when doctor cannot tell (a variable, a template with `${...}`)."""
    literal = _string(expression)
    if literal is not None:
        return (_literal(literal),)
    match = re.fullmatch(r"\s*(?:path\s*\.\s*)?(join|resolve)\s*\(([\s\S]*)\)\s*", expression)
    if match is None:
        return ()
    parts = _split(match.group(2))
    base: PathSpec = ("cwd", "")
    if parts and parts[0] in ("__dirname", "import.meta.dirname"):
        base, parts = ("file", 1), parts[1:]
    elif parts and re.fullmatch(r"process\s*\.\s*cwd\s*\(\s*\)", parts[0]):
        parts = parts[1:]
    texts = [_string(p) for p in parts]
    if any(t is None for t in texts):
        return ()
    joined = [str(t) for t in texts]
    if match.group(1) == "resolve" and any(t.startswith("/") for t in joined):
        return (("abs", posixpath.join(*joined)),)
    if base[0] == "file":
        return (("file", 1, *joined),)
    return (_literal(posixpath.join("", *joined) or "."),)


def _string(text: str) -> str | None:
    match = STRING.match(text)
    return None if match is None else next(g for g in match.groups() if g is not None)


def _literal(text: str) -> PathSpec:
    return ("abs", text) if text.startswith("/") else ("cwd", text)
