"""What a secret, and what no secret, looks like by itself, whatever the key that holds it.

Here: the well-known token formats (GitHub, Slack, AWS, JWT, Stripe, Teams webhooks, a URL's
`sig=`, ...: `TOKEN_SHAPES`, `mask_tokens`), `looks_like_credential` (below), a URL user part
that is itself a key (a Sentry DSN), and two things that are no secret though a secret key may hold them: a path
(`SSL_KEY=/certs/site.key`, `DB_PASSWORD=/run/secrets/db_password`) and a `${VAR}` reference,
whose default alone may be a value (`reference_at`). `doctor.redact` applies them.

`looks_like_credential`: `NEXTAUTH=3f9a...` (40 hex digits), `MEILI_MASTER=Mk9Lp2Qr...` (32
random base62 characters), `ENCRYPTION=b64:dGhp...`, `DJANGO_SK=django-insecure-...`: the key
says nothing, the value says everything. A value counts when the whole of it (after a short
`scheme:` prefix such as `b64:`) is one of:

- 32 or more hex digits, with at least one letter and one digit;
- 24 or more base64 / base64url characters (`=` padding allowed) mixing upper case, lower case
  and digits (in two places at least), and switching between those classes as often as random
  text does (two changes every five characters: `Mk9Lp2Qr` changes at every character; the
  identifiers `MyVeryLongClassName2Handler` and `max_old_space_size_4096` have one digit run);
- 24 or more characters of one case and digits (`q8z3k7m2p9x4...`), with three digit runs at
  least and one per eight characters (~95% of random [a-z0-9] tokens of 24-40; word-and-number
  names such as `postgresql16alpine3builder2024` have fewer);
- 32 or more characters of django's `get_random_secret_key()` alphabet with three of its
  symbols (`k#9v!2m@x$z&...`), or a `django-insecure-` key.
- 12 to 23 characters (`9fK2mQ8zL4pW7xR1`, `Xk9#mP2$vL7q`) with no `-`, `_`, `.`, `/` or `:`,
  mixing upper case, lower case and two digit runs or more, changing class at 55% of the
  places and spelling no four letters of one case in a row (`MyApp2Service3`, `OAuth2Proxy`,
  `Win64OpenSSL3` stay): about half of random base62 tokens that short. On the env values of
  ../shared/corpus (~2,500) this masks nothing that is not a credential.

Never: a digest (`sha256:...`, an image reference with `@sha256:`), a value under a key that
names a revision or checksum (`GIT_SHA`, `BUILD_COMMIT`, `*_REF`, `*_DIGEST`, `*_VERSION`), a path
(`/`, `./`, `~/`), anything with a blank, a dot or an `@` in it (hostnames, image tags,
versions, e-mail addresses), and UUIDs (`123e4567-e89b-12d3-a456-426614174000`): a UUID is
mostly an id (tenant, client, project) that a user reads to tell things apart; a UUID used as a
secret sits under a key that says so (`*_SECRET`, `*_TOKEN`) and is masked by key. URLs are
judged by their userinfo (`doctor.redact`), not here. Some random tokens escape these rules
(shorter than 12, of one case and shorter than 24, or few digit runs): a key that says "secret"
still catches those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import pairwise

from doctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re

MASK = "***"
# Each well-known token shape, and where a match of it can begin: the characters its match can
# begin with, or (a webhook's path, a URL's `sig=`) the literal text right before it, or None (the
# Azure AD secret: any of 66 characters, its `Q~` four characters further tells). mask_tokens
# compiles only the shapes that can begin where it looks (doctor.recache keeps each such pattern
# across runs): the whole alternation costs ~5-8 ms to compile, a run's first in a project with
# a hint in it. tests/test_secrets_formats.py checks each entry against the shape's own parse.
_SHAPES: tuple[tuple[str | tuple[str, ...] | None, str], ...] = (
    ("g", r"(?<![\w-])gh[pousr]_[A-Za-z0-9]{20,}+"),
    ("g", r"(?<![\w-])github_pat_\w{20,}+"),
    ("x", r"(?<![\w-])xox[abposr]-[\w-]{8,}+"),
    ("x", r"(?<![\w-])xapp-[0-9]-[A-Za-z0-9-]{20,}+"),  # Slack app-level token
    ("A", r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])"),
    ("e", r"(?<![\w-])eyJ[\w-]{6,}+\.[\w-]{6,}+\.[\w-]*+"),
    ("g", r"(?<![\w-])gl(?:pat|rt|dt|ptt|cbt|soat|ft)-[\w-]{20,}+"),
    ("n", r"(?<![\w-])npm_[A-Za-z0-9]{30,}+"),
    ("rs", r"(?<![\w-])[sr]k_(?:live|test)_[A-Za-z0-9]{16,}+"),
    ("s", r"(?<![\w-])sk-[\w-]{20,}+"),
    ("A", r"(?<![\w-])AIza[\w-]{30,}+"),
    ("S", r"(?<![\w.-])SG\.[\w-]{16,}+\.[\w-]{16,}+"),
    ("h", r"(?<![\w-])hf_[A-Za-z0-9]{30,}+"),
    ("d", r"(?<![\w-])do[opr]_v1_[a-f0-9]{64}(?![A-Za-z0-9])"),
    ("s", r"(?<![\w-])shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}(?![A-Za-z0-9])"),
    ("w", r"(?<![\w-])whsec_[A-Za-z0-9+/]{24,}+=*+"),
    ("p", r"(?<![\w-])pypi-AgE[\w-]{50,}+"),
    ("N", r"(?<![\w-])NRAK-[A-Z0-9]{27}(?![A-Za-z0-9])"),
    ("A", r"(?<![\w-])AGE-SECRET-KEY-1[0-9A-Z]{50,}+"),
    ("$", r"(?<![\w$])\$2[aby]?\$[0-9]{2}\$[./A-Za-z0-9]{53}(?![./A-Za-z0-9])"),
    # htpasswd's default ($apr1$, traefik's basicauth users) and crypt(3)'s MD5, SHA-256 and SHA-512
    ("$", r"(?<![\w$])\$(?:apr1|[156])\$(?:rounds=[0-9]+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{22,86}"
          r"(?![./A-Za-z0-9])"),
    (("hooks.slack.com/services/",), r"(?<=hooks\.slack\.com/services/)[\w/]++"),
    (("discord.com/api/webhooks/",), r"(?<=discord\.com/api/webhooks/)[\w/-]++"),
    (("discordapp.com/api/webhooks/",), r"(?<=discordapp\.com/api/webhooks/)[\w/-]++"),
    ((".webhook.office.com/webhookb2/",), r"(?<=\.webhook\.office\.com/webhookb2/)[\w@/-]++"),
    (("outlook.office.com/webhook/",), r"(?<=outlook\.office\.com/webhook/)[\w@/-]++"),
    (("outlook.office365.com/webhook/",), r"(?<=outlook\.office365\.com/webhook/)[\w@/-]++"),
    (("?sig=", "&sig="), r"(?<=[?&]sig=)[\w%+/=.-]{16,}+"),
    # vendors' prefixed tokens, after gitleaks' rules (config/gitleaks.toml) and the vendors' docs
    ("d", r"(?<![\w-])dapi[a-f0-9]{32}(?:-[0-9])?+(?![A-Za-z0-9])"),  # Databricks
    ("d", r"(?<![\w.-])dp\.(?:st|pt|sa|ct|scim|audit)\.[\w.-]{40,}+"),  # Doppler
    ("l", r"(?<![\w-])lin_(?:api|oauth)_[A-Za-z0-9]{32,}+"),  # Linear
    ("P", r"(?<![\w-])PMAK-[a-f0-9]{24}-[a-f0-9]{34}(?![A-Za-z0-9])"),  # Postman
    ("g", r"(?<![\w-])glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}(?![A-Za-z0-9])"),  # Grafana service account
    ("g", r"(?<![\w-])glc_[A-Za-z0-9+/]{32,}+=*+"),  # Grafana cloud
    ("A", r"(?<![\w-])AT[AC]TT3[\w=-]{40,}+"),  # Atlassian API token
    ("x", r"(?<![\w-])x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}(?![A-Za-z0-9])"),  # Brevo (Sendinblue)
    ("k", r"(?<![\w-])key-[a-f0-9]{32}(?![A-Za-z0-9])"),  # Mailgun
    ("S", r"(?<![A-Za-z0-9])SK[a-f0-9]{32}(?![A-Za-z0-9])"),  # Twilio API key
    ("s", r"(?<![\w-])sq0(?:csp|atp)-[\w-]{22,}+"),  # Square
    ("E", r"(?<![\w-])EAAA[\w-]{40,}+"),  # Square
    (None, r"(?<![\w~.-])[A-Za-z0-9_~.]{3}[0-9]Q~[\w~.-]{31,34}(?![\w~.-])"),  # Azure AD client secret
    ("H", r"(?<![\w-])HRKU-AA[\w-]{58}(?![\w-])"),  # Heroku
    ("h", r"(?<![\w.-])hv[sbr]\.[\w-]{20,}+"),  # HashiCorp Vault
    ("s", r"(?<![\w-])sntry[us]_[\w+/=]{40,}+"),  # Sentry user and org tokens
    ("n", r"(?<![\w-])ntn_[0-9]{11}[A-Za-z0-9]{32,}+"),  # Notion
    ("p", r"(?<![\w-])pplx-[A-Za-z0-9]{40,}+"),  # Perplexity
    ("d", r"(?<![\w-])dckr_(?:pat|oat)_[\w-]{20,}+"),  # Docker Hub
    ("t", r"(?<![\w-])tskey-[a-z]++-[\w-]{20,}+"),  # Tailscale
    ("s", r"(?<![\w-])sb(?:p_[a-f0-9]{40}(?![A-Za-z0-9])|_secret_[\w-]{20,}+)"),  # Supabase
    ("A", r"(?<=[0-9]:)AA[\w-]{32,}+"),  # Telegram bot token, after `<bot id>:`
    ("p", r"(?<![\w-])pscale_(?:pw|tkn|oauth)_[\w=.-]{32,}+"),  # PlanetScale
    ("p", r"(?<![\w-])pul-[a-f0-9]{40}(?![A-Za-z0-9])"),  # Pulumi
    ("r", r"(?<![\w-])rubygems_[a-f0-9]{48}(?![A-Za-z0-9])"),  # RubyGems
    ("d", r"(?<![\w-])dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}(?![A-Za-z0-9])"),  # Dynatrace
    ("f", r"(?<![\w-])(?:fo1_[\w-]{30,}+|fm1[ar]_[\w+/]{50,}+=*+|fm2_[\w+/]{50,}+=*+)"),  # Fly.io
    ("p", r"(?<![\w-])pnu_[A-Za-z0-9]{36}(?![A-Za-z0-9])"),  # Prefect
    ("L", r"(?<![A-Za-z0-9])LTAI[A-Za-z0-9]{20}(?![A-Za-z0-9])"),  # Alibaba Cloud
    ("A", r"(?<![\w-])API-[A-Z0-9]{26}(?![A-Za-z0-9])"),  # Octopus Deploy
    ("p", r"(?<![\w-])pat[A-Za-z0-9]{14,16}\.[a-f0-9]{64}(?![A-Za-z0-9])"),  # Airtable
    ("i", r"(?<![\w-])ico-[A-Za-z0-9]{32}(?![A-Za-z0-9])"),  # Infracost
    ("v", r"(?<![\w.-])v1\.0-[a-f0-9]{24}-[a-f0-9]{146}(?![A-Za-z0-9])"),  # Cloudflare origin CA
    ("s", r"(?<![\w.-])sk\.eyJ[\w-]{10,}+\.[\w-]{10,}+"),  # Mapbox secret
    ("o", r"(?<![\w-])ops_eyJ[\w+/]{50,}+=*+"),  # 1Password service account
    ("g", r"(?<![\w-])gsk_[A-Za-z0-9]{20,}+"),  # Groq
    ("r", r"(?<![\w-])r8_[A-Za-z0-9]{20,}+"),  # Replicate
    ("s", r"(?<![\w-])secret_[A-Za-z0-9]{32,}+(?![\w-])"),  # Notion's integration secret
    ("f", r"(?<![\w-])figd_[\w-]{30,}+"),  # Figma
    ("y", r"(?<![\w.-])ya29\.[\w-]{30,}+"),  # Google OAuth access token
    ("1", r"(?<![\w/])1//0[\w-]{30,}+"),  # Google OAuth refresh token
    # a Discord bot token: the bot's id in base64 (its first letter M, N or O), a timestamp, an HMAC
    ("MNO", r"(?<![\w.-])[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}+"),
)


def _alternation(indices: Iterable[int]) -> str:
    """The shapes at `indices` as one pattern, in _SHAPES's order, the token in group `v`."""
    return "(?P<v>" + "|".join(_SHAPES[i][1] for i in indices) + ")"


TOKEN_SHAPES = lazy(_alternation(range(len(_SHAPES))))  # every shape: the reference
# Every token shape starts with one of these literals (a webhook shape and Telegram's right after
# its prefix, an Azure AD secret AAD_BACK characters before its `<digit>Q~`): mask_tokens tries
# TOKEN_SHAPES only there. Its 61 branches each begin with a look-behind, so `sub` would try them
# all at every position of the text. Grouped by first character, which sre tests once per branch:
# a flat alternation of the same literals scans ~1.6x slower. Every branch begins with a literal
# (`\?sig=|&sig=`, `0Q~|...|9Q~`, never a class), so sre skips each position whose character no
# branch begins with before it tries any (its charset prefix): 2.9 -> 1.7 ms on a 24 kB compose file.
_TOKEN_HINT = lazy(r"A(?:KIA|SIA|Iza|GE-SECRET-KEY-1|T[AC]TT3|PI-)|EAAA|HRKU-|LTAI|NRAK-|PMAK-|S(?:G\.|K)"
                   r"|M(?=[\w-]{23,27}\.[\w-]{6}\.)|N(?=[\w-]{23,27}\.[\w-]{6}\.)|O(?=[\w-]{23,27}\.[\w-]{6}\.)"
                   r"|ya29\.|1//0"
                   r"|d(?:o[opr]_v1_|api|p\.|ckr_|t0c01\.|iscord(?:app)?\.com/api/webhooks/)|eyJ|f(?:o1_|m[12]|igd_)"
                   r"|g(?:h[pousr]_|ithub_pat_|l(?:pat|rt|dt|ptt|cbt|soat|ft)-|l(?:sa|c)_|sk_)"
                   r"|h(?:f_|v[sbr]\.|ooks\.slack\.com/services/)|ico-|key-|lin_|n(?:pm_|tn_)"
                   r"|o(?:ps_eyJ|utlook\.office(?:365)?\.com/webhook/)"
                   r"|p(?:ypi-AgE|plx-|scale_|ul-|nu_|at[A-Za-z0-9]{14,16}\.)|r(?:k_(?:live|test)_|ubygems_|8_)"
                   r"|s(?:k(?:_(?:live|test)_|[-.])|hp(?:at|ss|ca|pa)_|ntry[us]_|b(?:p|_secret)_|q0|ecret_)"
                   r"|tskey-|v1\.0-|whsec_|x(?:ox[abposr]-|keysib-|smtpsib-|app-)"
                   r"|\$(?:2[aby]?|apr1|[156])\$|\.webhook\.office\.com/webhookb2/|\?sig=|&sig="
                   r"|0Q~|1Q~|2Q~|3Q~|4Q~|5Q~|6Q~|7Q~|8Q~|9Q~|:(?=AA[\w-]{32})")
AAD_BACK = 3  # an Azure AD client secret's characters before the `<digit>Q~` its hint finds
# Where a _TOKEN_HINT match can begin: (literal, back) for each branch, the literal its match holds
# `back` characters after its start (`<digit>Q~`: one; a literal shorter than the branch, `pat` of
# Airtable's `pat<id>.`, `:AA` of Telegram's `:(?=AA...)`, `discord` of both Discord webhooks, is
# found wherever the branch's match is); the Discord bot token's `[MNO]` is read back from its dot. Its
# first characters are most lower-case letters, the digits and `:`, so _TOKEN_HINT.search walked its
# ~45 branches at nearly every position (~500 instructions a character); mask_tokens tries
# `_TOKEN_HINT.match` only where a literal begins (str.find, ~1 instruction a character each) and
# 24 to 28 characters before a Discord token's first dot: the same hints (search's is the first
# place a match begins). tests/test_secret_hint_places.py reads each branch of _TOKEN_HINT and
# checks that the literal of its start is here.
_HINT_LITERALS: tuple[tuple[str, int], ...] = (
    *((literal, 0) for literal in ("AKIA", "ASIA", "AIza", "AGE-SECRET-KEY-1", "ATATT3", "ATCTT3", "API-", "EAAA",
                                   "HRKU-", "LTAI", "NRAK-", "PMAK-", "SG.", "SK", "ya29.", "1//0", "dapi", "dp.",
                                   "dckr_", "dt0c01.", "discord", "eyJ", "fo1_", "fm", "figd_", "gh", "github_pat_",
                                   "gl", "gsk_", "hf_", "hv", "hooks.slack.com/", "ico-", "key-", "lin_", "npm_",
                                   "ntn_", "ops_eyJ", "outlook.office", "pypi-AgE", "pplx-", "pscale_", "pul-",
                                   "pnu_", "pat", "rk_", "rubygems_", "r8_", "sk", "shp", "sntry", "sb", "sq0",
                                   "secret_", "tskey-", "v1.0-", "whsec_", "xox", "xkeysib-", "xsmtpsib-", "xapp-",
                                   "$2", "$apr1$", "$1$", "$5$", "$6$", ".webhook.office.com/", ":AA")),
    ("_v1_", 3),  # DigitalOcean's do[opr]_v1_
    ("Q~", 1),  # an Azure AD secret's <digit>Q~
    ("sig=", 1),  # a URL's ?sig= and &sig=
)
# any of _HINT_LITERALS, grouped by first character (tests/test_secret_hint_places.py checks each literal
# matches it): where it finds none in a short text, no literal is in it
_ANY_HINT = lazy(r"\$(?:apr1\$|[156]\$|2)|\.webhook\.office\.com/|1//0|:AA|A(?:GE-SECRET-KEY-1|T[AC]TT3|Iza|KIA|PI-"
                 r"|SIA)|EAAA|HRKU-|LTAI|NRAK-|PMAK-|Q~|S(?:G\.|K)|_v1_|d(?:iscord|t0c01\.|ckr_|api|p\.)|eyJ|f(?:igd_|o1_|m)"
                 r"|g(?:ithub_pat_|sk_|h|l)|h(?:ooks\.slack\.com/|f_|v)|ico-|key-|lin_|n(?:pm_|tn_)|o(?:utlook\.office|ps_eyJ)"
                 r"|p(?:ypi-AgE|scale_|plx-|nu_|ul-|at)|r(?:ubygems_|8_|k_)|s(?:ecret_|ntry|ig=|hp|q0|b|k)|tskey-|v1\.0-"
                 r"|whsec_|x(?:smtpsib-|keysib-|app-|ox)|ya29\.")
# texts up to this long are first searched for any literal (_ANY_HINT, ~300 instructions a character): a pair's
# value, a command; a longer text's literals are each sought as before (str.find, ~200 a character for all 71)
_GATED = 512
_DOT_SIX_DOT = lazy(r"\.(?=[\w-]{6}\.)")  # the first dot of a Discord bot token (its `M` 24 to 28 before)
_LONGEST_PREFIX = len("outlook.office365.com/webhook/")  # the longest text a hint matches


def _shape_index() -> tuple[dict[str, tuple[int, ...]], tuple[tuple[int, tuple[str, ...]], ...], int]:
    """_SHAPES by first character, the shapes that begin after a literal, the Azure AD shape."""
    by_first: dict[str, list[int]] = {}
    after: list[tuple[int, tuple[str, ...]]] = []
    anywhere = -1
    for index, (begins, _) in enumerate(_SHAPES):
        if begins is None:
            anywhere = index
        elif isinstance(begins, tuple):
            after.append((index, begins))
        else:
            for char in begins:
                by_first.setdefault(char, []).append(index)
    return {char: tuple(found) for char, found in by_first.items()}, tuple(after), anywhere


_BY_FIRST, _AFTER, _AAD_SHAPE = _shape_index()
_AFTER_ANY = tuple(prefix for _, prefixes in _AFTER for prefix in prefixes)
_CHOSEN: dict[tuple[int, ...], re.Pattern[str]] = {}  # the shapes that can begin at a place, compiled


def lowered(text: str) -> str:
    """`text` in lower case, each character where it stands (one that lower-cases to two is kept as it is), so
    that a place found in it (`places`) is the same place in `text`."""
    lower = text.lower()
    return lower if len(lower) == len(text) else "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def places(text: str, literals: Iterable[str]) -> list[int]:
    """Every place in `text` where one of `literals` begins (overlapping ones too), in order."""
    found: set[int] = set()
    for literal in literals:
        at = text.find(literal)
        while at >= 0:
            found.add(at)
            at = text.find(literal, at + 1)
    return sorted(found)


def matches_at(pattern: re.Pattern[str], text: str, where: Iterable[int]) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern whose every match begins at one of the places `where`
    (in order; `places`): the pattern is tried there alone (`match` at a place sees the text
    before it, as its look-behinds ask), each match's end the next place tried from, as finditer
    goes on from it. A non-empty pattern only."""
    end = 0
    match_at = pattern.match  # a lazy pattern's method is read through its class's __getattr__ hook
    for at in where:
        if at < end:
            continue
        match = match_at(text, at)
        if match is not None:
            yield match
            end = match.end()


def sub_at(pattern: re.Pattern[str], text: str, where: Iterable[int],
           replace: Callable[[re.Match[str]], str]) -> str:
    """`pattern.sub(replace, text)` for a pattern whose every match begins at one of the places `where`
    (matches_at's matches); `text` itself where nothing matches."""
    out: list[str] = []
    done = 0
    for match in matches_at(pattern, text, where):
        out += [text[done:match.start()], replace(match)]
        done = match.end()
    return "".join(out) + text[done:] if out else text


def match_shape(text: str, at: int) -> re.Match[str] | None:
    """`TOKEN_SHAPES.match(text, at)`, of the shapes alone that can begin at `at` (the same match:
    the others cannot match there, and the rest keep TOKEN_SHAPES's order)."""
    chosen = _BY_FIRST.get(text[at:at + 1], ())
    if text.endswith(_AFTER_ANY, 0, at):
        chosen += tuple(index for index, prefixes in _AFTER if text.endswith(prefixes, 0, at))
    if text.startswith("Q~", at + 4):
        chosen += (_AAD_SHAPE,)
    if not chosen:
        return None
    key = tuple(sorted(chosen))
    pattern = _CHOSEN.get(key)
    if pattern is None:
        from doctor.recache import compile as compile_static

        pattern = _CHOSEN[key] = compile_static(_alternation(key))
    return pattern.match(text, at)


BLANK = lazy(r"\s")  # what str.isspace calls a blank (re's \s for a str pattern is the same test), found in C
_PATH_LIKE = lazy(r"(?:~|\.{1,2})?(?:/[a-z0-9_.@-]++)++/?")
_REF_NAME = lazy(r"[A-Za-z_]\w*+")
_REF_OP = lazy(r":?[-?+]")
MAX_REFERENCE = 512  # a `${...}` longer than this is not read as one (keeps masking linear)
_HEX = lazy(r"[0-9a-fA-F]{32,}+")
_BASE64 = lazy(r"[A-Za-z0-9+/_-]{24,}+={0,2}")
_PREFIX = lazy(r"[A-Za-z][A-Za-z0-9]{0,11}:")
_ONE_CASE = lazy(r"[a-z0-9]{24,}+|[A-Z0-9]{24,}+")
_DJANGO_ALPHABET = lazy(r"[a-z0-9!@#$%^&*(\-_=+)]{32,}+")  # django's get_random_secret_key() draws from it
_SYMBOLS = frozenset("!@#$%^&*()=+")
_DIGIT_RUN = lazy(r"[0-9]++")
# a short credential's alphabet: no blank, quote, `.`, `/`, `:` (hosts, paths, versions, image tags,
# URLs, e-mail addresses), nor `-` or `_`, which join an identifier's parts (`x86_64-Linux-GNU`)
_SHORT = lazy(r"[A-Za-z0-9!@#$%^&*()+=~?,;\[\]{}|<>]{12,23}")
_URL_USER = lazy(r"[A-Za-z0-9_-]{12,}+")  # a token as a URL's user: git's `https://TOKEN@github.com/...`
_DIGESTS = ("sha1:", "sha224:", "sha256:", "sha384:", "sha512:", "md5:")
_NOT_SECRET_LAST = frozenset({"SHA", "COMMIT", "REV", "REVISION", "DIGEST", "CHECKSUM", "VERSION", "ETAG", "REF",
                              "TAG"})
_DJANGO = "django-insecure-"


def _classes(text: str) -> list[int]:
    return [0 if c.isdigit() else 1 if c.isupper() else 2 if c.islower() else 3 for c in text]


def _random_looking(body: str) -> bool:
    classes = _classes(body)
    if not {0, 1, 2} <= set(classes) or len(_DIGIT_RUN.findall(body)) < 2:
        return False
    changes = sum(a != b for a, b in pairwise(classes))
    return changes * 5 >= len(body) * 2


def _one_case_random(body: str) -> bool:
    """`q8z3k7m2p9x4...`: one case and digits, three digit runs at least and one per eight characters
    (40 random characters of [a-z0-9] have ~8; `corpusplaceholdersecretkey00000000` has one,
    `postgresql16alpine3builder2024` three in 30)."""
    digits = sum(c.isdigit() for c in body)
    runs = len(_DIGIT_RUN.findall(body))
    return digits >= 4 and len(body) - digits >= 4 and runs >= 3 and runs * 8 >= len(body)


def _short_random(text: str) -> bool:
    """`9fK2mQ8zL4pW7xR1`, `Xk9#mP2$vL7q`: 12 to 23 characters of upper case, lower case and digits
    (symbols too), two digit runs at least, a change of class at 55% of the places or more, and no
    run of four letters of one case: identifiers change class a few times and spell words
    (`MyApp2Service3`, `SHA256withRSA`, `Win64OpenSSL3`); ~half of random base62 tokens of that length
    pass (the others show a longer run or fewer changes: a key that says secret catches them)."""
    if not _SHORT.fullmatch(text) or len(_DIGIT_RUN.findall(text)) < 2:
        return False
    classes = _classes(text)
    if not {0, 1, 2} <= set(classes):
        return False
    changes = sum(a != b for a, b in pairwise(classes))
    run = longest = 0
    for before, after in pairwise([-1, *classes]):
        run = run + 1 if after == before and after in (1, 2) else 1
        longest = max(longest, run)
    return changes * 20 >= (len(text) - 1) * 11 and longest <= 4


def _django_random(text: str) -> bool:
    """`k#9v!2m@x$z&q7w^...`: django's alphabet, three of its symbols, digits and letters mixed."""
    if not _DJANGO_ALPHABET.fullmatch(text):
        return False
    digits = sum(c.isdigit() for c in text)
    letters = sum(c.isalpha() for c in text)
    return sum(c in _SYMBOLS for c in text) >= 3 and digits >= 3 and letters >= 8


# no credential is longer (a JWT with many claims is a few KB; a private key block has its own shape):
# judging a 2 MiB value character by character took seconds, once for each key that held it
MAX_CREDENTIAL = 16384


def looks_like_credential(value: str, key: str = "") -> bool:
    """Whether the whole value is a credential by its shape (see the module docs)."""
    if len(value) < 12:  # stripped, no shorter value counts either: most words a scan judges are short
        return False
    text = value.strip()
    if len(text) < 12 or len(text) > MAX_CREDENTIAL or BLANK.search(text):
        return False
    if text.startswith(_DJANGO):
        return len(text) >= len(_DJANGO) + 8
    if "." in text or "://" in text:
        # no shape below takes a `.`, nor a `:` but after a short scheme that a `/` never follows (`b64:`): a
        # host, an image, a URL, a version; most long values a file's text assigns are one
        return False
    if key and key.replace("-", "_").upper().rsplit("_", 1)[-1] in _NOT_SECRET_LAST:
        return False
    if len(text) < 24:
        return _short_random(text)
    if text.lower().startswith(_DIGESTS):
        return False
    if _django_random(text):
        return True
    prefix = _PREFIX.match(text)
    body = text[prefix.end():] if prefix is not None else text
    if _HEX.fullmatch(body):
        return any(c.isdigit() for c in body) and any(c.isalpha() for c in body)
    if _ONE_CASE.fullmatch(body):
        return _one_case_random(body)
    if not _BASE64.fullmatch(body) or body.startswith(("/", "-", "_", "+")):
        return False
    return _random_looking(body.rstrip("="))


def token_like_user(user: str) -> bool:
    """Whether a URL's user part, with no password after it, is itself the key (a Sentry DSN, or a token of
    12 characters or more shaped like a credential: git's `https://TOKEN@github.com/org/repo`)."""
    if not _URL_USER.fullmatch(user):
        return False
    return _HEX.fullmatch(user) is not None or looks_like_credential(user) or (
        any(c.isdigit() for c in user) and any(c.isalpha() for c in user) and len(user) >= 20)


def hint_places(text: str) -> list[int]:
    """Every place in `text` where a _TOKEN_HINT match can begin (and others), in order."""
    found: set[int] = set()
    # a short text holding none (most of a project's values): one search in C, where 71 finds and their loop
    # cost ~90k instructions however short the text
    if len(text) > _GATED or _ANY_HINT.search(text) is not None:
        for literal, back in _HINT_LITERALS:
            at = text.find(literal)
            while at >= 0:
                found.add(at - back)
                at = text.find(literal, at + 1)
    for dot in _DOT_SIX_DOT.finditer(text) if "." in text else ():
        found.update(at for at in range(dot.start() - 28, dot.start() - 23) if at >= 0 and text[at] in "MNO")
    found.discard(-1)
    return sorted(found)


def mask_tokens(text: str, sink: Callable[[str], None]) -> str:
    """`doctor.redact._mask(TOKEN_SHAPES, text, sink)`, with the shapes tried only where they can begin.

    Each shape begins where one of _TOKEN_HINT's literals starts (the webhook shapes where their
    prefix ends, an Azure AD secret AAD_BACK characters before its hint), so the shapes are tried at
    those places alone (`match_shape`: those that can begin at the place), left to right, and a
    match ends the search before its end as `sub` does: the same matches, ~10x faster on a big
    compose file with a hint in it (a `sk-` or `eyJ` anywhere made `sub` try all 61 look-behind
    branches at every position: ~30 ms for 50 kB). No shape can begin strictly inside a hint's
    text, so hints found without overlap, from any place, are every place a shape can begin (`sk.`
    is Mapbox's hint, not `sk.eyJ`, in which a JWT begins). After a match the hints are sought again
    from its end, less the longest webhook prefix (one may begin inside a token and end after it:
    `eyJ...x.xhooks.slack` `.com/services/...`). The hints are `_TOKEN_HINT.search`'s, found
    where `hint_places` says one can begin (tests/test_secret_hint_places.py).
    tests/test_redact.py and tests/test_secrets_formats.py compare both.
    """
    out: list[str] = []
    done = start = 0
    for place in hint_places(text):
        if place < start or (hint := _TOKEN_HINT.match(text, place)) is None:
            continue
        start = hint.end()
        for at in (hint.start() - AAD_BACK if hint.group().endswith("Q~") else hint.start(), hint.end()):
            if at < done:
                continue
            match = match_shape(text, at)
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


# a Terraform Cloud / Enterprise API token: its id (14 characters as issued), `.atlasv1.`, the secret
_ATLAS = lazy(r"(?<![\w.-])[A-Za-z0-9]{6,64}\.atlasv1\.[\w=-]{40,}+")
ATLAS_HINT = ".atlasv1."


def mask_atlas_tokens(text: str, sink: Callable[[str], None]) -> str:
    """`text` with each Terraform API token (`<id>.atlasv1.<secret>`) masked whole, tried where the id before
    each `.atlasv1.` begins."""
    starts: list[int] = []
    at = text.find(ATLAS_HINT)
    while at >= 0:
        start = at
        while start > max(0, at - 64) and text[start - 1].isascii() and text[start - 1].isalnum():
            start -= 1
        starts.append(start)
        at = text.find(ATLAS_HINT, at + 1)

    def masked(match: re.Match[str]) -> str:
        sink(match.group())
        return MASK

    return sub_at(_ATLAS, text, starts, masked)


def is_path(value: str) -> bool:
    """An absolute, relative or home path of lower-case segments: two segments at least, or a
    file with an extension (`/certs/redis.key`, `/run/secrets/db_password`; not `/hunter2`)."""
    if not _PATH_LIKE.fullmatch(value):
        return False
    segments = [s for s in value.split("/") if s not in ("", "~", ".", "..")]
    return len(segments) >= 2 or (bool(segments) and "." in segments[-1].lstrip("."))


def reference_at(text: str, at: int) -> tuple[int, int, int] | None:
    """The `${NAME}`, `${NAME:-default}`, `${NAME:?message}` ... at `at`: (its end, and the span of
    its default value, empty when it has none: a `?` message is no value), or None if none is there.

    A default may hold references of its own (`${A:-${B}}`); the search for the closing brace
    stops at a newline and after MAX_REFERENCE characters.
    """
    if not text.startswith("${", at):
        return None
    name = _REF_NAME.match(text, at + 2)
    if name is None:
        return None
    if text.startswith("}", name.end()):
        return name.end() + 1, name.end(), name.end()
    op = _REF_OP.match(text, name.end())
    if op is None:
        return None
    depth = 1
    pos = op.end()
    stop = min(len(text), pos + MAX_REFERENCE)
    while pos < stop:
        char = text[pos]
        if char == "\n":
            return None
        if char == "}":
            depth -= 1
            if depth == 0:
                is_value = not op.group().endswith("?")
                return pos + 1, op.end(), pos if is_value else op.end()
        elif char == "$" and text.startswith("${", pos):
            depth += 1
            pos += 1
        pos += 1
    return None


def expansions_end(text: str, at: int) -> int | None:
    """Where the shell expansions that start at `at` end, one after another (`$A$B`): a command
    substitution `$(...)` (to its matching parenthesis) or `` `...` ``, a `${NAME}` and a `$NAME`;
    None when none starts there. What they expand to is a command's output or another variable's
    value, never written here: ckan-docker's `api_token=$(ckan -c $CKAN_INI user token add ...)`
    names no secret. A `${NAME:-default}` ends the run (its default may be one), and so does a
    substitution that does not close on its line within MAX_REFERENCE characters (then `$(` may
    be a password's first characters)."""
    pos = at
    while (end := _expansion_end(text, pos)) is not None:
        pos = end
    return pos if pos > at else None


def _expansion_end(text: str, at: int) -> int | None:
    if text.startswith("$(", at):  # `$((1 + 2))` too: to the parenthesis that closes the first
        depth, pos, stop = 0, at + 1, min(len(text), at + MAX_REFERENCE)
        while pos < stop:
            char = text[pos]
            if char == "\n":
                return None
            depth += (char == "(") - (char == ")")
            if depth == 0:
                return pos + 1
            pos += 1
        return None
    if text.startswith("`", at):
        close = text.find("`", at + 1, at + MAX_REFERENCE)
        return close + 1 if close > 0 and text.find("\n", at, close) < 0 else None
    if text.startswith("${", at):
        ref = reference_at(text, at)
        return ref[0] if ref is not None and ref[1] == ref[2] else None
    if text.startswith("$", at):
        name = _REF_NAME.match(text, at + 1)
        return name.end() if name is not None else None
    return None
