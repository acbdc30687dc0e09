"""The arguments of a Node dotenv load, read from its text (never run): `config({ path: X, override:
true })`'s fields, and the file a path expression names (a literal, `path.join(__dirname, ...)`,
`path.resolve(process.cwd(), ...)`) as appenv's PathSpec."""

from __future__ import annotations

import posixpath
import re

from doctor.lazyre import lazy
from doctor.project.appenv import PathSpec

STRING = lazy(r"""^\s*(?:'([^'\\]*)'|"([^"\\]*)"|`([^`\\$]*)`)\s*$""")
# a template literal reading one variable, with an optional fallback: `.env.${process.env.NODE_ENV || 'dev'}`
TEMPLATE = lazy(r"""^\s*`([^`\\$]*)\$\{\s*process\s*\.\s*env\s*"""
                r"""(?:\.\s*([A-Za-z_]\w*)|\[\s*(['"])([A-Za-z_]\w*)\3\s*\])"""
                r"""\s*(?:(\|\||\?\?)\s*(?:'([^'\\]*)'|"([^"\\]*)"))?\s*\}([^`\\$]*)`\s*$""")


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
    """A path expression's spec: a literal, a template reading one variable (``.env.${process.env.NODE_ENV
    || 'development'}.local``), `path.join|resolve(__dirname | process.cwd(), 'a', ...)` whose last part
    may be such a template; none when doctor cannot tell (a variable, a template reading anything else)."""
    literal = _string(expression)
    if literal is not None:
        return (_literal(literal),)
    template = _template(expression)
    if template is not None:
        return (_framed((), template),)
    match = re.fullmatch(r"\s*(?:path\s*\.\s*)?(join|resolve)\s*\(([\s\S]*)\)\s*", expression)
    if match is None:
        return ()
    parts = _split(match.group(2))
    base: PathSpec = ("cwd", "")
    if parts and parts[0] in ("__dirname", "import.meta.dirname"):
        base, parts = ("file", 1), parts[1:]
    elif parts and re.fullmatch(r"process\s*\.\s*cwd\s*\(\s*\)", parts[0]):
        parts = parts[1:]
    last = _template(parts[-1]) if parts else None
    texts = [_string(p) for p in (parts[:-1] if last is not None else parts)]
    if any(t is None for t in texts):
        return ()
    joined = [str(t) for t in texts]
    if last is not None:  # base / (prefix + $NAME + suffix): the folder the earlier parts name
        folder = ("file", 1, *joined) if base[0] == "file" else _literal(posixpath.join("", *joined) or ".")
        return (_framed(folder, last),)
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


def _template(text: str) -> tuple[str, str, str, str] | None:
    """A template literal reading one variable: its prefix, the variable, the text it stands for when
    unset, and its suffix (``.env.${process.env.NODE_ENV || 'development'}``: '.env.', 'NODE_ENV',
    'development', ''). Unset with no fallback, JavaScript writes `undefined`."""
    match = TEMPLATE.match(text)
    if match is None:
        return None
    default = match[6] if match[6] is not None else match[7] if match[7] is not None else "undefined"
    return match[1], match[2] or match[4], default, match[8]


def _framed(base: PathSpec, template: tuple[str, str, str, str]) -> PathSpec:
    """appenv's ("env", NAME, defaults, (), (base, prefix, suffix)): base / (prefix + $NAME + suffix),
    the working dir without a base, its default the file the template names with NAME unset."""
    prefix, name, default, suffix = template
    whole = prefix + default + suffix
    if base:
        fallback: PathSpec = (*base, whole) if base[0] == "file" else _literal(posixpath.join(str(base[1]), whole))
    else:
        fallback = _literal(whole)
    return ("env", name, (fallback,), (), (base, prefix, suffix))
