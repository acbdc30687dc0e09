"""The forms of a known secret value that `doctor.redact.Redactor` masks besides the whole: its lines, its
pieces a parser cuts it into and echoes, and the escaped forms in which files and JSON show each."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from doctor.lazyre import lazy
from doctor.secret_keys import NOT_SECRET_VALUES, VAR_REF
from doctor.secret_urls import BLANK_OR_QUOTE

MIN_SECRET_LENGTH = 4  # shorter pieces are masked only where a key, flag or URL says they are secrets
# a whole value as short (`REDIS_PASSWORD=x7q`): what a key says is a secret is one whatever its shape, so
# it is masked where it stands alone too (`password x7q rejected`); shorter is a letter or two of any word,
# and three letters alone are a word of doctor's own messages and commands (`POSTGRES_PASSWORD=dev` masked
# "the dev override", `=run` broke `docker compose run --rm`): masked only after its key, as before
WHOLE_SECRET_LENGTH = 3
STRONG_LENGTH = 8
_DOLLAR_NAME_LENGTH = 3  # the name after a literal `$` of a secret, masked where it stands alone (`$j9x`)
URL_PIECE_LENGTH = 6  # a piece of a secret between raw URL delimiters, masked where an error shows it alone

_BARE_NAME = lazy(r"(?<!\$)\$([A-Za-z_]\w*+)")  # what compose interpolates of `Pa$sw0rd` (not `$$`)
_ESCAPED = "$'\\\"&<>"  # what one of the escaped forms writes otherwise
_AFTER_AT = lazy(r"@([^\s'\"/?#:@]++)")
_PASSWORD_PAIR = lazy(r"(?i)(?:^|[\s;])(?:password|pwd)\s*=\s*('[^']*'|[^\s;']+)")
_PEM_ARMOR = lazy(r"-----(?:BEGIN|END) [A-Z ]{1,40}-----")  # a PEM key's first and last lines: no secret


def pieces(value: str) -> set[str]:
    """The value, each line of a multi-line one (a diff shows them one by one), the number and the suffix
    a size error quotes of a one-line value (`doctor.project.gosize.size_parts`), its percent-decoded
    form, the piece after each `@` of one with a blank or a quote (`Pw9xQ7` of `Secr3t@Pw9xQ7 x`,
    which a URL read to its first blank shows as the host), each piece of 6 or more characters
    between raw `/`, `?`, `#` and `@` (what a client's error shows of a password it cut there),
    and each name after a bare `$` in it that means a literal `$` (`literal_names`),
    worth masking: compose reads `Pa$sw0rd9` (a `$` not written `$$`) as `Pa` and a variable
    `sw0rd9`, which env-drift names as unset. A name with no lower-case letter after a separator
    (`$HOME`, `:$DB_PASSWORD`) is a reference by convention, and stays readable."""
    plain = _PEM_ARMOR.sub("\n", value) if "-----" in value else value  # of a PEM key, its body's lines
    candidates = {value.strip(), *(line.strip() for line in plain.splitlines() if len(line.strip()) >= STRONG_LENGTH)}
    if " " in plain.strip():  # a YAML plain or quoted scalar over several lines, folded by compose into
        # one with blanks: the file (a fix's diff) shows each word on a line of its own
        candidates.update(word for word in plain.split()
                          if len(word) >= STRONG_LENGTH and not _words(word) and not _public_pair(word))
    # a literal `$`'s name of 3 characters too: env-drift's `the variable $j9x` of `k3$j9x!q2w...` shows 4 of them
    names = set(literal_names(value)) if "$" in value else set()
    if "@" in value and BLANK_OR_QUOTE.search(value) is not None:
        # what a URL parser that stops at a blank takes for the host of `redis://:Secr3t@Pw9xQ7 x@cache`
        candidates.update(_AFTER_AT.findall(value))
    if "://" not in value and any(c in value for c in "/?#@"):
        # the pieces a URL parser that ends the authority at a raw `/`, `?`, `#` or `@` of a password
        # echoes in its error (libpq's `invalid integer value "Xk9Qw2Lz" for connection option "port"`
        # of `app:Xk9Qw2Lz/Pm4Rt7Vb@db`, urllib's `Port could not be cast to integer value as 'Xk9Qw2Lz'`)
        cut = value.strip()
        for separator in "?#@":
            cut = cut.replace(separator, "/")
        candidates.update(piece for piece in cut.split("/") if len(piece) >= URL_PIECE_LENGTH)
    if "\n" not in value:
        # the parts go-units' size parser quotes of a value it refuses (compose's `mem_limit: ${SECRET}`):
        # `strconv.ParseFloat: parsing "Sc3Vb7"` of `Sc3Vb7Nq`, `invalid suffix: 'xKqLmNpZr'` of `9xKqLmNpZr`
        from doctor.project.gosize import size_parts

        # not a part that is a lower-case word or words (`password` of `my root password`), as for a value's
        # words above: masked wherever it stands alone, it hid MySQL's `(using password: YES)`
        candidates.update(part for part in size_parts(value.strip()) or ()
                          if len(part) >= URL_PIECE_LENGTH and not _words(part) and not _public_pair(part))
    if "=" in value and ("assword" in value or "wd" in value.lower()):
        # a connection string's password alone (libpq's `... password=Pw9xYzQ7kL dbname=app`, SqlClient's
        # `Password=...;`), which a client's error or a parsed view shows without its keyword
        candidates.update(found.strip("'") for found in _PASSWORD_PAIR.findall(value))
    if "%" in value:  # a URL's percent-encoded password as an app logs it decoded (`p%40ss` -> `p@ss`)
        from urllib.parse import unquote

        candidates.add(unquote(value.strip()))
    whole = value.strip()
    return {
        c for c in candidates
        if len(c) >= (WHOLE_SECRET_LENGTH if c == whole and not c.isalpha() else MIN_SECRET_LENGTH)
        and c.lower() not in NOT_SECRET_VALUES and not (c.isdigit() and len(c) < 6)
        and not VAR_REF.fullmatch(c)
    } | {n for n in names if len(n) >= _DOLLAR_NAME_LENGTH and n.lower() not in NOT_SECRET_VALUES}


# the keywords of a libpq connection string (`host=db port=5432 dbname=app user=app password=...`) whose values are
# no secret: the words `host=localhost`, `dbname=app` of a secret DSN masked wherever they stood (another line's
# `REDIS_SETTINGS: "host=localhost port=6379"` showed as `*** port=6379`); `password=...` stays a piece
_PUBLIC_KEYWORDS = frozenset({"host", "hostaddr", "port", "dbname", "user", "username", "sslmode", "connect_timeout",
                              "application_name", "options", "target_session_attrs", "channel_binding", "gssencmode",
                              "client_encoding", "keepalives", "search_path", "sslrootcert", "sslcert"})


def _public_pair(word: str) -> bool:
    """Whether a word of a secret value is a `keyword=value` pair of a connection string whose keyword says
    its value is no secret (`host=localhost`, `dbname=app`; not `password=...`)."""
    keyword, equals, value = word.partition("=")
    return bool(equals) and keyword.lower() in _PUBLIC_KEYWORDS and not any(c.isspace() for c in value)


def _words(text: str) -> bool:
    """Whether `text` is only lower-case letters and blanks: a word or words, not a piece of a secret."""
    letters = text.replace(" ", "")
    return letters.isalpha() and letters.islower()


def literal_names(value: str) -> Iterable[str]:
    """The names after the bare `$`s of a secret value that mean a literal `$`, as env-drift judges one
    (checks/env_drift/dollars.py): a name with a lower-case letter, or one glued to a letter or digit
    before its `$` and written as no variable of several words is (no `_`). `G7x$KQZ9WPLM4T` is 10 of the
    password's 14 characters, which env-drift's message, its subject and compose's `The "KQZ9WPLM4T" variable
    is not set` name; `$HOME`, `prefix_$DB_PASSWORD` and `x9$DB_HOST` stay readable, references by convention
    (masked where they stand alone, `DB_HOST` would hide every finding about that variable)."""
    for found in _BARE_NAME.finditer(value):
        name, at = found.group(1), found.start()
        if not name.isupper() or (at and value[at - 1].isalnum() and "_" not in name):
            yield name


def escaped_forms(value: str) -> set[str]:
    """The value as it appears raw, in compose files (`$$`), YAML single quotes (`''`) and
    double-quoted strings (`\\`, `\\"`), and each of those in JSON strings and in XML."""
    if value.isascii() and value.isprintable() and not any(c in value for c in _ESCAPED):
        return {value}  # every form is the value itself (most secrets: a .env of 200,000 made 2 M strings)
    written = {value, value.replace("$", "$$"), value.replace("'", "''"),
               value.replace("\\", "\\\\").replace('"', '\\"'), repr(value)[1:-1]}
    forms = set(written)
    for form in written:
        forms.add(json.dumps(form, ensure_ascii=False)[1:-1])
        forms.add(json.dumps(form)[1:-1])
        forms.add(form.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))
    return forms


def base64_forms(value: str) -> set[str]:
    """The value base64-encoded as `printf %s "$DB_PASSWORD" | base64` writes it and as `echo "$DB_PASSWORD" |
    base64` does (a newline after it), each with its `=` padding and without: a container that logs what it
    sends (`sent RGJwNHNzVzByZFg=`) shows the password to whoever decodes it."""
    from binascii import b2a_base64  # built in: base64's module costs a preflight ~1 ms to import

    raw = value.encode("utf-8", errors="surrogateescape")
    forms: set[str] = set()
    for data in (raw, raw + b"\n"):
        padded = b2a_base64(data, newline=False).decode("ascii")
        forms.update((padded, padded.rstrip("=")))
    return forms


# what a URL or a form percent-encodes in a password (RFC 3986's delimiters, the blank, `%` itself)
_RESERVED = frozenset(" @:/?#[]!$&'()*+,;=%\"")


def encoded_pattern(values: Iterable[str]) -> re.Pattern[str] | None:
    """The `values` that hold a character a URL or a query string percent-encodes, each with every such
    character as written or encoded (`%40`, `%2f`, a blank as `%20` or `+`): `Sp@ce pass` as `Sp%40ce%20pass`,
    `Sp@ce%20pass` and `Sp%40ce+pass`, in one pattern; None for none."""
    alternatives = []
    for value in values:
        if not any(c in _RESERVED for c in value):
            continue
        parts = []
        for char in value:
            if char not in _RESERVED:
                parts.append(re.escape(char))
                continue
            code = f"{ord(char):02X}"
            forms = [re.escape(char), f"%{code}", f"%{code.lower()}"] + (["\\+"] if char == " " else [])
            parts.append("(?:" + "|".join(dict.fromkeys(forms)) + ")")
        alternatives.append("".join(parts))
    if not alternatives:
        return None
    alternatives.sort(key=len, reverse=True)
    return re.compile("|".join(alternatives))
