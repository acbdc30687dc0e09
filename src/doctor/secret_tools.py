"""More passwords a command gives as arguments, beside `doctor.secret_commands`'s (same rules: each client's
after its name, in the same command; a `${VAR}`/`$VAR` reference stays readable), and statements that set or
send a password whatever runs them. `doctor.redact.scrub` applies them.

Clients: `cypher-shell -u neo4j -p X`, `cqlsh -u cassandra -p X`, `couchbase-cli ... -u admin -p X`,
`rabbitmqadmin -u guest -p X`, `mosquitto_pub -u me -P X` (`mosquitto_sub`, `mosquitto_rr`),
`mosquitto_passwd [-c] -b FILE USER X`, Vertica's `vsql -w X`, Sybase's `isql -U sa -P X` and unixODBC's
`isql DSN USER X`, Firebird's `isql-fb`/`gbak`/`gsec`/`gfix`/`nbackup` `-pa[ssword] X`, `etcdctl --user root:X`.

Statements: SQL's `CREATE USER app WITH [ENCRYPTED] PASSWORD 'X'`, `ALTER USER app PASSWORD 'X'`, `IDENTIFIED BY 'X'`
(MySQL's `IDENTIFIED WITH plugin BY 'X'`, Oracle's bare `IDENTIFIED BY X`), DB2's `CONNECT TO db USER u USING X`,
redis's `requirepass X` and `masterauth X` (`CONFIG SET requirepass X`, a redis.conf line) and an ACL rule's
`>X` (`ACL SETUSER app on >X ~* +@all`, a users.acl line `user app on >X ...`), a `config set KEY VALUE` or
`configure set KEY VALUE` of a secret KEY (`aws configure set aws_secret_access_key X`, `npm config set
//registry.npmjs.org/:_authToken X`), rclone's `config create NAME TYPE ... secret_access_key X`, and a JavaScript
object's `pwd:'X'` (mongosh's `db.createUser({user:'app', pwd:'X', roles:[...]})`).
"""

from __future__ import annotations

from doctor.lazyre import lazy
from doctor.secret_commands import _COMMAND_END, _QUOTED_ARG, _SEP, _WORD, command_end, mask, paren_end
from doctor.secret_keys import Sink, is_reference, key_kind, secret_for_key
from doctor.secret_shapes import MASK, matches_at, places
from doctor.secret_shapes import lowered as _lower

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re

TOOLS = lazy(
    r"(?<![\w-])(?P<t>cypher-shell|cqlsh|couchbase-cli|rabbitmqadmin|mosquitto_pub|mosquitto_sub|mosquitto_rr"
    r"|mosquitto_passwd|vsql|isql-fb|isql|gbak|gsec|gfix|nbackup|etcdctl)(?![\w-])"
)
TOOL_STARTS = ("cypher-shell", "cqlsh", "couchbase-cli", "rabbitmqadmin", "mosquitto_", "vsql", "isql", "gbak",
               "gsec", "gfix", "nbackup", "etcdctl")
_ARGS = {
    "p": lazy(rf"(?<![\w-])-p{_SEP}{_QUOTED_ARG}"),
    "P": lazy(rf"(?<![\w-])-P{_SEP}{_QUOTED_ARG}"),
    "isql": lazy(rf"(?<![\w-])-P(?:{_SEP})?{_QUOTED_ARG}"),
    "w": lazy(rf"(?<![\w-])-w(?:{_SEP})?{_QUOTED_ARG}"),
    "firebird": lazy(rf"(?<![\w-])-pa(?:s(?:s(?:w(?:o(?:r(?:d)?+)?+)?+)?+)?+)?+(?![\w-]){_SEP}{_QUOTED_ARG}"),
    "mosquitto_passwd": lazy(rf"(?<![\w-])-b(?:{_SEP}-[cD])?{_SEP}{_WORD}{_SEP}{_WORD}{_SEP}{_QUOTED_ARG}"),
    "etcdctl": lazy(rf"(?<![\w-])--user(?:=|{_SEP})['\"]?[^\s'\"\\,:<>]*+:(?P<v>[^\s'\"\\,<>]++)"),
}
_FAMILIES = {"cypher-shell": "p", "cqlsh": "p", "couchbase-cli": "p", "rabbitmqadmin": "p", "mosquitto_pub": "P",
             "mosquitto_sub": "P", "mosquitto_rr": "P", "vsql": "w", "isql-fb": "firebird", "gbak": "firebird",
             "gsec": "firebird", "gfix": "firebird", "nbackup": "firebird"}
_ISQL_WORD = lazy(r"[^\s'\"\\,<>;|&]++")
_SYBASE_OPTIONS = frozenset(f"-{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # unixODBC's options are lower case

# a value in quotes of its own, or bare (`IDENTIFIED BY oracle123`, `requirepass s3cret`)
_VALUE = (r"(?:(?P<q>['\"])(?=[^'\"\n]*+(?P=q)))?"
          r"(?P<v>(?(q)[^'\"\n]++|[^\s'\"\\,;<>()`]++))")
_QUOTED = r"(?P<q>['\"])(?P<v>[^'\"\n]++)(?P=q)"
_SQL_PASSWORD = lazy(rf"(?i)(?<![\w.-])password[ \t]++{_QUOTED}")  # `password=` and `password:` are key_values'
_IDENTIFIED = lazy(rf"(?i)(?<![\w-])identified[ \t]++(?:with[ \t]++['\"]?[\w-]++['\"]?[ \t]++)?(?:by|as)"
                   rf"(?:[ \t]++password)?[ \t]++{_VALUE}")
_USING = lazy(rf"(?i)(?<![\w-])connect[ \t]++to[ \t]++[^\s'\";]++[ \t]++user[ \t]++[^\s'\";]++[ \t]++using[ \t]++"
              rf"{_VALUE}")
_STATEMENT = 160  # characters before `IDENTIFIED BY` read for the statement's `USER`
_SQL_SUBJECT = lazy(r"(?i)(?<![\w-])(?:user|role|login)(?![\w-])")
_REDIS_PASS = lazy(rf"(?i)(?<![\w-])(?:requirepass|masterauth)[ \t]++{_VALUE}")
_CONFIG_SET = lazy(rf"(?<![\w-])config(?:ure)?+[ \t]++set[ \t]++(?P<k>[^\s'\"=]++)[ \t]++{_VALUE}")
_JS_PAIR = lazy(rf"(?<![\w.$-])(?P<k>[A-Za-z_]\w*+):{_QUOTED}")
_RCLONE = lazy(r"(?<![\w-])config[ \t]++(?:create|update)[ \t]++")
_ACL_USER = lazy(r"[ \t]*+user[ \t]++\S++[ \t]")  # a users.acl line, from its start
_SETUSER = lazy(r"(?i)setuser[ \t]")
_ACL_RULE = lazy(r"(?<!\S)[<>](?P<v>[^\s<>'\"]++)")
# each statement's pattern, the words (lower case) one of which it begins with, whether its key must name a secret
_STATEMENTS = (
    (_SQL_PASSWORD, ("password",), False), (_IDENTIFIED, ("identified",), False), (_USING, ("connect",), False),
    (_REDIS_PASS, ("requirepass", "masterauth"), False), (_CONFIG_SET, ("config",), True),
)
# each statement's first word: a find in C for each (~1 instruction a character), where their alternation's search
# tried its branches at every position whose letter one of them begins with (~4x the cost on a compose file)
_STATEMENT_WORDS = tuple(word for _, words, _ in _STATEMENTS for word in words)
_PROSE = frozenset({"is", "was", "not", "must", "should", "required", "missing", "set", "unset", "empty", "to",
                    "for", "the", "a", "an", "of", "in", "on", "and", "or", "yes", "no"})


def names_a_tool(text: str) -> bool:
    """Whether one of TOOL_STARTS is in `text` (most texts: a report's lines, a compose file, name none): a find
    in C for each name, ~4x cheaper than one search of their alternation, whose first letters sre tries at
    nearly every position of prose or YAML."""
    return any(start in text for start in TOOL_STARTS)


def tool_args(text: str, sink: Sink) -> str:
    """Each client's password arguments (the module docs), in the same command as its name."""
    if not names_a_tool(text):
        return text
    out: list[str] = []
    pos = 0
    for match in matches_at(TOOLS, text, places(text, TOOL_STARTS)):
        if match.start() < pos:
            continue
        end = command_end(text, match.end())
        stop = _COMMAND_END.search(text, match.end(), end)
        end = paren_end(text, match.end(), stop.start() if stop else end)
        tool = match.group("t")
        args = text[match.end():end]
        out.append(text[pos:match.end()])
        if tool == "isql" and _ARGS["isql"].search(args) is None:
            out.append(_odbc_isql(args, sink))
        else:
            out.append(mask(_ARGS[_FAMILIES.get(tool, tool)], args, sink, keep=is_reference))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _odbc_isql(args: str, sink: Sink) -> str:
    """unixODBC's `isql DSN USER PASSWORD [options]`: the third word that is no option."""
    every = list(_ISQL_WORD.finditer(args))
    if any(w.group()[:2] in _SYBASE_OPTIONS for w in every):
        return args  # Sybase's `isql -U sa -S server -D db`: the words are its options' values
    words = [w for w in every if not w.group().startswith("-")]
    if len(words) < 3 or is_reference(words[2].group()):
        return args
    sink(words[2].group())
    return args[:words[2].start()] + MASK + args[words[2].end():]


def statements(text: str, sink: Sink) -> str:
    """The passwords SQL, redis and `config set` statements set or send (the module docs), each pattern tried only
    where its first word stands (a case-blind pattern with a look-behind first is tried at every position)."""
    lower = _lower(text)
    if any(word in lower for word in _STATEMENT_WORDS):
        for pattern, words, keyed in _STATEMENTS:
            if any(word in lower for word in words):
                masked = _masked(pattern, text, places(lower, words), sink, keyed)
                if masked is not text:
                    text, lower = masked, _lower(masked)
    if ":'" in text or ':"' in text:
        text = _masked(_JS_PAIR, text, None, sink, keyed=True)
    if "config" in text and ("create" in text or "update" in text):
        text = _rclone(text, sink)
    # `user` in any case: _SETUSER is case-blind (`acl sEtUsEr bob >pw`), and takes `ſ` (U+017F) for an `s`
    if ("<" in text or ">" in text) and ("user" in (low := _lower(text)) or "uſer" in low):
        text = _acl_rules(text, sink, low)
    return text


def _masked(pattern: re.Pattern[str], text: str, starts: list[int] | None, sink: Sink, keyed: bool = False) -> str:
    """`text` with group `v` of each match of `pattern` (tried at `starts` alone, if given) masked, but for a
    reference, a masked value, prose, and (`keyed`) the value of a key that names no secret."""
    out: list[str] = []
    done = 0
    for match in pattern.finditer(text) if starts is None else matches_at(pattern, text, starts):
        value = match.group("v")
        if MASK in value or is_reference(value) or value.startswith("$") or value.lower() in _PROSE:
            continue
        if pattern is _IDENTIFIED and match.group("q") is None and not _bare_statement(text, match.start()):
            continue  # prose's `identified by name`
        if keyed and not (key_kind(match.group("k")) and secret_for_key(match.group("k"), value)):
            continue
        sink(value)
        out += [text[done:match.start("v")], MASK]
        done = match.end("v")
    return "".join(out) + text[done:] if out else text


def _bare_statement(text: str, at: int) -> bool:
    """Whether the `IDENTIFIED BY` at `at` ends a `CREATE|ALTER USER|ROLE|LOGIN` on its line, or is written in SQL's
    upper case: then a bare word after it is a password (`IDENTIFIED BY oracle123`)."""
    if text.startswith("IDENTIFIED", at):
        return True
    return _SQL_SUBJECT.search(text, max(text.rfind("\n", 0, at) + 1, at - _STATEMENT), at) is not None


def _rclone(text: str, sink: Sink) -> str:
    """rclone's `config create NAME TYPE [key value]...`: the value after each secret key."""
    spans: list[tuple[int, int]] = []
    done = 0
    for match in _RCLONE.finditer(text):
        if match.start() < done:
            continue  # inside the command read last (each command is read once)
        end = command_end(text, match.end())
        stop = _COMMAND_END.search(text, match.end(), end)
        done = stop.start() if stop else end
        words = list(_ISQL_WORD.finditer(text, match.end(), done))
        at = 0
        while at + 1 < len(words):
            name, secret = words[at].group(), words[at + 1].group()
            if key_kind(name) and not secret.startswith("-") and secret_for_key(name, secret) \
                    and MASK not in secret and not is_reference(secret):
                spans.append(words[at + 1].span())
                at += 1  # the value is no key
            at += 1
    return spans_masked(text, spans, sink)


def _acl_rules(text: str, sink: Sink, lower: str) -> str:
    """A redis ACL rule's `>password` (and `<password`, which removes one) on an `ACL SETUSER` line or a users.acl
    `user NAME ...` line."""
    lines: list[tuple[int, int]] = []
    line_end = -1
    # _SETUSER's case-blind search tries every `s` (and `S`, `ſ`) of the text (~1 ms of otel-demo's compose files):
    # only where its lower-cased rest is there (`ſ`, U+017F, is the one other letter it takes for an `s`; `lower`:
    # the text lower-cased in place, as the caller's gate read it)
    setuser = "etuser" in lower or "etuſer" in lower
    for at in sorted({*places(text, ("user",)), *(m.start() for m in (_SETUSER.finditer(text) if setuser else ()))}):
        if at < line_end:
            continue  # each line is judged once, at its first `user`
        start = text.rfind("\n", 0, at) + 1
        line_end = text.find("\n", at)
        line_end = len(text) if line_end < 0 else line_end
        if _SETUSER.search(text, start, line_end) is not None or _ACL_USER.match(text, start, line_end) is not None:
            lines.append((start, line_end))
    spans = [rule.span("v") for start, end in lines for rule in _ACL_RULE.finditer(text, start, end)
             if not is_reference(rule.group("v")) and MASK not in rule.group("v")]
    return spans_masked(text, spans, sink)


def spans_masked(text: str, spans: list[tuple[int, int]], sink: Sink) -> str:
    """`text` with each span masked (a span inside one masked before it is skipped), each value given to `sink`."""
    out: list[str] = []
    done = 0
    for start, end in sorted(set(spans)):
        if start < done:
            continue
        sink(text[start:end])
        out += [text[done:start], MASK]
        done = end
    return "".join(out) + text[done:] if out else text

