"""Where a weak known secret (a short or word-like value: `conductor`, `postgres`) stands alone in a text,
and so is masked there: not inside a word, a name or a path, and not where the same word is a URL's
scheme (`postgres://app:***@db/app`) or a mapping's key (`  postgres:`, `{"postgres": ...}`, a volume's
`- postgres:/var/lib/postgresql/data` in a diff), which a password that is a common word made `***://`
and `  ***:`: unreadable, and telling the reader the password all the same. Where such a word is the
secret (`POSTGRES_PASSWORD: postgres`, `-ppostgres`, a URL's password), its shape masks it.
"""

from __future__ import annotations

import re

from doctor.lazyre import lazy
from doctor.secret_keys import secret_for_key
from doctor.secret_shapes import MASK


def _word(char: str, marks: str) -> bool:
    """Whether `char` (one character, or "" at the text's end) is a word's or one of `marks`."""
    return bool(char) and (char.isalnum() or char in marks)


def key_or_scheme(text: str, at: int, end: int) -> bool:
    """Whether the word at text[at:end] (quoted or not) is a URL's scheme, or a mapping's key (or a volume's
    name before its `:/path`) where a key begins: at its line's start (after indentation, a list's `- `, a
    diff's `+`), or after JSON's `{` or `,`. Not a value: `the password is postgres: try again`."""
    if text.startswith("://", end):
        return True
    quoted = text[end:end + 1] in ("\"", "'") and at > 0 and text[at - 1] == text[end]
    colon = end + 1 if quoted else end
    if text[colon:colon + 1] != ":":
        return False
    after = text[colon + 1:colon + 2]
    if after and not after.isspace() and after != "/":
        return False
    before = (at - 1 if quoted else at)
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    return before == 0 or text[before - 1] in "\n{[,-+"


# what may stand before a line's own text: a compose log's `db-1  | `, BuildKit's excerpt of a Dockerfile
# (`  10 |     `, `  11 | >>> `), a diff's `+`/`-`
_LINE_HEAD = r"[ \t]*+(?:[\w.-]++[ \t]++\|(?:[ \t]*+>>>)?[ \t]*+|[+-][ \t]*+)?"
# and before a value that is also a name the project shows in the clear (a service, a volume, the superuser
# `postgres`): no diff's `+`/`-`, which is also a YAML list's `- postgres` (a `depends_on:` in a fix's diff)
_NAME_LINE_HEAD = r"[ \t]*+(?:[\w.-]++[ \t]++\|(?:[ \t]*+>>>)?[ \t]*+)?"


def quoted_pattern(values: list[str], *, names: bool = False) -> re.Pattern[str]:
    """The `values` where a text says one is a value, though it is a word that names a secret
    (`doctor.secret_keys.names_a_secret`), masked only so and by shape, as a word of a sentence (`password
    authentication failed`) or a key it stays: between a pair of quotes (`POSTGRES_PASSWORD is 'password'`), a
    line of its own (a secret file's content), after a key naming a secret in a Dockerfile's legacy `ENV KEY value`
    or a `KEY value` line (redis.conf's `requirepass password`), and as what `echo`/`printf` pipes to a tool,
    writes to a file or ends its line with (`echo -n password | base64`, `printf '%s' secret > .secrets/key`, a
    shell's trace `+ echo -n password`).

    With `names`, for values that are also names the project shows in the clear (`POSTGRES_PASSWORD: postgres` on
    postgis, whose superuser is `postgres`; a volume `postgres`): the same but quoted, where the word names the user
    or the volume (`user "postgres"`, `volume 'postgres'`) and stays readable."""
    alternatives = "|".join(map(re.escape, values))
    quoted = "" if names else rf"(?P<q>['\"`])(?P<v>{alternatives})(?P=q)|"
    return re.compile(
        rf"{quoted}^{_NAME_LINE_HEAD if names else _LINE_HEAD}"
        rf"(?:(?:ENV[ \t]++)?(?P<k>[A-Za-z_][\w.-]*+)[ \t]++)?(?P<w>{alternatives})[ \t]*+\r?$"
        rf"|(?<![\w.-])(?:echo|printf)(?:[ \t]++-[A-Za-z]++)*+(?:[ \t]++(?P<f>['\"])%s(?:\\n)?(?P=f))?"
        rf"[ \t]++(?P<e>{alternatives})[ \t]*+(?=\|(?!\|)|>|\r?$)", re.MULTILINE)


# prose that names a schema's or a program's word right before it is quoted: a quoted word naming a secret after it
# is that word, not the value (postgres' `column "password" of relation "users" does not exist`); not a key a
# secret's word names (`invalid API key "secret"` quotes the key itself)
_NAMED_AS = lazy(r"(?<![\w-])(?:column|field|parameter|attribute|option"
                       r"|(?<!api[ _-])(?<!secret[ _-])(?<!access[ _-])(?<!private[ _-])key)s?[ \t]++$", re.IGNORECASE)


def masked_quoted(pattern: re.Pattern[str], text: str) -> str:
    """`text` with what `pattern` (a quoted_pattern) matches masked, but for a key, a quoted word that prose names as
    a column, field, parameter, attribute, key or option (`column "password"`), or a word after a key that names no
    secret (`ENV POSTGRES_USER password`)."""
    def mask(match: re.Match[str]) -> str:
        if match.groupdict().get("v") is not None:
            at = match.start()
            if key_or_scheme(text, match.start("v"), match.end("v")) or _NAMED_AS.search(text, max(0, at - 20), at):
                return match.group(0)
            return match.group("q") + MASK + match.group("q")
        name = "w" if match.group("w") is not None else "e"
        key = match.group("k")
        if name == "w" and key is not None and not secret_for_key(key, match.group("w")):
            return match.group(0)
        start, end = match.start(name) - match.start(), match.end(name) - match.start()
        return match.group(0)[:start] + MASK + match.group(0)[end:]

    return pattern.sub(mask, text)


def alone_pattern(values: list[str]) -> re.Pattern[str]:
    """The `values` where each stands alone: not inside a word, a name or a path (`sentry/enhance-image.sh`
    under a project whose AWS_SECRET_ACCESS_KEY is `sentry` names its folder; a sentence's full stop after
    it is no part of a name); `masked` then keeps a key or a scheme."""
    alternatives = "|".join(map(re.escape, values))
    return re.compile(rf"(?<![\w./-])(?:{alternatives})(?![\w/-]|\.[\w/-])")


def masked(pattern: re.Pattern[str], text: str) -> str:
    """`text` with what `pattern` (an alone_pattern) matches masked, but for a key or a scheme."""
    def mask(match: re.Match[str]) -> str:
        return match.group(0) if key_or_scheme(text, match.start(), match.end()) else MASK

    return pattern.sub(mask, text)


def masked_alone(text: str, value: str) -> str:
    """`text` with `value` masked where it stands alone, as `alone_pattern` and `masked` mask the weak values
    (no pattern compiled for each of thousands of values)."""
    out: list[str] = []
    start = at = 0
    while (at := text.find(value, at)) >= 0:
        end = at + len(value)
        before = text[at - 1] if at else ""
        after, then = text[end:end + 1], text[end + 1:end + 2]
        inside = _word(before, "_./-") or _word(after, "_/-") or (after == "." and _word(then, "_/-"))
        if inside or key_or_scheme(text, at, end):
            at += 1
            continue
        out += [text[start:at], MASK]
        start = at = end
    return "".join(out) + text[start:] if out else text
