"""The passwords a command line gives a tool as its arguments: `mysql -pSECRET`, `redis-cli -a SECRET`,
`curl -u user:SECRET`, `htpasswd -bc FILE USER SECRET`, `openssl ... -passin pass:SECRET`.

A tool's arguments are read from its name to the end of its command (`;`, `|`, `&`, a line's end
that no `\\` continues: a Makefile recipe's `mysql -uroot \\` then `-pSECRET app` is one command),
each tool by its own rule (`_TOOL_ARGS`, `_htpasswd`): the same flag means a password for one tool
and something else for another (`docker run -p 8080:80` publishes, `ps -u root` names a user).
Two flags say a password whatever tool they follow (a Makefile's `$(OPENSSL)`, a line continued
with `\\`): openssl's `-passin pass:SECRET` (not `env:VAR`, `file:PATH`) and keytool's
`-storepass SECRET`, `-keypass SECRET` (not `-storepass:env VAR`). A `${VAR}`/`$VAR` reference
stays readable, but for a secret default in it. `doctor.redact.scrub` applies them.

A password a tool reads on its standard input is the argument of the `echo`/`printf` piped into it
(`stdin_secrets`): `echo SECRET | docker login -u me --password-stdin`, `echo SECRET | kinit user@REALM`,
`printf '%s' SECRET | helm registry login ...`, `echo SECRET | sudo -S ...`, `echo user:SECRET | chpasswd`,
`echo SECRET | passwd --stdin app`, or a here-string (`docker login --password-stdin <<< SECRET`).

An LDAP client's bind password (`ldapsearch ... -w SECRET`, `ldapwhoami`, `ldapadd`; `ldappasswd`'s `-a OLD`
and `-s NEW` too; `-y FILE` names a file, `-W` asks) and a redis `AUTH [user] SECRET` command, sent by
`redis-cli` or typed at its prompt or fed to it by a script (`redis_auth`), are masked the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from doctor.lazyre import lazy
from doctor.secret_keys import Sink, is_reference, reference_default
from doctor.secret_shapes import MASK, matches_at, places, sub_at

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re

_TOOL = lazy(
    r"(?<![\w-])(?P<t>mysql|mysqladmin|mysqldump|mysqlshow|mysqlcheck|mariadb|mariadb-admin|mariadb-dump"
    r"|redis-cli|keydb-cli|valkey-cli|mongo|mongosh|mongodump|mongorestore|mongoexport|sqlcmd|curl|wget"
    r"|sshpass|login|rabbitmqctl|htpasswd|openssl|smbclient|rpcclient|smbcacls|smbget|lftp|influx|mc|mcli"
    r"|vault|ldapsearch|ldapwhoami|ldapadd|ldapmodify|ldapdelete|ldapmodrdn|ldapcompare|ldapexop|ldappasswd)"
    r"(?![\w-])"
)
FIND_FROM = 200  # characters: a shorter text is scanned whole (the finds and their sort cost more there)
TOOL_STARTS = ("mysql", "mariadb", "redis-cli", "keydb-cli", "valkey-cli", "mongo", "sqlcmd", "curl", "wget",
               "sshpass", "login", "rabbitmqctl", "htpasswd", "openssl", "smb", "rpcclient", "lftp", "influx",
               "mc", "vault", "ldap")  # _TOOL's
_COMMAND_END = lazy(r"[;|&]|['\"]:[ \t]")
# a shell line continued with `\\` is one command: its break separates two arguments like a blank
_SEP = r"(?:(?:[ \t]|\\\r?\n)++|[\"']?[ \t]*+,[ \t]*+[\"']?)"
_ARG = r"(?P<v>[^\s'\"\\,<>-][^\s'\"\\,<>]*+)"
# a value in quotes of its own (`sqlcmd -P 'pw'`, `mysqladmin -p'pw'`): the quote is no part of it
_Q = "['\"]?"
_WORD = r"['\"]?[^\s'\"\\,<>]++['\"]?"  # one argument before the password (a user, a URL)
# an argument in quotes of its own whole, blanks and all (`-a 's3cret pw'`), or a bare one
_QUOTED_ARG = (r"(?:(?P<q>['\"])(?=[^'\"\n]*+(?P=q)))?"
               r"(?P<v>(?(q)[^'\"\n]++|[^\s'\"\\,<>-][^\s'\"\\,<>]*+))")
_TOOL_ARGS = {
    "mysql": lazy(rf"(?<![\w-])-p{_Q}(?P<v>[^\s'\"\\,<>]++)"),
    # `-a SECRET`, `--pass SECRET`, and the AUTH command it sends (`redis-cli -h redis AUTH [user] SECRET`)
    "redis": lazy(rf"(?<![\w-])(?:(?:-a|--pass){_SEP}|AUTH{_SEP}(?:{_WORD}{_SEP})?){_QUOTED_ARG}"),
    # the bind password (`-wSECRET` too); ldappasswd's old and new ones (ldapsearch's `-s` is a scope)
    "ldap": lazy(rf"(?<![\w-])-w(?:{_SEP})?{_QUOTED_ARG}"),
    "ldappasswd": lazy(rf"(?<![\w-])-[was](?:{_SEP})?{_QUOTED_ARG}"),
    "mongo": lazy(rf"(?<![\w-])(?:-p){_SEP}{_Q}{_ARG}"),
    "sqlcmd": lazy(rf"(?<![\w-])-P{_SEP}{_Q}{_ARG}"),
    # `-u user:pw`, and short flags run together (`curl -fsSu admin:pw`)
    "curl": lazy(rf"(?<![\w-])(?:-[A-Za-z]*u|--user|--proxy-user){_SEP}{_Q}[^\s'\"\\,:<>]*+:(?P<v>[^\s'\"\\,<>]++)"),
    # `sshpass -p SECRET ssh ...` (`-pSECRET` too), `docker login -u me -p SECRET` (`docker run -p` publishes)
    "sshpass": lazy(rf"(?<![\w-])-p(?:{_SEP})?{_Q}{_ARG}"),
    "login": lazy(rf"(?<![\w-])-p{_SEP}{_Q}{_ARG}"),
    # `rabbitmqctl add_user USER SECRET`, `change_password USER SECRET` (a definitions file's users aside)
    "rabbitmqctl": lazy(rf"(?<![\w-])(?:add_user|change_password){_SEP}{_WORD}{_SEP}{_Q}{_ARG}"),
    # `openssl enc -k SECRET` (`-kfile PATH` names a file)
    "openssl": lazy(rf"(?<![\w-])-k{_SEP}{_Q}{_ARG}"),
    # `smbclient -U user%SECRET`, `-Uuser%SECRET`, `--user=user%SECRET`
    "smb": lazy(rf"(?<![\w-])(?:-U|--user(?:name)?)(?:=|{_SEP})?{_Q}[^\s'\"\\,<>%]*+%(?P<v>[^\s'\"\\,<>]++)"),
    # `lftp -u user,SECRET` (`-u user` alone asks for it)
    "lftp": lazy(rf"(?<![\w-])(?:-u|--user){_SEP}{_Q}[^\s'\"\\,<>]*+,(?P<v>[^\s'\"\\<>]++)"),
    # influx 2's `setup -p SECRET`, influx 1's `-password SECRET` (`-port 8086` is no `-p`)
    "influx": lazy(rf"(?<![\w-])-(?:p|-?password)(?:=|{_SEP}){_Q}{_ARG}"),
    # `mc alias set NAME URL ACCESS_KEY SECRET` (and the older `mc config host add ...`): the secret key
    "mc": lazy(rf"(?<![\w-])(?:alias{_SEP}set|config{_SEP}host{_SEP}add){_SEP}{_WORD}{_SEP}{_WORD}{_SEP}{_WORD}"
               rf"{_SEP}{_Q}{_ARG}"),
    # `vault login TOKEN`, after its options; `vault login -method=userpass username=me` names no token
    "vault": lazy(rf"(?<![\w=/-])login(?:{_SEP}-(?:(?:method|path|address|namespace|ns|format|field|mfa|header"
                  rf"|ca-cert|ca-path|client-cert|client-key|tls-server-name|wrap-ttl){_SEP}[^\s'\"\\,<>]++"
                  rf"|[\w-]++(?:=[^\s'\"\\,<>]*+)?))*+{_SEP}{_Q}(?P<v>[^\s'\"\\,<>=-][^\s'\"\\,<>=]*+)(?!=)"),
}
_FAMILIES = {"curl": "curl", "wget": "curl", "sshpass": "sshpass", "login": "login", "sqlcmd": "sqlcmd",
             "rabbitmqctl": "rabbitmqctl", "openssl": "openssl", "smbclient": "smb", "rpcclient": "smb",
             "smbcacls": "smb", "smbget": "smb", "lftp": "lftp", "influx": "influx", "mc": "mc", "mcli": "mc",
             "vault": "vault"}
# openssl's and keytool's password flags, whatever tool they follow (`-passin env:VAR` names a variable;
# `pkcs12 -password pass:X` too)
PASS_FLAG_STARTS = ("-pass", "-storepass", "-keypass", "-srcstorepass", "-srckeypass", "-deststorepass",
                    "-destkeypass")
PASS_FLAG = lazy(rf"(?<![\w-])(?:-pass(?:in|out|word)?{_SEP}{_Q}pass:|-(?:src|dest)?(?:store|key)pass{_SEP}{_Q})"
                 rf"(?P<v>[^\s'\"\\,<>]++)")
_HTPASSWD_WORD = lazy(r"[^\s'\"\\,<>]++")
# a tool that reads a password on its standard input (`sudo -S`, `-kS`; `passwd --stdin`, CentOS's)
STDIN_STARTS = ("--password-stdin", "chpasswd", "passwd", "sudo", "kinit")
_STDIN_READER = lazy(
    r"(?<![\w-])(?:--password-stdin|chpasswd|kinit|passwd(?:[ \t]++-[\w-]++)*?[ \t]++--stdin"
    r"|sudo(?:[ \t]++-[A-Za-z]++)*?[ \t]++(?:-[A-Za-z]*S[A-Za-z]*|--stdin))(?![\w-])"
)
# `echo -n SECRET |`, `printf '%s\n' SECRET |`, `printf SECRET |` right before the reader's pipe, at a line's start
# or after a blank (a quoted line stands after its place: `Makefile:26: here: echo ...`)
_PIPED_FROM = lazy(r"(?<![^\s;&|(`])(?P<c>echo|printf)(?P<a>(?:[ \t]++(?:'[^'\n]*+'|\"(?:[^\"\\\n]|\\.)*+\""
                   r"|[^\s'\"|;&<>()`]++))++)[ \t]*+\|[ \t]*+$")
_HERE_STRING = lazy(r"<<<[ \t]*+(?P<a>'[^'\n]*+'|\"(?:[^\"\\\n]|\\.)*+\"|[^\s'\"|;&<>()`]++)")
_ECHO_OPTION = lazy(r"-[neE]++")
_SHELL_WORD = lazy(r"'[^'\n]*+'|\"(?:[^\"\\\n]|\\.)*+\"|[^\s'\"|;&<>()`]++")


def _family(tool: str) -> str:
    if tool.startswith(("mysql", "mariadb")):
        return "mysql"
    if tool.endswith("-cli"):
        return "redis"
    if tool.startswith("mongo"):
        return "mongo"
    if tool.startswith("ldap"):
        return "ldappasswd" if tool == "ldappasswd" else "ldap"
    return _FAMILIES.get(tool, tool)


def mask(pattern: re.Pattern[str], text: str, sink: Sink, keep: Callable[[str], bool] | None = None) -> str:
    """Replace group `v` of every match by MASK (unless `keep` says it is no secret), telling `sink`."""

    def replace(match: re.Match[str]) -> str:
        value = match.group("v")
        if keep is not None and keep(value):
            return match.group(0)
        return mask_group(match, "PASSWORD", sink)

    return pattern.sub(replace, text)


def mask_group(match: re.Match[str], key: str, sink: Sink) -> str:
    """The match with its group `v` masked; of a `${VAR:-default}` there, the default alone."""
    whole, base = match.group(0), match.start()
    start, end = match.start("v"), match.end("v")
    if match.group("v").startswith("${"):
        ref = reference_default(key, match.string, start, sink)
        if ref is not None:
            if ref[1] is None:
                return whole
            start, end = ref[1][0], min(ref[1][1], end)
            return whole[:start - base] + MASK + whole[end - base:]
    end -= closing_tail(match.string, start, end)
    sink(match.string[start:end])
    return whole[:start - base] + MASK + whole[end - base:]


PAREN_BACK = 512  # characters read back on a value's line for a parenthesis opened before it
ELLIPSIS = "…"  # what doctor.redact.clip ends a shortened text with


def closing_tail(text: str, start: int, end: int) -> int:
    """How many characters at the end of the value text[start:end], read to its first blank, are no part of it:
    doctor's clip ellipsis, and the `)` that closes a parenthesis opened before the value on its line (a port
    holder's `(python3 srv 8080 -token=X)`, shortened `(... -token=X…)`); a `)` the value's own `(` opens stays."""
    cut = end
    if text[cut - 1:cut] == ")" and text.count(")", start, cut) > text.count("(", start, cut):
        low = max(text.rfind("\n", 0, start) + 1, start - PAREN_BACK)
        if text.rfind("(", low, start) > text.rfind(")", low, start):
            cut -= 1
    while cut > start + 1 and text[cut - 1] == ELLIPSIS:
        cut -= 1
    return end - cut


def paren_end(text: str, start: int, end: int) -> int:
    """`end`, or where the `)` closing a parenthesis opened before `start` on its line stands in text[start:end]
    (a port holder's `(mysql -uroot -pX)`: the command ends before it)."""
    low = max(text.rfind("\n", 0, start) + 1, start - PAREN_BACK)
    if text.rfind("(", low, start) <= text.rfind(")", low, start):
        return end
    depth = 0
    for at in range(start, end):
        char = text[at]
        depth += (char == "(") - (char == ")")
        if depth < 0:
            return at
    return end


def _htpasswd(args: str, sink: Sink) -> str:
    """`htpasswd -b[c...] FILE USER SECRET`, `htpasswd -nb USER SECRET`: with `-b` the password is the
    argument after the user (the file's name first, unless `-n` prints the line instead); `-C 12` takes
    a cost. Without `-b` htpasswd asks for it: no argument is one."""
    options = ""
    positional: list[re.Match[str]] = []
    takes_value = False
    for word in _HTPASSWD_WORD.finditer(args):
        text = word.group()
        if takes_value:
            takes_value = False
        elif text.startswith("-") and len(text) > 1 and not positional:
            options += text[1:]
            takes_value = text.endswith("C")
        else:
            positional.append(word)
    place = 1 if "n" in options else 2
    if "b" not in options or len(positional) <= place or is_reference(positional[place].group()):
        return args
    secret = positional[place]
    sink(secret.group())
    return args[:secret.start()] + MASK + args[secret.end():]


def tool_args(text: str, sink: Sink) -> str:
    """Each tool's password arguments, in the same command as its name: on its line, or on the lines
    a trailing `\\` continues it on."""
    out: list[str] = []
    pos = 0
    # a long text: tried only where a name begins (a pattern with a look-behind first tries every position)
    for match in _TOOL.finditer(text) if len(text) < FIND_FROM else matches_at(_TOOL, text, places(text, TOOL_STARTS)):
        if match.start() < pos:
            continue
        end = command_end(text, match.end())
        stop = _COMMAND_END.search(text, match.end(), end)  # the tool's own arguments only
        end = paren_end(text, match.end(), stop.start() if stop else end)
        family = _family(match.group("t"))
        out.append(text[pos:match.end()])
        args = text[match.end():end]
        out.append(_htpasswd(args, sink) if family == "htpasswd" else mask(_TOOL_ARGS[family], args, sink,
                                                                            keep=is_reference))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def command_end(text: str, start: int) -> int:
    """Where the line of `start` ends, or the last of the lines a trailing `\\` continues it on
    (`mysql -uroot \\` then `  -pSECRET app`: one command to the shell); a `\\\\` at the end is a
    backslash, written, and ends the line."""
    end = text.find("\n", start)
    while end > 0:
        before = text[start:end].rstrip("\r")
        if (len(before) - len(before.rstrip("\\"))) % 2 == 0:
            return end
        start, end = end + 1, text.find("\n", end + 1)
    return len(text)


def stdin_secrets(text: str, sink: Sink) -> str:
    """The password piped into a tool that reads it on its standard input: the `echo`/`printf` argument
    before the pipe (each of echo's words; printf's after its format, or its one argument), or the
    reader's here-string; of `user:SECRET` (chpasswd's line) the part after the user. A reference
    (`echo $CI_REGISTRY_PASSWORD | docker login ...`) stays readable."""
    spans: list[tuple[int, int]] = []
    for reader in matches_at(_STDIN_READER, text, places(text, STDIN_STARTS)):
        line_start = _command_start(text, reader.start())
        pipe = _reader_pipe(text, line_start, reader.start())
        if pipe is not None:
            fed = _PIPED_FROM.search(text, line_start, pipe + 1)
            if fed is not None:
                words = list(_SHELL_WORD.finditer(text, fed.start("a"), fed.end("a")))
                if fed.group("c") == "printf" and len(words) > 1:
                    words = words[1:]  # printf's format
                while fed.group("c") == "echo" and words and _ECHO_OPTION.fullmatch(words[0].group()):
                    words = words[1:]  # `echo -n`
                spans.extend(_secret_part(w.start(), w.end(), w.group()) for w in words)
        end = command_end(text, reader.end())
        stop = _COMMAND_END.search(text, reader.end(), end)
        here = _HERE_STRING.search(text, reader.end(), stop.start() if stop else end)
        if here is not None:
            spans.append(_secret_part(here.start("a"), here.end("a"), here.group("a")))
    out: list[str] = []
    done = 0
    for start, end in sorted(set(spans)):
        value = text[start:end]
        if start < done or not value or is_reference(value) or value.startswith("$"):
            continue
        sink(value)
        out.append(text[done:start])
        out.append(MASK)
        done = end
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def _command_start(text: str, at: int) -> int:
    """Where the command `at` is in begins: its line's start, or the first of the lines before it that
    a trailing `\\` continues (`echo SECRET | \\` then `docker login --password-stdin`)."""
    start = text.rfind("\n", 0, at) + 1
    while start:
        before = text[:start - 1].rstrip("\r")
        if (len(before) - len(before.rstrip("\\"))) % 2 == 0:
            return start
        start = text.rfind("\n", 0, start - 1) + 1
    return start


def _reader_pipe(text: str, line_start: int, at: int) -> int | None:
    """The `|` that feeds the command `at` is in (its pipeline's last one before it on the line), or
    None where a `;`, `&&`, `||` or nothing comes first."""
    for pos in range(at - 1, line_start - 1, -1):
        char = text[pos]
        if char in ";&":
            return None
        if char == "|":
            return None if pos > line_start and text[pos - 1] == "|" else pos
    return None


def _secret_part(start: int, end: int, word: str) -> tuple[int, int]:
    """The span of a shell word's secret: inside its quotes, after a `user:` (chpasswd's `user:SECRET`)."""
    if word[:1] in "'\"" and len(word) >= 2:
        start, end, word = start + 1, end - 1, word[1:-1]
    user, colon, _ = word.partition(":")
    if colon and user and (user.replace("-", "").replace("_", "").isalnum() or is_reference(user)):
        start += len(user) + 1
    return start, end


def pass_flags(text: str, sink: Sink) -> str:
    """openssl's `-passin pass:SECRET` and keytool's `-storepass SECRET` wherever they stand."""
    def masked(match: re.Match[str]) -> str:
        return match.group() if is_reference(match.group("v")) else mask_group(match, "PASSWORD", sink)

    return sub_at(PASS_FLAG, text, places(text, PASS_FLAG_STARTS), masked)  # each begins with its flag


# redis's AUTH as a command of its own line, after redis-cli's prompt (`127.0.0.1:6379> AUTH SECRET`) or
# inside quotes a script sends (`printf 'AUTH SECRET\\r\\n' | nc redis 6379`): its one or two arguments end the
# command; in redis's own error text (`ERR AUTH <password> called without ...`) it stands mid-line
_REDIS_AUTH = lazy(r"(?:(?<![^\n])[ \t]*+|(?<=> )|(?<=['\"`]))AUTH[ \t]++(?:[\w.@-]++[ \t]++)?"
                   r"(?P<v>[^\s'\"`\\<>]++)(?=[ \t]*+(?:$|[\r\n'\"`|;]|\\r|\\n))")
# what a redis reply or a log says after AUTH, not a password (`AUTH failed`)
_AUTH_REPLIES = frozenset({"failed", "failure", "error", "ok", "required", "denied", "successful", "succeeded"})


def redis_auth(text: str, sink: Sink) -> str:
    """A redis `AUTH [user] SECRET` command standing as a command of its own (see _REDIS_AUTH)."""
    def keep(value: str) -> bool:
        return is_reference(value) or value.startswith("$") or value.lower() in _AUTH_REPLIES

    return mask(_REDIS_AUTH, text, sink, keep=keep)
