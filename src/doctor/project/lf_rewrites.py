"""Which files of an image a Dockerfile RUN rewrites with LF line endings (strips of their CRs).

A RUN line is read as sh reads it (quotes, `\\x`, `&&`, `;`, `|`, redirections, `$VAR` of the
stage's ENV) and each command is asked whether it strips CRs from files, and which:
`sed -i 's/\\r$//' FILE...` (any `s` whose pattern starts with a CR), `dos2unix FILE...`,
`perl -pi -e 's/\\r//' FILE...`; a filter (`sed` without `-i`, `tr -d '\\r'`, `dos2unix -n`)
writes a stripped file that a later `mv`/`cp` of the same RUN puts back; `find DIR -name PAT
-exec CMD {} +` (or `| xargs CMD`) and `for f in GLOB; do CMD "$f"; done` strip what they select.
A path is made absolute against the RUN's WORKDIR; a glob matches within one folder, as sh's.
"""

from __future__ import annotations

import posixpath
import re
from fnmatch import fnmatchcase
from functools import lru_cache

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project.digits import written_number

# lazy(): compiled from doctor/regex-tables (re's own cache compiled each once per run: ~1 ms of
# otel-demo's, _QUICK in every run that reads a RUN)
# a piece of a shell line: '...', "...", \x, an operator, a redirection, blanks, plain text
_PIECE = lazy(r"""'([^']*)'|"((?:[^"\\]|\\.)*)"|\\(.)|(&&|\|\||;;|[;&|()\n])|(\d*(?:>>|>\||>&|>|<&|<))"""
          r"""|([ \t\r]+)|([^ \t\r\n'"\\;&|()<>]+)""", re.DOTALL)
_VARIABLE = lazy(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
# an `s` command whose pattern starts with a CR: `s/\r$//`, `s|\r||g`, `s/[\r]//`, `s/\x0d//`
_STRIPS_IN_SED = lazy(r"(?:^|[^\w\\])s([^\w\s\\])\[?(?:\\r|\r|\\x0[dD]|\\[oO]?015|\\d013|\\cM)")
_CR_IN_SET = lazy(r"\\r|\r|\\015|\\x0[dD]")
_QUICK = lazy(r"\bsed\b|\bdos2unix\b|\bfromdos\b|\btr\b|\bperl\b")
_BEFORE_COMMAND = frozenset(("if", "then", "else", "elif", "while", "until", "do", "!", "{", "}", "exec", "time"))
_SHELLS = frozenset(("sh", "bash", "ash", "dash", "zsh", "ksh"))
_DOUBLE_QUOTED_ESCAPE = lazy(r'\\([$`"\\\n])')  # what a backslash escapes inside "..."
_LOOP_VARIABLE = lazy(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
_SELECTED = "\0selected"  # the file `find` hands the command it runs
_XARGS_VALUE = frozenset(("-n", "-P", "-L", "-I", "-d", "-a", "-s", "-E", "-l"))
# a simple command of a shell line: its words, the file its output goes to, whether a pipe feeds it
_Command = tuple[list[str], str | None, bool]


@record
class Rewritten:
    """Files a RUN rewrites with LF line endings: `path` (absolute, maybe a glob), or with `below`
    the files a `find` selects under that folder (`names`: its -name patterns, lower-cased for
    -iname; none: every file; `depth`: its -maxdepth)."""

    path: str
    below: bool = False
    names: tuple[tuple[str, bool], ...] = ()
    depth: int | None = None
    # the LF copy the RUN wrote of this file at another path, the file itself keeping its CRs
    # (piggymetrics' mongodb image: `dos2unix -n /init.sh /initx.sh`, ENTRYPOINT ["/initx.sh"]); "" for none
    twin: str = ""

    def covers(self, inside: str) -> bool:
        """Whether the file at the container path `inside` is one of these."""
        if not self.below:
            return _glob_matches(self.path, inside)
        top = self.path.rstrip("/")
        if not inside.startswith(top + "/"):
            return False
        if self.depth is not None and inside[len(top) + 1:].count("/") + 1 > self.depth:
            return False
        name = posixpath.basename(inside)
        return not self.names or any(fnmatchcase(name.lower() if folded else name, pattern)
                                     for pattern, folded in self.names)


@lru_cache(maxsize=256)
def lf_rewrites(text: str, workdir: str, env: tuple[tuple[str, str], ...] = ()) -> tuple[Rewritten, ...]:
    """The files the RUN `text` (run in `workdir`, with the stage's ENV) rewrites with LF line endings."""
    if not _QUICK.search(text):
        return ()
    from doctor.project.dockerfile import json_array

    values = dict(env)
    folder = _absolute(_expand(workdir, values) or "/")
    exec_form = json_array(text)
    commands: list[_Command] = [(exec_form, None, False)] if exec_form is not None else _commands(text, values)
    return tuple(_Run(folder, values).read(commands))


class _Run:
    """What the commands of one RUN strip, in order: a stripped file a later `mv`/`cp` moves counts."""

    def __init__(self, workdir: str, env: dict[str, str]) -> None:
        self.workdir, self.env = workdir, env
        self.stripped: set[str] = set()  # files this RUN wrote stripped (`tr -d '\r' < a > /tmp/a`)
        self.loops: dict[str, list[str]] = {}  # `for f in /app/*.sh`: f's words

    def read(self, commands: list[_Command]) -> list[Rewritten]:
        found: list[Rewritten] = []
        for at, (words, out, _) in enumerate(commands):
            while words and (words[0] in _BEFORE_COMMAND or _assignment(words[0])):
                words = words[1:]
            if not words:
                continue
            name = posixpath.basename(words[0])
            piped = at + 1 < len(commands) and commands[at + 1][2]
            if name == "for" and len(words) >= 3 and words[2] == "in":
                self.loops[words[1]] = words[3:]
            elif name in _SHELLS and "-c" in words[1:-1]:
                inner = words[words.index("-c") + 1]
                found += _Run(self.workdir, self.env).read(_commands(inner, self.env))
            elif name == "find":
                xargs = commands[at + 1][0] if piped else None
                found += self._find(words[1:], xargs)
            elif name in ("mv", "cp"):
                paths = [self._path(w) for w in words[1:] if not w.startswith("-")]
                if len(paths) == 2 and paths[0] in self.stripped:
                    found.append(Rewritten(paths[1]))
            else:
                in_place, written = _strips(words)
                for word in in_place:
                    loop = _LOOP_VARIABLE.fullmatch(word)
                    found += [Rewritten(self._path(w)) for w in self.loops.get(loop[1] if loop else "", [word])]
                for word in written:
                    self.stripped.add(self._path(word))
                found += [Rewritten(self._path(source), twin=self._path(copy)) for source, copy in _twins(words)]
                if out is not None and (in_place or written or _filters(words)):
                    self.stripped.add(self._path(out))
        return found

    def _path(self, word: str) -> str:
        return _absolute(posixpath.join(self.workdir, word))

    def _find(self, words: list[str], xargs: list[str] | None) -> list[Rewritten]:
        """`find DIR... [-name PAT] -exec CMD {} +`, or piped to `xargs CMD`: what CMD strips."""
        starts = []
        while words and not words[0].startswith(("-", "(", "!")):
            starts.append(words.pop(0))
        names: list[tuple[str, bool]] = []
        depth: int | None = None
        strips = False
        while words:
            word = words.pop(0)
            if word in ("!", "-not", "-prune", "-path", "-wholename", "-regex", "-iregex", "-newer", "-delete"):
                return []  # a selection doctor does not follow: not judged stripped
            if word in ("-name", "-iname") and words:
                pattern = words.pop(0)
                names.append((pattern.lower(), True) if word == "-iname" else (pattern, False))
            elif word == "-maxdepth" and words and (given := written_number(words[0], 9)) is not None:
                depth, words = given, words[1:]
            elif word in ("-exec", "-execdir"):
                end = next((i for i, w in enumerate(words) if w in (";", "+")), len(words))
                command = [_SELECTED if w == "{}" else w for w in words[:end]]
                strips = strips or _SELECTED in _strips(command)[0]
                words = words[end + 1:]
        if xargs is not None:
            strips = strips or _xargs_strips(xargs)
        if not strips:
            return []
        return [Rewritten(self._path(start), True, tuple(names), depth) for start in starts or ["."]]


def _strips(words: list[str]) -> tuple[list[str], list[str]]:
    """The words of one command naming files it strips of CRs in place, and files it writes stripped
    (`dos2unix -n IN OUT`)."""
    name = posixpath.basename(words[0])
    if name in ("sed", "perl"):
        return _sed(words[1:], perl=name == "perl")
    if name in ("dos2unix", "fromdos"):
        files = [w for w in words[1:] if not w.startswith("-")]
        if "-n" in words or "--newfile" in words:
            return [], files[1::2]
        return files, []
    return [], []


def _twins(words: list[str]) -> list[tuple[str, str]]:
    """The (file, its LF copy) pairs of `dos2unix -n IN OUT...` (fromdos's and `--newfile` too)."""
    if posixpath.basename(words[0]) not in ("dos2unix", "fromdos") or not {"-n", "--newfile"} & set(words):
        return []
    files = [w for w in words[1:] if not w.startswith("-")]
    return [(source, copy) for source, copy in zip(files[0::2], files[1::2], strict=False)
            if source != copy]


def _sed(words: list[str], perl: bool) -> tuple[list[str], list[str]]:
    """`sed -i` (or `perl -pi -e`) with an `s` command stripping CRs: its files."""
    in_place = False
    scripts: list[str] = []
    positional: list[str] = []
    while words:
        word = words.pop(0)
        if word == "--":
            positional += words
            break
        if word.startswith("--"):
            option, has_value, value = word.partition("=")
            in_place = in_place or option == "--in-place"
            if option == "--expression":
                scripts.append(value if has_value else (words.pop(0) if words else ""))
            elif option == "--file":
                scripts.append("")  # a script file: not read
        elif word.startswith("-") and len(word) > 1:
            for at, flag in enumerate(word[1:], 1):
                if flag == "i":
                    in_place = True
                    if not perl:
                        break  # sed's `-i.bak`: the rest is a suffix
                elif flag in "ef":
                    rest = word[at + 1:]
                    script = rest if rest else (words.pop(0) if words else "")
                    scripts.append(script if flag == "e" else "")
                    break
        else:
            positional.append(word)
    if not scripts and positional:
        scripts.append(positional.pop(0))
    if not in_place or not any(_STRIPS_IN_SED.search(script) for script in scripts):
        return [], []
    return positional, []


def _filters(words: list[str]) -> bool:
    """Whether the command writes its input stripped of CRs to its output: `tr -d '\\r'`,
    `sed 's/\\r$//'`, `dos2unix` without a file."""
    name = posixpath.basename(words[0])
    if name == "tr":
        flags = [w for w in words[1:] if w.startswith("-")]
        sets = [w for w in words[1:] if not w.startswith("-")]
        return any("d" in f or f == "--delete" for f in flags) and bool(sets) and bool(_CR_IN_SET.search(sets[0]))
    if name == "sed":
        return any(_STRIPS_IN_SED.search(w) for w in words[1:] if not w.startswith("-"))
    return name in ("dos2unix", "fromdos") and all(w.startswith("-") for w in words[1:])


def _xargs_strips(words: list[str]) -> bool:
    """Whether `xargs [options] CMD ARGS` strips the files it is given."""
    at, marker = 1, ""
    while at < len(words) and words[at].startswith("-"):
        option = words[at]
        if option in _XARGS_VALUE and at + 1 < len(words):
            marker = words[at + 1] if option == "-I" else marker
            at += 1
        elif option.startswith(("-I", "--replace=", "-i")) and len(option) > 2:
            marker = option.partition("=")[2] if "=" in option else option[2:]
        at += 1
    command = words[at:]
    if not command:
        return False
    command = [_SELECTED if marker and w == marker else w for w in command]
    if not marker:
        command.append(_SELECTED)
    return _SELECTED in _strips(command)[0]


def _assignment(word: str) -> bool:
    return "=" in word and word.partition("=")[0].isidentifier()


def _commands(text: str, env: dict[str, str]) -> list[_Command]:
    """The simple commands of a shell line: their words, the file their output is redirected to, and
    whether a pipe feeds them. A line sh would not read (an open quote) gives what came before it."""
    commands: list[_Command] = []
    words: list[str] = []
    parts: list[str] | None = None  # the word being read
    out: str | None = None
    redirect = ""  # the redirection the next word is the target of
    piped = False
    at = 0

    def end_word() -> None:
        nonlocal parts, out, redirect
        if parts is None:
            return
        word = "".join(parts)
        if redirect:
            out = word if redirect.lstrip("1") in (">", ">>", ">|") else out
            redirect = ""
        else:
            words.append(word)
        parts = None

    for match in _PIECE.finditer(text):
        if match.start() != at:
            break
        at = match.end()
        single, double, escaped, operator, redirection, blank, plain = match.groups()
        if blank is not None:
            end_word()
        elif operator is not None or redirection is not None:
            end_word()
            if redirection is not None:
                redirect = redirection
                continue
            commands.append((words, out, piped))
            words, out, redirect, piped = [], None, "", operator == "|"
        else:
            if parts is None:
                parts = []
            if single is not None:
                parts.append(single)
            elif double is not None:
                parts.append(_expand(_DOUBLE_QUOTED_ESCAPE.sub(r"\1", double), env))
            else:
                parts.append(escaped if escaped is not None else _expand(plain, env))
    end_word()
    commands.append((words, out, piped))
    return commands


def _expand(text: str, env: dict[str, str]) -> str:
    """`$NAME` and `${NAME}` of the stage's ENV; another variable stays as written."""
    if "$" not in text:
        return text
    return _VARIABLE.sub(lambda m: env.get(m[1] or m[2], m[0]), text)


def _absolute(path: str) -> str:
    """The path normalized; `//home/app` (a WORKDIR `/$APP_HOME` expanded) is `/home/app`."""
    return posixpath.normpath("/" + path.lstrip("/"))


def _glob_matches(pattern: str, path: str) -> bool:
    """Whether sh's glob `pattern` (absolute) names `path`: `*` within one folder."""
    if not any(c in pattern for c in "*?["):
        return pattern == path
    wanted, parts = pattern.split("/"), path.split("/")
    return len(wanted) == len(parts) and all(fnmatchcase(p, w) for w, p in zip(wanted, parts, strict=True))
