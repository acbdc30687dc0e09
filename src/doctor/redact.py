"""Mask secrets in anything doctor prints or writes: by the shape of the text, and by value.

By shape: values of secret-looking keys (`DB_PASSWORD=x`, `"apiKey": "x"`, `--password x`),
URL passwords, `-p`/`-a` style passwords of database CLIs in commands and healthchecks,
`Bearer`/`Basic` credentials, private-key blocks and well-known token formats (GitHub, Slack,
AWS, JWT, ...). By value: `doctor.secrets` collects every secret value the project defines
(env files, `environment`, build args, labels, URL userinfo, commands) and the Redactor masks
those values wherever they appear — a long, random-looking value anywhere, a short one only
or word-like one only where it stands alone (`conductor` in `port 'conductor'`, never in
`conductor-redis`), and a service, project, image or host name, or a value the project also
uses in the clear (`MYSQL_USER=root`), only where the shapes above say it is the secret.

Every pattern is anchored at the start of a run (a look-behind on its own characters) and
uses possessive repetition, so masking is linear in the length of the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from doctor.lazyre import lazy

MASK = "***"
MIN_SECRET_LENGTH = 4  # shorter values are masked only where a key, flag or URL says they are secrets
STRONG_LENGTH = 8

Sink = Callable[[str], None]

_WORDS = frozenset({
    "PASSWORD", "PASSWORDS", "PASSWD", "PASSPHRASE", "PWD", "PASS", "PW", "SECRET", "SECRETS", "TOKEN",
    "CREDENTIAL", "CREDENTIALS", "CREDS", "PRIVATE", "APIKEY", "KEY", "PAT", "AUTH",
    "AUTHORIZATION", "BASICAUTH", "JWT", "SALT", "REQUIREPASS", "MASTERAUTH", "MASTERPASS",
})
_WORD_ENDINGS = ("PASSWORD", "PASSWD", "TOKEN", "SECRET", "APIKEY")
# a key ending so holds a path, an address, a switch or a size, not the secret itself
_NOT_SECRET_LAST = frozenset({
    "FILE", "PATH", "DIR", "HOST", "HOSTNAME", "SERVER", "PORT", "URL", "URI", "ENDPOINT", "ENABLED",
    "DISABLED", "ENABLE", "MODE", "TYPE", "METHOD", "LENGTH", "TTL", "TIMEOUT", "EXPIRY", "EXPIRES",
    "EXPIRATION", "ALGORITHM", "NAME", "USER", "USERNAME", "REALM", "PROVIDER", "ISSUER",
})
_NOT_SECRET_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "null", "none", "nil", "~", "|",
                                ">", "|-", ">-", "|+", ">+", "enabled", "disabled", MASK})
_SECRET, _DSN, _WEBHOOK_URL = 1, 2, 3

_CAMEL = lazy(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = lazy(r"[^A-Za-z0-9]++")
_VAR_REF = lazy(r"\$\$?\{?\w+\}?")
_NAME_LIKE = lazy(r"[a-z][a-z0-9]*+(?:[-_.][a-z0-9]++)*+")  # a word or identifier: `conductor`
_TOKEN_IN_PATH = lazy(r"/[\w-]{20,}+")

_PRIVATE_KEY = lazy(r"-----BEGIN[A-Z ]{0,40}PRIVATE KEY-----(?P<v>[A-Za-z0-9+/=\s\\]++)")
_URL_PASSWORD = lazy(r"(?<![\w+.-])[A-Za-z][\w+.-]*+://[^\s/@:'\"\\]*+:(?P<v>[^\s@/'\"\\]++)@")
_TOKEN_SHAPES = lazy(
    r"(?P<v>(?<![\w-])gh[pousr]_[A-Za-z0-9]{20,}+"
    r"|(?<![\w-])github_pat_\w{20,}+"
    r"|(?<![\w-])xox[abposr]-[\w-]{8,}+"
    r"|(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])"
    r"|(?<![\w-])eyJ[\w-]{6,}+\.[\w-]{6,}+\.[\w-]*+"
    r"|(?<![\w-])glpat-[\w-]{20,}+"
    r"|(?<![\w-])npm_[A-Za-z0-9]{30,}+"
    r"|(?<![\w-])[sr]k_(?:live|test)_[A-Za-z0-9]{16,}+"
    r"|(?<![\w-])sk-[\w-]{20,}+"
    r"|(?<![\w-])AIza[\w-]{30,}+"
    r"|(?<![\w.-])SG\.[\w-]{16,}+\.[\w-]{16,}+"
    r"|(?<=hooks\.slack\.com/services/)[\w/]++"
    r"|(?<=discord\.com/api/webhooks/)[\w/-]++"
    r"|(?<=discordapp\.com/api/webhooks/)[\w/-]++)"
)
# Every token shape starts with one of these literals (a webhook shape right after its prefix):
# _mask_tokens tries _TOKEN_SHAPES only there. Its 14 branches each begin with a look-behind, so
# `sub` would try them all at every position of the text.
_TOKEN_HINT = lazy(r"gh[pousr]_|github_pat_|xox[abposr]-|AKIA|ASIA|eyJ|glpat-|npm_|[sr]k_(?:live|test)_|sk-"
                   r"|AIza|SG\.|hooks\.slack\.com/services/|discord(?:app)?\.com/api/webhooks/")
_LONGEST_PREFIX = len("discordapp.com/api/webhooks/")  # the longest text a hint matches
_AUTH_SCHEME = lazy(r"(?<![\w-])(?:Bearer|Basic)[ \t]++(?P<v>[\w.~+/-]{8,}+=*+)")
_LONG_FLAG = lazy(
    r"(?<![\w-])--(?P<k>[A-Za-z][\w-]*+)(?:[ \t]*+=[ \t]*+|[ \t]++|[\"']?[ \t]*+,[ \t]*+[\"']?)"
    r"(?P<v>[^\s'\"\\,<>-][^\s'\"\\,<>]*+)"
)
_TOOL = lazy(
    r"(?<![\w-])(?P<t>mysql|mysqladmin|mysqldump|mysqlshow|mysqlcheck|mariadb|mariadb-admin|mariadb-dump"
    r"|redis-cli|keydb-cli|valkey-cli|mongo|mongosh|mongodump|mongorestore|mongoexport|sqlcmd|curl|wget)"
    r"(?![\w-])"
)
_COMMAND_END = lazy(r"[;|&]|['\"]:[ \t]")
_SEP = r"(?:[ \t]++|[\"']?[ \t]*+,[ \t]*+[\"']?)"
_ARG = r"(?P<v>[^\s'\"\\,<>-][^\s'\"\\,<>]*+)"
_TOOL_ARGS = {
    "mysql": lazy(r"(?<![\w-])-p(?P<v>[^\s'\"\\,<>]++)"),
    "redis": lazy(rf"(?<![\w-])(?:-a|--pass){_SEP}{_ARG}"),
    "mongo": lazy(rf"(?<![\w-])(?:-p){_SEP}{_ARG}"),
    "sqlcmd": lazy(rf"(?<![\w-])-P{_SEP}{_ARG}"),
    "curl": lazy(rf"(?<![\w-])(?:-u|--user|--proxy-user){_SEP}[^\s'\"\\,:<>]*+:(?P<v>[^\s'\"\\,<>]++)"),
}
_KEY_SEP = lazy(r"(?<![\w.$-])(?P<k>[A-Za-z_][\w.-]*+)(?P<q>\\?[\"'])?[ \t]*+(?P<s>[=:])(?P<w>[ \t]*+)")
_VALUE = lazy(
    r"(?:(?:Bearer|Basic|Token|Bot|Digest)[ \t]++)?"
    r"(?:\"(?P<dq>(?:[^\"\\\n]|\\.)*+)\""
    r"|'(?P<sq>[^'\n]*+)'"
    r"|\\\"(?P<jq>(?:[^\"\\\n]|\\[^\"\n])*+)\\\""
    r"|(?P<bare>[^\s'\"\\<>`]++))"
)
_ENV_LINE_NO_SEP = lazy(r"^[ \t]*+(?:export[ \t]++)?(?P<k>[A-Za-z_][\w.-]*+)[ \t]++(?P<v>[^=:\s][^\n]*+)$",
                        re.MULTILINE)


def _segments(name: str) -> list[str]:
    return [s for s in _SPLIT.split(_CAMEL.sub("_", name).upper()) if s]


@lru_cache(maxsize=4096)  # a project repeats its keys across services, env files and texts
def _key_kind(name: str) -> int:
    """_SECRET, _DSN (a secret when its value carries credentials), or 0."""
    segments = _segments(name)
    if not segments or segments in (["PWD"], ["OLDPWD"]):
        return 0
    if segments[-1] == "WEBHOOK" or (segments[-1] in ("URL", "URI") and "WEBHOOK" in segments):
        return _WEBHOOK_URL
    if segments[-1] in _NOT_SECRET_LAST:
        return 0
    if any(s in _WORDS or s.endswith(_WORD_ENDINGS) for s in segments):
        return _SECRET
    return _DSN if "DSN" in segments else 0


def is_secret_key(name: str) -> bool:
    """Whether a variable name looks like it holds a secret (POSTGRES_PASSWORD, API_KEY, GH_PAT, ...)."""
    return _key_kind(name) == _SECRET


def secret_for_key(name: str, value: str | None) -> bool:
    """Whether `name=value` holds a secret (a DSN only when it carries credentials)."""
    if not value or value.strip() in _NOT_SECRET_VALUES or _VAR_REF.fullmatch(value.strip()):
        return False
    kind = _key_kind(name)
    if kind == _WEBHOOK_URL:  # a capability URL: secret when its path carries a token
        return bool(_TOKEN_IN_PATH.search(value))
    return kind == _SECRET or (kind == _DSN and ("@" in value or "password" in value.lower()))


def _ignore(_: str) -> None:
    return None


def _mask(pattern: re.Pattern[str], text: str, sink: Sink, keep: Callable[[str], bool] | None = None) -> str:
    """Replace group `v` of every match by MASK (unless `keep` says it is no secret), telling `sink`."""

    def replace(match: re.Match[str]) -> str:
        value = match.group("v")
        if keep is not None and keep(value):
            return match.group(0)
        sink(value)
        start, end = match.start("v") - match.start(), match.end("v") - match.start()
        whole = match.group(0)
        return whole[:start] + MASK + whole[end:]

    return pattern.sub(replace, text)


def _mask_tokens(text: str, sink: Sink) -> str:
    """`_mask(_TOKEN_SHAPES, text, sink)`, with the shapes tried only where they can begin.

    Each shape begins where one of _TOKEN_HINT's literals starts (the webhook shapes where
    their prefix ends), so the shapes are tried at those places alone, left to right, and a
    match ends the search before its end as `sub` does: the same matches, ~10x faster on a
    big compose file with a hint in it (a `sk-` or `eyJ` anywhere made `sub` try all 14
    look-behind branches at every position: ~30 ms for 50 kB). No shape can begin strictly
    inside a hint's text, so hints found without overlap, from any place, are every place a
    shape can begin. After a match the hints are sought again from its end, less the longest
    webhook prefix (one may begin inside a token and end after it: `eyJ...x.xhooks.slack`
    `.com/services/...`), not walked one by one through a long token full of them.
    tests/test_redact.py compares both.
    """
    out: list[str] = []
    done = start = 0
    while (hint := _TOKEN_HINT.search(text, start)) is not None:
        start = hint.end()
        for at in (hint.start(), hint.end()):
            if at < done:
                continue
            match = _TOKEN_SHAPES.match(text, at)
            if match is not None:
                sink(match.group("v"))
                out.append(text[done:at])
                out.append(MASK)
                done = match.end()
                start = max(start, done - _LONGEST_PREFIX)
                break
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def _prose(word: str) -> bool:
    return word.isalpha() and word.islower()


def _long_flags(text: str, sink: Sink) -> str:
    def keep(match: re.Match[str]) -> str:
        value = match.group("v")
        if not secret_for_key(match.group("k"), value):
            return match.group(0)
        sink(value)
        return match.group(0)[: match.start("v") - match.start()] + MASK

    return _LONG_FLAG.sub(keep, text)


def _tool_args(text: str, sink: Sink) -> str:
    """`-pSECRET`, `-a SECRET`, `-u user:SECRET` after a database CLI or curl, on the same line."""
    out: list[str] = []
    pos = 0
    for match in _TOOL.finditer(text):
        if match.start() < pos:
            continue
        end = text.find("\n", match.end())
        end = len(text) if end < 0 else end
        stop = _COMMAND_END.search(text, match.end(), end)  # the tool's own arguments only
        end = stop.start() if stop else end
        tool = match.group("t")
        family = ("mysql" if tool.startswith(("mysql", "mariadb")) else "redis" if tool.endswith("-cli")
                  else "mongo" if tool.startswith("mongo") else "curl" if tool in ("curl", "wget") else tool)
        out.append(text[pos:match.end()])
        out.append(_mask(_TOOL_ARGS[family], text[match.end():end], sink, keep=_is_reference))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _is_reference(value: str) -> bool:
    return bool(_VAR_REF.fullmatch(value.strip("'\"")))


def _key_values(text: str, sink: Sink) -> str:
    """`KEY=value`, `KEY: value`, `"KEY": "value"` (also JSON-escaped) with a secret-looking KEY."""
    out: list[str] = []
    pos = done = 0
    while True:
        match = _KEY_SEP.search(text, pos)
        if match is None:
            break
        pos = match.end()
        if match.group("s") == ":" and not (match.group("q") or match.group("w")):
            continue  # `host:port`, `user:pw`: a YAML or JSON key has a blank or a quote around its colon
        if not _key_kind(match.group("k")):
            continue
        found = _VALUE.match(text, match.end())
        if found is None:
            continue
        group = next(g for g in ("dq", "sq", "jq", "bare") if found.group(g) is not None)
        start, end = found.span(group)
        value = found.group(group)
        if group == "bare":
            trimmed = value.rstrip(",;)]}")
            end -= len(value) - len(trimmed)
            value = trimmed
        if not secret_for_key(match.group("k"), value):
            continue
        sink(value)
        out.append(text[done:start])
        out.append(MASK)
        done = pos = end
    out.append(text[done:])
    return "".join(out)


def scrub(text: str, sink: Sink = _ignore) -> str:
    """The text with every secret that its shape gives away masked; each value found goes to `sink`."""
    # each shape runs only where its literal part is in the text (a cheap scan in C): the same
    # matches, at a tenth of the cost on a 2,000-service compose file
    if "-----BEGIN" in text:
        text = _mask(_PRIVATE_KEY, text, sink)
    if "://" in text:
        text = _mask(_URL_PASSWORD, text, sink, keep=_is_reference)
    text = _mask_tokens(text, sink)
    if "Bearer" in text or "Basic" in text:
        text = _mask(_AUTH_SCHEME, text, sink, keep=_prose)
    text = _tool_args(text, sink)
    if "--" in text:
        text = _long_flags(text, sink)
    return _key_values(text, sink) if "=" in text or ":" in text else text


def secrets_in_text(text: str) -> set[str]:
    """Every secret value the shapes find in a file's text (env files, compose files, commands).

    Beyond `scrub`: YAML block lists are also read joined into one line (a `command:` or
    healthcheck `test:` written one argument per line), and an env-file line without `=`
    (`DB_PASSWORD hunter2`, which compose rejects and doctor reports) counts as key and value.
    """
    found: set[str] = set()
    scrub(text, found.add)
    scrub(_joined_block_lists(text), found.add)
    for match in _ENV_LINE_NO_SEP.finditer(text):
        if secret_for_key(match.group("k"), match.group("v").strip()):
            found.add(match.group("v").strip())
    return {v.strip("'\"") for v in found}


def _joined_block_lists(text: str) -> str:
    """Each run of YAML `- item` lines as one line of space-separated items."""
    lines: list[str] = []
    items: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("- "):
            items.append(stripped[2:].strip().strip("'\""))
            continue
        if items:
            lines.append(" ".join(items))
            items = []
    if items:
        lines.append(" ".join(items))
    return "\n".join(lines)


def secrets_in_mapping(mapping: Mapping[str, str | None]) -> set[str]:
    """The values of secret-looking keys, and the secrets inside every value (URL passwords, tokens)."""
    found: set[str] = set()
    for key, value in mapping.items():
        if not value:
            continue
        if secret_for_key(key, value):
            found.add(value)
        scrub(value, found.add)
    return found


class Redactor:
    """Masks secrets in text: by shape (`scrub`), and every known secret value.

    A value that is one of `names` (the project's service, container, host, image and project
    names, and values it shows in the clear, like `MYSQL_USER=root`) is masked only by shape
    (`MYSQL_PASSWORD=***`, a URL password, a `-p` argument); a short or word-like one, or one
    found inside a name, only where it stands alone; any other value wherever it appears. So
    `MYSQL_PASSWORD=conductor` never turns `conductor-redis` into `***-redis`.
    """

    def __init__(self, secret_values: Iterable[str] = (), names: Iterable[str] = ()) -> None:
        known = {n for n in names if n}
        all_names = "\n".join(sorted(known))
        strong: set[str] = set()
        weak: set[str] = set()
        for raw in secret_values:
            for value in _pieces(raw):
                if value in known:
                    continue  # also a name, or a value the project shows in the clear: masked by shape only
                if len(value) >= STRONG_LENGTH and not _NAME_LIKE.fullmatch(value) and value not in all_names:
                    strong.update(_escaped_forms(value))
                else:
                    weak.update(_escaped_forms(value))
        self._strong = sorted(strong, key=len, reverse=True)
        weak -= strong
        alternatives = "|".join(map(re.escape, sorted(weak, key=len, reverse=True)))
        self._weak = re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w.-])") if weak else None

    @classmethod
    def from_environment(cls, *mappings: Mapping[str, str | None]) -> Redactor:
        """A Redactor that knows every value of a secret-looking key, and every URL password, in the maps."""
        secrets: set[str] = set()
        for mapping in mappings:
            secrets |= secrets_in_mapping(mapping)
        return cls(secrets)

    def text(self, text: str) -> str:
        """The text with every secret it holds replaced by ***."""
        if not text:
            return text
        text = scrub(text)
        for value in self._strong:
            if value in text:
                text = text.replace(value, MASK)
        if self._weak is not None:
            text = self._weak.sub(MASK, text)
        return text


def _pieces(value: str) -> set[str]:
    """The value, and each line of a multi-line one (a diff shows them one by one), worth masking."""
    candidates = {value.strip(), *(line.strip() for line in value.splitlines() if len(line.strip()) >= STRONG_LENGTH)}
    return {
        c for c in candidates
        if len(c) >= MIN_SECRET_LENGTH and c.lower() not in _NOT_SECRET_VALUES and not (c.isdigit() and len(c) < 6)
        and not _VAR_REF.fullmatch(c)
    }


def _escaped_forms(value: str) -> set[str]:
    """The value as it appears raw, in JSON strings, in XML, and in compose files (`$$`)."""
    xml = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return {value, json.dumps(value, ensure_ascii=False)[1:-1], json.dumps(value)[1:-1], xml,
            value.replace("$", "$$")}
