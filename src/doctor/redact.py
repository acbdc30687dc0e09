"""Mask secrets in anything doctor prints or writes: by the shape of the text, and by value.

By shape: values of secret-looking keys (`DB_PASSWORD=x`, `"apiKey": "x"`, `--password x`),
URL passwords (to the last `@` of the authority, as doctor reads a URL, or to the last `@` before
a host when a raw `/`, `?`, `#`, a blank or a quote in the password ends the authority early) and a URL user part
that is a key (a Sentry DSN, git's `https://TOKEN@github.com/...`), the passwords a command gives a tool
as arguments (`mysql -pX`, `redis-cli -a X`, `htpasswd -bc F U X`, `-passin pass:X`, ...:
`doctor.secret_commands`) in commands and healthchecks, Java properties (`-Dspring.datasource.password=x`),
`Bearer`/`Basic` credentials, private-key blocks, well-known token formats
(GitHub, Slack, AWS, JWT, ...) and a credential-shaped word right after a word that names a
secret (`unknown token 7fq2...` in a container's log line, which no project value foretells),
or that `=` assigns to any key (`CALLBACK_ID='q8z3...'` from an app's own `.env`), also as the
password of a `user:password` value (`GIT_ASKPASS_CRED=deploy:Kq7Wn2Px9Lz4Rt`).
A `${VAR}` reference is no value and stays readable, but for
its default (`${DB_PASSWORD:-s3cret}`), and so does a value made of shell expansions alone
(`api_token=$(ckan ... token add ...)`, `$A$B`); a path under a secret key (`SSL_KEY=/certs/x.key`)
stays too. By value: `doctor.known_secrets` collects every secret value the project defines
(env files, `environment`, build args, labels, URL userinfo, commands, and any value that is a
credential by its shape alone: `doctor.secret_shapes`) and the Redactor masks those values
wherever they appear, whole (a value with blanks, quotes or backslashes, also as YAML, JSON or
XML escape it) — a long, random-looking value anywhere, a short one only
or word-like one only where it stands alone (`conductor` in `port 'conductor'`, never in
`conductor-redis`), and a service, project, image or host name, or a value the project also
uses in the clear (`MYSQL_USER=root`), only where the shapes above say it is the secret.
Known values go first: the shapes read an unquoted value only to its first blank or quote.

Every pattern is anchored at the start of a run (a look-behind on its own characters) and
uses possessive repetition, so masking is linear in the length of the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

from doctor.lazyre import lazy
from doctor.secret_alone import alone_pattern, masked, masked_alone, masked_quoted, quoted_pattern
from doctor.secret_beside import beside
from doctor.secret_commands import mask as _mask
from doctor.secret_commands import mask_group as _masked_group  # noqa: F401  (tests read it here)
from doctor.secret_commands import pass_flags, redis_auth, stdin_secrets
from doctor.secret_commands import tool_args as _tool_args
from doctor.secret_connect import connect_credentials
from doctor.secret_index import Heads as _Heads
from doctor.secret_keys import Sink, names_a_secret, secret_defaults, secret_for_key
from doctor.secret_named import LONG_FLAG as _LONG_FLAG  # noqa: F401  (tests read it here)
from doctor.secret_named import PEM_ARMOR as _PEM_ARMOR
from doctor.secret_named import key_values as _key_values
from doctor.secret_named import long_flags as _long_flags
from doctor.secret_named import prose_secrets as _prose_secrets
from doctor.secret_named import short_flags as _short_flags
from doctor.secret_named import user_secret
from doctor.secret_pem import mask_private_keys
from doctor.secret_pieces import STRONG_LENGTH, encoded_pattern
from doctor.secret_pieces import escaped_forms as _escaped_forms
from doctor.secret_pieces import pieces as _pieces
from doctor.secret_shapes import ATLAS_HINT, MASK, looks_like_credential, mask_atlas_tokens, mask_tokens
from doctor.secret_tools import statements
from doctor.secret_tools import tool_args as more_tool_args
from doctor.secret_urls import url_userinfo, whole_url_password

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.clean_digests import CleanDigests
    from doctor.model import Finding

# shorter "documentation" (a rule id, a word) is masked by value like any text: a finding may quote
# it with a secret in it (`password`); a whole summary line or docstring, it cannot
PROSE_LENGTH = 40
# `Redactor.text` remembers, for the rest of the run, what it made of each text up to _DONE_LENGTH
# characters, up to _DONE_CHARS characters of them in all (a report's fields; a whole report passes
# once; ~8 MB at most, texts and answers)
_DONE_LENGTH = 4096
_DONE_CHARS = 4_000_000

# a word or identifier: `conductor`; not a UUID, though its hex parts read as words (`e23e4567-e89b-...`
# under API_TOKEN was masked only where it stood alone, so a path `/data/<it>/x` printed it)
_NAME_LIKE = lazy(r"(?![0-9a-f]{8}-[0-9a-f]{4}-)[a-z][a-z0-9]*+(?:[-_.][a-z0-9]++)*+")

_AUTH_SCHEME = lazy(r"(?<![\w-])(?:Bearer|Basic)[ \t]++(?P<v>[\w.~+/-]{8,}+=*+)")


def _ignore(_: str) -> None:
    return None


def _prose(word: str) -> bool:
    return word.isalpha() and word.islower()


def scrub(text: str, sink: Sink = _ignore) -> str:
    """The text with every secret that its shape gives away masked; each value found goes to `sink`."""
    # each shape runs only where its literal part is in the text (a cheap scan in C): the same
    # matches, at a tenth of the cost on a 2,000-service compose file
    if "-----BEGIN" in text:
        text = mask_private_keys(text, sink)
    if "://" in text:
        text = url_userinfo(text, sink)
    if "@" in text or "/" in text:
        text = connect_credentials(text, sink)  # `system/pw@//db/XE`, `root:pw@tcp(db:3306)/app`
    text = beside(text, sink)  # before the token shapes mask the `AKIA...` id beside a secret key
    text = mask_tokens(text, sink)
    if ATLAS_HINT in text:
        text = mask_atlas_tokens(text, sink)
    if "Bearer" in text or "Basic" in text:
        text = _mask(_AUTH_SCHEME, text, sink, keep=_prose)
    text = _tool_args(text, sink)
    text = more_tool_args(text, sink)
    text = statements(text, sink)
    if "pass" in text:
        text = pass_flags(text, sink)
    if "AUTH" in text:
        text = redis_auth(text, sink)
    if "stdin" in text or "sudo" in text or "passwd" in text or "kinit" in text:  # each reader holds one of them
        text = stdin_secrets(text, sink)
    text = _prose_secrets(text, sink)
    if "--" in text:
        text = _long_flags(text, sink)
    if "-" in text:
        text = _short_flags(text, sink)
    if "${" in text:
        text = secret_defaults(text, sink)
    return _key_values(text, sink) if "=" in text or ":" in text else text


def secrets_in_mapping(mapping: Mapping[str, str | None]) -> set[str]:
    """The values of secret-looking keys, values that are credentials by their shape whatever
    the key (`doctor.secret_shapes`), and the secrets inside every value (URL passwords, tokens)."""
    found: set[str] = set()
    for key, value in mapping.items():
        found |= secrets_in_pair(key, value)
    return found


def secrets_in_pair(key: str, value: str | None, by_key: bool | None = None) -> set[str]:
    """secrets_in_mapping of one pair; `by_key`: secret_for_key(key, value), where the caller asked it."""
    if not value:
        return set()
    if by_key is None:
        by_key = secret_for_key(key, value)
    if by_key and value.isascii() and value.isalnum():
        # a big .env's `API_KEY_i=<24 letters and digits>`: no shape finds a part of such a value but the
        # whole (each needs a blank or a mark, or begins at its start and runs to its end), no URL or
        # `user:password` is in it; its key's judgement is all (~10 us of scrub for each of 200,000 keys)
        return {value}
    found: set[str] = set()
    if by_key or looks_like_credential(value, key):
        found.add(value)
    elif (secret := user_secret(value, key)) is not None:
        found.add(secret)
    if (password := whole_url_password(value.strip())) is not None:
        found.add(password)
    scrub(value, found.add)
    return found


class Redactor:
    """Masks secrets in text: by shape (`scrub`), and every known secret value.

    A value that is one of `names` (the project's service, container, host, image and project
    names, and values it shows in the clear, like `MYSQL_USER=root`) is masked only by shape
    (`MYSQL_PASSWORD=***`, a URL password, a `-p` argument) and where the text says it is the value
    (a line of its own, `ENV KEY value`, what `echo` pipes: doctor.secret_alone.quoted_pattern); a
    short or word-like one, or one found inside a name, only where it stands alone (not inside a
    word, a name or a path); any other value wherever it appears. So `MYSQL_PASSWORD=conductor`
    never turns `conductor-redis` into `***-redis`, nor `AWS_SECRET_ACCESS_KEY=sentry` a path `sentry/enhance-image.sh`.
    """

    def __init__(self, secret_values: Iterable[str] = (), names: Iterable[str] = (),
                 clean: CleanDigests | None = None) -> None:
        self._clean = clean  # texts a former run's shapes found nothing in (doctor.clean_digests), known again
        secret_values = self._values = tuple(secret_values)
        known = self._names = {n for n in names if n}
        all_names = "\n".join(sorted(known))
        strong: set[str] = set()
        weak: set[str] = set()
        named: set[str] = set()
        said: set[str] = set()  # also a name: masked by shape, and where the text says it is the value
        raw_strong: set[str] = set()
        for raw in secret_values:
            if raw.startswith("-----") and _PEM_ARMOR.fullmatch(raw.strip()):
                continue  # a PEM block's armour line alone: masked as a value, `-----END PRIVATE ***`
            for value in _pieces(raw):
                if value in known:  # also a name, or a value the project shows in the clear: `user "postgres"`
                    said.add(value)
                    continue
                if names_a_secret(value):
                    # the word that names a secret (Flagsmith's `POSTGRES_PASSWORD: password`): masked in
                    # `password authentication failed` it told the reader all the same; by shape and quoted only
                    named.add(value)
                    continue
                if len(value) >= STRONG_LENGTH and not _NAME_LIKE.fullmatch(value) and value not in all_names:
                    strong.update(_escaped_forms(value))
                    raw_strong.add(value)
                else:
                    weak.update(_escaped_forms(value))
        self._strong = sorted(strong, key=len, reverse=True)
        weak -= strong
        self._weak_values = sorted(weak, key=len, reverse=True)
        self._weak: re.Pattern[str] | None = None  # compiled for the first text holding one of them
        # compiled for the first text holding one of the values (~3.9M instructions of otel-demo's warm preflight
        # compiled them on every run; a pattern of secret values is never kept in doctor.recache's file)
        self._named_values = [(sorted(found, key=len, reverse=True), names)
                              for found, names in ((named, False), (said, True)) if found]
        self._named: list[re.Pattern[str] | None] = [None] * len(self._named_values)
        self._encoded = encoded_pattern(raw_strong)  # `Sp@ce pass` as a URL writes it: `Sp%40ce%20pass`, `+`
        # a project of thousands of services, each its own password: which of them a text holds, found in one
        # pass over it, where a test of each value against each line of a report grew with their product
        many = len(self._strong) + len(self._weak_values) > _INDEXED_AFTER
        self._strong_index = _Heads(self._strong) if many else None
        self._weak_index = _Heads(self._weak_values) if many else None
        self._prose: set[str] = set()  # doctor's own documentation let through (`documentation`), as written
        # what `text` made of each short text this run: a report's strings pass twice (the renderer's
        # fields, then the output border's pass over the whole report), the second time a look-up
        self._done: dict[str, str] = {}
        self._done_room = _DONE_CHARS

    @classmethod
    def from_environment(cls, *mappings: Mapping[str, str | None]) -> Redactor:
        """A Redactor that knows every value of a secret-looking key, and every URL password, in the maps."""
        secrets: set[str] = set()
        for mapping in mappings:
            secrets |= secrets_in_mapping(mapping)
        return cls(secrets)

    def knowing(self, values: Iterable[str]) -> Redactor:
        """A Redactor that also masks `values` by value (the secrets a `doctor why` report's logs give away beside
        a heading: `doctor.secret_beside.secrets_beside`); this one where they add none."""
        new = set(values).difference(self._values)
        return Redactor((*self._values, *new), self._names, self._clean) if new else self

    def fingerprint(self, finding: Finding) -> str:
        """The finding's fingerprint as doctor prints and stores it (JSON, SARIF, the baseline): of
        its subject as printed. A subject holding a secret (`invalid hostPort: <password>`) is
        hashed masked, since 16 hex digits of a weak password's hash in a committed baseline can be
        tested offline; every other finding keeps `Finding.fingerprint`, so baselines still match."""
        from doctor.model import fingerprint_of

        return fingerprint_of(finding.check, self.text(finding.subject))

    def document(self, text: str) -> str:
        """A JSON report (json, sarif) with every string in it redacted as `text` does, read as the
        strings it holds: in the encoded text a value ran on over a `\n` escape (`SECRET_KEY_BASE=***`
        took the blank line and the `# ` of the comment after it into its value). Not JSON: `text`."""
        from doctor.json_text import dumps  # valid UTF-8 whatever file name it holds

        try:
            document = json.loads(text)
        except ValueError:
            return self.text(text)

        changed = False

        def walk(value: object) -> object:
            nonlocal changed
            if isinstance(value, str):
                shown = self.text(value)
                changed = changed or shown != value
                return shown
            if isinstance(value, list):
                if value and all(isinstance(v, str) for v in value):
                    shown_words = self.argv(value)  # a command's words (a fix's `command`): as `argv` masks them
                    changed = changed or shown_words != value
                    return shown_words
                return [walk(v) for v in value]
            if isinstance(value, dict):
                return {k: walk(v) for k, v in value.items()}
            return value

        redacted = walk(document)
        # nothing masked: the text as it came (encoding it again would give the same, as doctor's
        # reports are encoded: indent 2, keys in their order), not encoded once more
        if not changed and text.endswith("\n") and not text.endswith("\n\n"):
            return text
        return dumps(redacted)

    def text(self, text: str) -> str:
        """The text with every secret it holds replaced by ***."""
        if not text:
            return text
        done = self._done.get(text)
        if done is not None:
            return done
        shown = self._text(text)
        if len(text) <= min(_DONE_LENGTH, self._done_room):
            self._done[text] = shown
            self._done_room -= len(text)
        return shown

    def _text(self, text: str) -> str:
        # known values first: the shapes read a value only as far as its first blank or quote
        # (`MASTER_PASS=correct horse` would leave ` horse` for the known value to miss)
        pieces = self._outside_prose(text)
        for at, piece in enumerate(pieces):
            if at % 2:
                continue  # doctor's own documentation, whole: no project value in it
            if self._strong_index is not None and self._weak_index is not None:
                for value in self._strong_index.held(piece):
                    piece = piece.replace(value, MASK)
                for value in self._weak_index.held(piece):
                    piece = masked_alone(piece, value)
                pieces[at] = self._quoted(piece)
                continue
            for value in self._strong:
                if value in piece:
                    piece = piece.replace(value, MASK)
            if any(value in piece for value in self._weak_values):  # else the pattern can match nothing
                piece = masked(self._weak_pattern(), piece)
            pieces[at] = self._quoted(piece)
        return self._scrubbed("".join(pieces))

    def _quoted(self, piece: str) -> str:
        if self._encoded is not None and ("%" in piece or "+" in piece):
            piece = self._encoded.sub(MASK, piece)
        for at, (values, names) in enumerate(self._named_values):
            if len(values) <= _SOUGHT_ALONE and not any(value in piece for value in values):
                continue  # each alternative is one of the values: the pattern can match nothing
            pattern = self._named[at]
            if pattern is None:
                pattern = self._named[at] = quoted_pattern(values, names=names)
            piece = masked_quoted(pattern, piece)
        return piece

    def _weak_pattern(self) -> re.Pattern[str]:
        """The weak values where each stands alone (`doctor.secret_alone`), compiled when a text first
        holds one (~0.2 ms a run otherwise spent on a report that holds none)."""
        if self._weak is None:
            self._weak = alone_pattern(self._weak_values)
        return self._weak

    def _scrubbed(self, text: str) -> str:
        """scrub(text); a text a former run's scrub left as it was is that text (scrub is a pure
        function of it and of doctor's code, which keys the memo), known by its digest."""
        if self._clean is None:
            return scrub(text)
        return self._clean.judged(text, lambda: scrub(text), lambda shown: shown == text, text)

    def documentation(self, text: str) -> str:
        """A check's own documentation (its docstring: SARIF rule help, its summary), masked by
        shape only (an example's `u:p@postgres` as anywhere), and let through `text` after as it
        stands, whole, raw or as a JSON string holds it: the output border passes the whole report
        again. No project value is in it; masking the known ones there turned prose into `none of
        the *** variables` where a project's password is `password` (wger-project/docker's dev),
        which tells anyone who reads `doctor explain` what that password is."""
        if not text:
            return text
        shown = scrub(text)
        if len(shown) >= PROSE_LENGTH:
            self._done.clear()  # a text holding it is cut at it from now on
            self._done_room = _DONE_CHARS
            self._prose.update({shown, json.dumps(shown, ensure_ascii=False)[1:-1], json.dumps(shown)[1:-1]})
        return shown

    def _outside_prose(self, text: str) -> list[str]:
        """`text` cut at each whole documentation `documentation` let through: pieces outside it
        at even places, the documentation at odd ones."""
        # the longest first where two start alike: a docstring starts with its summary line
        found = sorted((at, -len(prose)) for prose in self._prose if prose in text
                       for at in _occurrences(text, prose))
        pieces: list[str] = []
        done = 0
        for at, negative in found:
            length = -negative
            if at < done:
                continue  # inside one already cut out (a docstring holding another's text)
            pieces += [text[done:at], text[at:at + length]]
            done = at + length
        pieces.append(text[done:])
        return pieces

    def argv(self, args: Iterable[str]) -> list[str]:
        """A command's words, each masked as `text` masks it, and also the word a secret flag before it
        names (`--password`, `--token`, `--api-key` ...: a JSON array of words is never read as the
        one string `--password X` whose shape `text` knows)."""
        words = list(args)
        out = []
        for index, word in enumerate(words):
            masked = self.text(word)
            if word in self._names and scrub(word) == word:
                # a name that is also a secret's value (ctfd's project, service and MySQL password): a word of
                # its own is not a line saying it is the value, as `text` reads a string of it alone; it is masked
                # as the command's line up to it masks it (`compose -p ctfd run ctfd pytest` shows it, `redis-cli
                # -a ctfd`, `docker login -u x -p ctfd` do not: the tool gives the flag its meaning)
                line = self.text(" ".join(words[:index + 1]))
                out.append(word if line == word or line.endswith(" " + word) else MASK)
                continue
            if index and masked == word and word:
                pair = self.text(f"{words[index - 1]} {word}")
                if not pair.endswith(" " + word):  # the flag before it says it is a secret
                    masked = MASK
            out.append(masked)
        return out


def _occurrences(text: str, part: str) -> Iterable[int]:
    at = text.find(part)
    while at >= 0:
        yield at
        at = text.find(part, at + len(part))


_SOUGHT_ALONE = 64  # quoted values each sought in a text before their pattern is tried (more: the pattern alone)
_INDEXED_AFTER = 256  # known values past which a text is searched for them by their heads, in one pass


def clip(text: str, width: int, *, tail: bool = False, ellipsis: str = "…") -> str:
    """`text` cut to at most `width` characters between words, never inside one (its head, or with
    `tail` its end): a value the output is masked for is then shown whole, and masked, or not at
    all. Cut inside it, the prefix of a password (a port holder's command line, a container's log
    line) matches no known value and printed in the clear."""
    if len(text) <= width:
        return text
    room = max(0, width - len(ellipsis))
    if tail:
        start = len(text) - room
        kept = text[start:]
        if start > 0 and not text[start - 1].isspace():  # the first word is cut: drop it
            blank = next((i for i, c in enumerate(kept) if c.isspace()), len(kept))
            kept = kept[blank:]
        return ellipsis + kept.lstrip()
    kept = text[:room]
    if not text[room].isspace():  # the last word is cut: drop it
        blank = max((i for i, c in enumerate(kept) if c.isspace()), default=0)
        kept = kept[:blank]
    return kept.rstrip() + ellipsis
