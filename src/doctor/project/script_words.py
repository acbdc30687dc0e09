"""The words of what a container runs: a compose `command:`/`entrypoint:` split as compose
splits it (shlex's POSIX rules, in one pass), and the programs a Dockerfile RUN line or a script's line
runs (each command's first word, and the script a shell is given)."""

from __future__ import annotations

import posixpath
import re

from doctor.lazyre import lazy

_SHELL_SEPARATOR = lazy(r"&&|\|\||[;|&()\n]")
_RUN_WORD = lazy(r"""'[^']*'|"[^"]*"|[^\s'"]+""")
# what may come before a command's own word: `if`, `then /build.sh`, `exec ./start.sh`
_BEFORE_COMMAND = frozenset(("if", "then", "else", "elif", "while", "until", "do", "!", "{", "exec", "time"))
# a program that runs the script it is given: `bash ./build.sh`, `. ./env.sh`
_SCRIPT_RUNNERS = frozenset(("sh", "bash", "ash", "dash", "zsh", "ksh", ".", "source"))


def shell_words(value: tuple[str, ...] | str | None) -> list[str]:
    """A `command:`, `entrypoint:` or healthcheck as compose splits it: a list as written, a string
    into shell words (quotes removed; at blanks where a quote is left open)."""
    return _words(value) if isinstance(value, str) else list(value or ())


def _run_commands(text: str) -> list[str]:
    """The words of a RUN line that run as a program: each command's first word (after `if`, `then`,
    `exec`, `VAR=value`), and the script a shell is given (`bash ./build.sh`, `sh -c '/build.sh'`);
    not an argument (`chmod +x /start`, `[ -s /build.sh ]`). Shell form split at `&&`, `;`, `|` outside quotes;
    the exec form's JSON array."""
    from doctor.project.dockerfile import json_array
    from doctor.project.shellwords import split_unquoted

    parsed = json_array(text)
    # a quick split, not shlex's (a tenth of the time on long RUN lines): a script path is one word;
    # never inside quotes (`sh -c "cd /app; ./build.sh"` is one command, its -c text read again)
    commands = [parsed] if parsed is not None else [
        [word.strip("'\"") for word in _RUN_WORD.findall(part)] for part in split_unquoted(text, _SHELL_SEPARATOR)]
    found: list[str] = []
    for words in commands:
        at = 0
        while at < len(words) and (words[at] in _BEFORE_COMMAND or
                                   ("=" in words[at] and words[at].partition("=")[0].isidentifier())):
            at += 1
        if at == len(words):
            continue
        found.append(words[at])
        if posixpath.basename(words[at]) in _SCRIPT_RUNNERS:
            rest = words[at + 1:]
            if "-c" in rest[:-1]:
                found += _run_commands(rest[rest.index("-c") + 1])
            else:
                found += [word for word in rest if not word.startswith("-")][:1]
    return found


# a piece of a shell word, or the blanks between words, as shlex.split (POSIX) reads them: plain
# characters, `\x` (x), '...' (as written), "..." (its `\"` and `\\` unescaped); from recache's table
# like every lazy() (doctor/regex-tables list it), not parsed by each process on each run.
_WORD_PIECE = lazy(r"""([^ \t\r\n'"\\]+)|\\(.)|'([^']*)'|"([^"\\]*(?:\\.[^"\\]*)*)"|([ \t\r\n]+)""", re.DOTALL)


def _words(text: str) -> list[str]:
    """The words of a command as shlex.split reads them; split at blanks when a quote is left open
    or a backslash ends it. In one pass: shlex grows a word a character at a time, copying it each
    time (`self.token += c`), so a 1 MB `sh -c "echo ..."` took ~20 s to split."""
    words: list[str] = []
    parts: list[str] = []
    quoted = False  # `""` is a word too
    at = 0
    for match in _WORD_PIECE.finditer(text):
        if match.start() != at:  # an open quote, or a backslash at the end: what shlex refuses
            return text.split()
        at = match.end()
        plain, escaped, single, double, blank = match.groups()
        if blank is not None:
            if parts or quoted:
                words.append("".join(parts))
            parts, quoted = [], False
        elif double is not None:
            parts.append(re.sub(r"\\(.)", _unescape_quoted, double, flags=re.DOTALL) if "\\" in double else double)
            quoted = True
        elif single is not None:
            parts.append(single)
            quoted = True
        else:
            parts.append(plain if plain is not None else escaped)
    if at != len(text):
        return text.split()
    if parts or quoted:
        words.append("".join(parts))
    return words


def _unescape_quoted(match: re.Match[str]) -> str:
    """Inside double quotes a backslash escapes only `"` and itself (POSIX shlex)."""
    return match[1] if match[1] in '"\\' else match[0]
