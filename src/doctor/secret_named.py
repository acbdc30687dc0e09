"""The secrets a name before them gives away (moved from doctor.redact): a secret-looking key's value
(`KEY=value`, `KEY: value`, `"KEY": "value"`, `-Dx.password=value`), a secret flag's argument
(`--password value`, bare or in quotes of its own: `--api-token 'two words'`), a credential-shaped word
after a word that names a secret in prose
(`invalid token 7fq2...`, `your auth token is 3f2a...`, a session's `sid 3f2a...`), and the password of a
`user:password` value. `doctor.redact.scrub` applies them.
"""

from __future__ import annotations

from itertools import pairwise

from doctor.lazyre import lazy
from doctor.secret_commands import mask_group as _masked_group
from doctor.secret_keys import Sink, is_expansion, is_secret_key, key_kind, reference_default, secret_for_key
from doctor.secret_shapes import MASK, looks_like_credential, matches_at, places, sub_at

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re

# `deploy:Kq7Wn2Px9Lz4Rt` (a GIT_ASKPASS helper's, a registry's `user:password`): the password
# counts when it is a credential by its shape (`redis:7-alpine`, `db:5432` are no such pair)
_USER_SECRET = lazy(r"(?P<u>[\w.@+-]{1,64}+):(?P<p>[^\s:/'\"]{12,}+)")
_DIGEST_NAMES = ("sha1", "sha224", "sha256", "sha384", "sha512", "md5")
# the next field of a connection string (`;EndpointSuffix=`, `;Encrypt=`) that a field's value ends at
_NEXT_FIELD = lazy(r";(?=[A-Za-z][\w ]{0,40}+=)")
# a credential a log line names in prose (`invalid token 7fq2lx9z...`, `api key: Mk9L...`): what
# `doctor why` quotes of a container's output holds values the project never defined
# the same on lower-cased text, as a prefilter: a scan ~5x cheaper than _PROSE_SECRET's (its
# case-blind look-behind is tried at every position), and most texts have no match
PROSE_NAMES = ("token", "secret", "passw", "passphrase", "key", "credential", "auth", "sid")  # _PROSE_HINT's first
_PROSE_HINT = lazy(r"(?:token|secret|passw|passphrase|key|credential|auth|sid)[a-z]{0,4}(?:[ \t]++(?:is|was))?"
                   r"(?:[ \t]*+[:=])?[ \t]++"
                   r"[\"'`]?[\w+/=$!@#%^&*()-]{8}")
_PROSE_SECRET = lazy(
    r"(?i)(?<![\w-])(?:tokens?|secrets?|passwords?|passwd|passphrase|(?:api[_ -]?)?keys?|credentials?|auth|sids?)"
    r"(?:[ \t]++(?:is|was))?(?:[ \t]*+[:=])?[ \t]++[\"'`]?(?P<v>[\w+/=$!@#%^&*()-]{8,}+)"
)
_SHORT_PROSE = lazy(r"[A-Za-z0-9!@#$%^&*+=]{8,23}")  # a short secret's alphabet: no `-`, `_`, `/` of a name
_LETTER_RUN = lazy(r"[a-z]{5}|[A-Z]{5}")  # a word's letters (`MyApp2Service3`): random text seldom spells five
# the value bare, or in quotes of its own whole, blanks and all (`--api-token 'Mk9 xLq2Zw'`, as doctor quotes a
# command it prints, `--api-key='Ak!9xLq2'`, a JSON array's `"--password", "x"`): the quotes are no part of it
FLAG_VALUE = (r"(?:(?P<q>['\"])(?=[^'\"\n]*+(?P=q)))?"
              r"(?P<v>(?(q)[^'\"\n]++|[^\s'\"\\,<>-][^\s'\"\\,<>]*+))")
LONG_FLAG = lazy(
    r"(?<![\w-])--(?P<k>[A-Za-z][\w-]*+)(?:[ \t]*+=[ \t]*+|[ \t]++|[\"']?[ \t]*+,[ \t]*+)" + FLAG_VALUE
)
# not after `/`: `read /etc/passwd: is a directory` names a file, no key
# a Java system property's key after `-D` too (`-Dspring.datasource.password=...`, `JAVA_OPTS`)
_KEY_SEP = lazy(r"(?:(?<=(?<![\w-])-D)|(?<![\w.$/-]))(?P<k>[A-Za-z_][\w.-]*+)(?P<q>\\?[\"'])?[ \t]*+"
                r"(?P<s>(?<![ \t])=|=(?!=)|:)(?P<w>[ \t]*+)")
# `x == y`, `x === y` after a blank: a comparison, no assignment; `KEY==value` glued to its key is the assignment of
# `=value` in a dotenv file, compose, `docker run -e` and `-D` alike (compose's config gives `KEY: =value`)
# what follows `password:` in an error message, not a value (`password: is required`, `token: expired`)
PROSE_WORDS = frozenset({
    "is", "are", "was", "were", "not", "no", "must", "should", "cannot", "can't", "required", "missing",
    "invalid", "expired", "empty", "unset", "incorrect", "wrong", "too", "does", "did", "has", "have", "will",
    "a", "an", "the", "for", "of", "in", "on", "to",
})
_VALUE = lazy(
    r"(?:(?:Bearer|Basic|Token|Bot|Digest)[ \t]++)?"
    r"(?:\"(?P<dq>(?:[^\"\\\n]|\\.)*+)\""
    r"|'(?P<sq>(?:[^'\n]|'')*+)'"
    r"|\\\"(?P<jq>(?:[^\"\\\n]|\\[^\"\n])*+)\\\""
    # a quoted value that goes on past its line (a YAML quoted scalar over several lines): this line's part
    r"|\"(?P<dqo>(?:[^\"\\\r\n]|\\.)++)(?=\r?\n|$)"
    r"|'(?P<sqo>[^'\r\n]++)(?=\r?\n|$)"
    r"|(?P<bare>[^\s'\"\\<>`]++(?:['\"\\]++\w[^\s'\"\\<>`]*+)*+))"  # `it's"x`, `a\b` whole; `x":` stops
)


def long_flags(text: str, sink: Sink) -> str:
    def keep(match: re.Match[str]) -> str:
        if match.group("k").endswith("-stdin"):  # `--password-stdin REGISTRY`: the flag takes no value
            return match.group(0)
        if MASK in match.group("v") and not is_secret_key(match.group("k")):
            return match.group(0)  # `--dsn 'root:***@tcp(db:3306)/app'`: its password masked, its host readable
        if not secret_for_key(match.group("k"), match.group("v")):
            return match.group(0)
        if is_expansion(match.string, match.start("v"), match.end("v")):  # `--token $(cat /run/secrets/t)`
            return match.group(0)
        return _masked_group(match, match.group("k"), sink)

    return sub_at(LONG_FLAG, text, places(text, ("--",)), keep)  # each flag begins with `--`


# a Go-style flag with one dash (`-db-password=X`, `-token X`, `-token=X`, a JSON array's `"-token", "X"`): Go's
# flag package, consul, vault's and many servers' own options; a one-letter flag (`-p 8080:80`) names nothing
SHORT_FLAG = lazy(
    r"(?<![\w-])-(?P<k>[A-Za-z][\w-]*+)(?:[ \t]*+=[ \t]*+|(?P<b>[ \t]++)|[\"']?[ \t]*+,[ \t]*+)" + FLAG_VALUE
)
# openssl's ways to name where a password is (`-pass env:VAR`, `file:PATH`, `fd:3`, `stdin`), not one
_PASSWORD_SOURCE = lazy(r"(?:env|file|fd):\S++|stdin")
_EXTENSION = lazy(r"[A-Za-z][A-Za-z0-9]{0,4}")  # `server.key`, `client.pem`: a file's name
# in a one-dash flag's words: the value is the secret itself (`-auth_level 2`, `-newkey rsa:4096` and `-key FILE`
# are openssl's, `-auth basic` a mode); a `KEY` only after a word that makes it one (`-api-key`, `-access-key`)
_SAYS_SECRET = ("PASS", "PWD", "TOKEN", "SECRET", "APIKEY", "CREDENTIAL")
# where a flag short_flags may mask begins: its name says one of these (the `-` first: sre scans for it in C)
_SHORT_FLAG_START = lazy(r"-(?<![\w-]-)(?=[A-Za-z])(?=[\w-]{0,40}?(?i:pass|pwd|token|secret|key|credential))")
_MAKES_A_KEY = frozenset({"API", "ACCESS", "SECRET", "PRIVATE", "MASTER", "LICENSE", "ENCRYPTION", "SIGNING"})


def _file_name(value: str) -> bool:
    stem, dot, extension = value.rpartition(".")
    return "/" in value or bool(dot and stem and _EXTENSION.fullmatch(extension))


def short_flags(text: str, sink: Sink) -> str:
    """A secret one-dash flag's value (`-db-password=X`, `-token X`): as `long_flags`, but a value after a blank
    that prose reads on with (`-token is required`), a file a key flag names (`openssl req -key server.key`) and
    where openssl finds a password (`-pass env:VAR`) stay."""
    judged: dict[tuple[str, str, bool], bool] = {}  # a command repeated in a text is judged once

    def secret(key: str, value: str, after_blank: bool) -> bool:
        if key.endswith("-stdin") or MASK in value or _PASSWORD_SOURCE.fullmatch(value):
            return False
        if after_blank and value.lower() in PROSE_WORDS:
            return False
        words = key.upper().replace("-", "_").split("_")
        if any(said in word for word in words for said in _SAYS_SECRET):
            return secret_for_key(key, value)
        if words[-1] != "KEY" or len(words) < 2 or words[-2] not in _MAKES_A_KEY:
            return False
        return secret_for_key(key, value) and not (("." in value or "/" in value) and _file_name(value))

    def keep(match: re.Match[str]) -> str:
        key, value = match.group("k"), match.group("v")
        if not key_kind(key):
            return match.group(0)
        after_blank = match.group("b") is not None and match.group("q") is None
        decided = judged.get((key, value, after_blank))
        if decided is None:
            decided = judged[key, value, after_blank] = secret(key, value, after_blank)
        if not decided or (value[:1] in "$`" and is_expansion(match.string, match.start("v"), match.end("v"))):
            return match.group(0)
        return _masked_group(match, key, sink)

    first = _SHORT_FLAG_START.search(text)
    if first is None:
        return text
    starts = [found.start() for found in _SHORT_FLAG_START.finditer(text, first.start())]
    return sub_at(SHORT_FLAG, text, starts, keep)


# a PEM block's first or last line (`-----BEGIN EC PRIVATE KEY-----`): no secret, and learned as one it masked
# `KEY-----` wherever a key's armour shows (`-----END PRIVATE ***`)
PEM_ARMOR = lazy(r"-----(?:BEGIN|END)[A-Z0-9 ]{0,40}-----")

# words a quoted span holds before its last word for it to be a quoted phrase (a command line), not a key:
# `"Secret Key": v`, `'aws secret_access_key': v` and `"db password": v` are keys of a few words
PHRASE_WORDS = 4


def _phrase_end(text: str, at: int, quote: str) -> bool:
    """Whether the key at `at`, closed by `quote`, is the last word of a quoted phrase: its quote opens on
    its line PHRASE_WORDS words or more before it, or words of a command (a file, a path, a flag: `'manage.py
    set-password': docker ...`, `'docker compose run --rm nginx python build.py change-secret-key': ...`, a
    command to copy); never where the key's own opening quote is right before it."""
    if text.endswith(quote, 0, at):
        return False
    start = max(text.rfind("\n", 0, at), text.rfind(quote, 0, at))
    if start < 0 or text[start] != quote:
        return False
    words = text[start + 1:at].split()
    return len(words) >= PHRASE_WORDS or any("." in w or "/" in w or w.startswith("-") for w in words)

# a separator, the blanks before it, a quote and its backslash, the key's run of `[\w.-]`: in the text reversed, one
# pattern for each separator, as sre seeks a pattern's first literal in a tight loop of C (a class's first
# character it tests with the class's code at every position, ~45 instructions each)
_KEY_BEFORE_EQUALS = lazy(r"=[ \t]*+(?:[\"']\\?)?+(?P<k>[\w.-]++)")
_KEY_BEFORE_COLON = lazy(r":[ \t]*+(?:[\"']\\?)?+(?P<k>[\w.-]++)")
# a colon that may end a YAML or JSON key, reversed: a blank after it, or a quote before it (`"KEY":"x"`);
# a bare `host:port` is no key (key_values passes it over)
_KEY_BEFORE_KEY_COLON = lazy(r":(?:(?<=[ \t]:)[ \t]*+(?:[\"']\\?)?+|[ \t]*+[\"']\\?)(?P<k>[\w.-]++)")


def key_starts(text: str) -> list[int]:
    """Every place where a match of _KEY_SEP can begin, in order (more may be tried, none is missed).

    A match's key runs to the end of its run of `[\\w.-]` (possessive), then come an optional `\\"` or
    quote, blanks, the separator: so from each `=` and `:`, back over the blanks, the quote and its
    backslash, is the end of the run, and the key begins where the run does (the look-behind refuses
    any later place of it) or right after a `-D` inside it (the Java property's `-Dx.password=`).
    `_KEY_SEP.finditer` tries every position, its key's first letters at nearly each one of a report
    or a compose file (~0.4 us a character); this reads back from the separators alone, all of them in
    one scan of the text reversed for each separator (no run holds a separator, so none is passed over)."""
    return _starts(text, _KEY_BEFORE_COLON, every=True)


def _value_starts(text: str) -> list[int]:
    """key_starts but for a key before a colon whose match key_values passes over at once: a bare `host:port`
    (no blank after the colon, no quote before it) and a key that names no secret (a run holding no `-D`,
    which would be a key of its own). Such a match only moves key_values past its separator, and no other
    match can begin inside it (only its own run's key starts lie there, passed over alike): the same values."""
    return _starts(text, _KEY_BEFORE_KEY_COLON, every=False)


def _starts(text: str, colon: re.Pattern[str], every: bool) -> list[int]:
    starts: list[int] = []
    reverse = text[::-1]
    size = len(text)
    java = "-D" in text
    for pattern in (_KEY_BEFORE_EQUALS, colon):
        named = every or pattern is _KEY_BEFORE_EQUALS
        for found in pattern.finditer(reverse):
            begin = size - found.end()
            if java:
                end = size - found.start("k")
                at = text.find("-D", begin, end)
                if at < 0 and not (named or key_kind(text[begin:end])):
                    continue
                starts.append(begin)
                while at >= 0:
                    starts.append(at + 2)
                    at = text.find("-D", at + 1, end)
            elif named or key_kind(text[begin:size - found.start("k")]):
                starts.append(begin)
    # no place twice: each run ends before one separator, and a `-D` inside it is past its start
    starts.sort()
    return starts


def key_values(text: str, sink: Sink) -> str:
    """`KEY=value`, `KEY: value`, `"KEY": "value"` (also JSON-escaped) with a secret-looking KEY.

    A `${VAR...}` reference is no value and stays readable, but for the default value in it
    (`${DB_PASSWORD:-s3cret}` masks `s3cret`; a `:?` message stays).
    """
    out: list[str] = []
    pos = done = 0
    # no match begins inside another (inside its key, the look-behind fails; after it, no key
    # begins): finditer's matches from where the last value (or reference) ends are search's; tried
    # only where a key before a separator can begin (key_starts; _value_starts: those whose match
    # can mask a value): the same matches
    for match in matches_at(_KEY_SEP, text, _value_starts(text)):
        if match.start() < pos:
            continue
        key, quote, sep, blanks = match.groups()
        pos = stop = match.end()
        if sep == ":" and (not (quote or blanks) or (quote and _phrase_end(text, match.start(), quote[-1]))):
            continue  # `host:port`, a quoted command's last word (`'... change-secret-key': docker`): no YAML/JSON key
        # an innocent key's value only when `=` assigns it and it is a credential by its shape
        # (`CALLBACK_ID='q8z3k7m2...'` quoted from a file the project's values do not cover)
        innocent = not key_kind(key)
        if innocent and sep != "=":
            continue
        at = stop + (text[stop] in "\"'" if stop < len(text) else 0)
        if text.startswith("${", at):
            ref = reference_default(key, text, at, sink)
            if ref is None:
                continue
            pos, span = ref
            if span is not None:
                out.append(text[done:span[0]])
                out.append(MASK)
                done = span[1]
            continue
        if innocent and (len(text) - stop < 12 or text.find("\n", stop, stop + 12) >= 0):
            # an innocent key's value counts by its shape alone (looks_like_credential, or user_secret's password
            # after a colon: 12 characters or more either way), and no value goes on past its line's end
            continue
        found = _VALUE.match(text, stop)
        if found is None:
            continue
        group = next(g for g in ("dq", "sq", "jq", "dqo", "sqo", "bare") if found.group(g) is not None)
        start, end = found.span(group)
        value = found.group(group)
        if group == "bare":
            trimmed = value.rstrip(",;)]}")
            # a diff's line shows its carriage return as `\r`: the value ends before it, and is judged
            # as the rewritten line's (`KEY=/app/creds/bq.json\r` masked, the LF line not)
            trimmed = trimmed.removesuffix("\\r")
            if match.start() and text[match.start() - 1] == ";":  # `...;AccountKey=<key>;EndpointSuffix=...`
                trimmed = _NEXT_FIELD.split(trimmed, 1)[0]
            end -= len(value) - len(trimmed)
            value = trimmed
        if group == "bare" and sep == ":" and value.lower() in PROSE_WORDS:
            continue
        if group == "bare" and sep == ":" and value.endswith(":") and value[:-1].isalpha() and value[:-1].islower():
            continue  # a label after the key, doctor's own `in AUTH_DB: unsafe: applied only with --yes`
        if value.startswith("-----") and PEM_ARMOR.fullmatch(value.strip()):
            continue  # `JWT_KEY="-----BEGIN PRIVATE KEY-----`: a key's first line, its body masked (secret_pem)
        if group == "bare" and sep == ":" and key == "secrets" and value[:1] in "[{":
            # compose's `secrets: [password]` (a service's or a build's flow form) lists the names of secrets, as
            # its block form does: no value (an env file's `secrets=[...]`, after `=`, is one, judged below)
            continue
        if group == "bare" and sep == ":" and value == key:
            continue  # the shell's `sh: PASSWORD: PASSWORD is not set`: the name said twice, no value
        if value[:1] in "$`" and is_expansion(text, start, end):
            # ckan-docker's `api_token=$(ckan -c $CKAN_INI user token add ...)`: a command's output
            # (read here only to its first blank), no literal secret; what the command says is scanned on
            continue
        if innocent and not looks_like_credential(value, key):
            secret = user_secret(value, key)
            if secret is None:
                continue
            start += len(value) - len(secret)
            value = secret
        elif not innocent and not secret_for_key(key, value):
            continue
        sink(value)
        out.append(text[done:start])
        out.append(MASK)
        done = pos = end
    out.append(text[done:])
    return "".join(out)


def prose_secrets(text: str, sink: Sink) -> str:
    """A credential-shaped word (`doctor.secret_shapes.looks_like_credential`) right after a word
    that names a secret: `unknown token 7fq2lx9z...`, `aws secret hT9p...`, `api key: Mk9L...`."""

    def replace(match: re.Match[str]) -> str:
        whole, value = match.group(0), match.group("v").rstrip(")")
        # a short one not in backquotes: documentation's example (env-drift's `a generated password `Xy7$kLmQ9pw``)
        quoted_as_code = match.string[match.start("v") - 1:match.start("v")] == "`"
        if not looks_like_credential(value) and (quoted_as_code or not short_prose_secret(value)):
            return whole
        sink(value)
        at = match.start("v") - match.start()
        return whole[:at] + MASK + whole[at + len(value):]

    # _PROSE_HINT tried only where one of its names begins: the same answer as its
    # search, whose first letters sre tries at nearly every position of a text; most texts name none
    lower = text.lower()
    if next(matches_at(_PROSE_HINT, lower, places(lower, PROSE_NAMES)), None) is None:
        return text
    return _PROSE_SECRET.sub(replace, text)


def short_prose_secret(value: str) -> bool:
    """`Zr8qLm3vXp2`, `AbCdEf1234567890Xy` right after a word that names a secret: 8 to 23 characters with upper
    case, lower case and digits, changing class at two places in five or more (`tried password Zr8qLm3vXp2`); an
    identifier changes less or spells a word (`SHA256withRSA`, `MyApp2Service3`, `Password123`), a name has no upper
    case (`v1alpha1`)."""
    if not _SHORT_PROSE.fullmatch(value):
        return False
    classes = [0 if c.isdigit() else 1 if c.isupper() else 2 if c.islower() else 3 for c in value]
    if not {0, 1, 2} <= set(classes):
        return False
    changes = sum(a != b for a, b in pairwise(classes))
    return changes * 5 >= (len(value) - 1) * 2 and _LETTER_RUN.search(value) is None


def user_secret(value: str, key: str = "") -> str | None:
    """The password of a `user:password` value when it is a credential by its shape, else None."""
    if len(value) < 14 or ":" not in value:  # a user, `:` and a password of 12 at least: most values are shorter
        return None
    match = _USER_SECRET.fullmatch(value.strip())
    if match is None or match.group("u").lower().endswith(_DIGEST_NAMES):
        return None
    return match.group("p") if looks_like_credential(match.group("p"), key) else None
