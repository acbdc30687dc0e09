"""A shell line's simple commands and their first words: the tools a project's recipes run.

`split_command` splits a recipe line (a Makefile's, a justfile's, a package.json script) at `&&`,
`||`, `;` and `|`, follows a leading `cd DIR`, skips assignments and wrappers (`env`, `sudo`), and
yields each command with its tool: a program looked up on PATH, or a project script run by its path
(`./manage.py`). A `$(...)` or `${...}` doctor could not expand is one word, never split inside, and so
is a quoted string (`python -c "import webbrowser; webbrowser.open(...)"`: pythondotorg's docs/Makefile).
`split_pipelines` also says which pipeline a command is a stage of (`psql ... | xargs python update.py`:
what the last stage runs comes from the first, so the stage alone is not the command).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import is_file

# shell keywords and builtins: never a tool on PATH
SHELL_WORDS = frozenset((
    "if", "then", "else", "elif", "fi", "for", "in", "do", "done", "case", "esac", "while", "until",
    "function", "select", "time", "{", "}", "[", "[[", "!", ":", ".", "cd", "echo", "printf", "test",
    "true", "false", "exit", "export", "set", "unset", "source", "eval", "exec", "read", "shift",
    "local", "return", "trap", "wait", "command", "builtin", "type", "alias", "unalias", "ulimit",
    "umask", "pushd", "popd", "dirs", "let", "declare", "readonly", "getopts", "hash", "break",
    "continue",
))
# words that run the next word: the tool is after them
WRAPPERS = frozenset(("env", "exec", "time", "nohup", "command", "sudo", "xargs", "nice"))
_TOOL_NAME = lazy(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")
_ASSIGNMENT = lazy(r"^[A-Za-z_][A-Za-z0-9_]*=")
_LISTS = lazy(r"&&|\|\||;")
_PIPE = lazy(r"\|")
# a quoted string (an unclosed quote is a character) or an escaped character: never split inside
_QUOTED = lazy(r"""'[^']*'|"(?:[^"\\]|\\.)*"|\\.""", re.S)
# what a line is split at, with what it is never split inside
_TOKEN = lazy(r"""'[^']*'|"(?:[^"\\]|\\.)*"|\\.|\$[({]|[)}]|&&|\|\||;|\|""", re.S)
_KEPT_WHOLE = ("'", '"', "\\", "$(", "${")
# a `$(NAME ...)` or `${NAME}` left in a line (one level of nesting inside): one word whatever it holds
_REFERENCE = lazy(r"\$\((?:[^()]|\([^()]*\))*\)|\$\{(?:[^{}]|\{[^{}]*\})*\}")
_HELD = lazy(r"\x00(\d+)\x00")
# keywords after which the next word is a command (`then cp ...`, `if grep -q ...`)
_LEADING = frozenset(("if", "then", "else", "elif", "do", "while", "until", "!"))


def split_command(text: str, cwd: Path) -> Iterator[tuple[str, str, Path]]:
    """(segment, tool, cwd) for each simple command of a shell line; `cd DIR` moves cwd along."""
    for segment, tool, folder, _, _, _ in split_pipelines(text, cwd):
        yield segment, tool, folder


def split_pipelines(text: str, cwd: Path) -> Iterator[tuple[str, str, Path, str, tuple[str, ...], str]]:
    """split_command's (segment, tool, cwd), with the pipeline the command is fed by: the text of the
    whole pipeline it is a stage of (`psql ... | xargs python update.py`), or its own text where `xargs`
    runs it (xargs reads what to add from its input); "" for a command that stands alone; and the
    assignments the segment drops before its tool (`GOOS=darwin GOARCH=arm64 go build`, `env
    PYTHONPATH=src pytest`), as written: what the command runs with; and the segment as written, its
    quotes, redirections and `&` kept (what `sh -c` runs)."""
    for stages in pipelines(text):
        whole = " | ".join(stage.strip() for stage in stages) if len(stages) > 1 else ""
        for raw in stages:
            segment = raw.strip().lstrip("(").strip()
            while segment.endswith(")") and segment.count(")") > segment.count("("):  # a subshell's, not `$(X)`'s
                segment = segment[:-1].rstrip()
            words = _words(segment)
            fed, sudo = whole, False
            assigned: list[str] = []
            while words and (_ASSIGNMENT.match(words[0]) or words[0] in WRAPPERS or words[0] in _LEADING
                             or words[0].startswith("-")):
                if _ASSIGNMENT.match(words[0]) and not sudo:
                    assigned.append(words[0])
                fed = fed or (segment if words[0] == "xargs" else "")
                sudo = words[0] == "sudo" or (sudo and words[0].startswith("-"))
                # `sudo -u www-data pytest`: the option's argument is no program
                words = words[sudo_option_width(words[0]) if sudo and words[0].startswith("-") else 1:]
            if not words:
                continue
            tool = words[0]
            if tool == "cd" and len(words) > 1 and "$" not in words[1]:
                cwd = (cwd / words[1]).resolve() if not words[1].startswith("~") else cwd
                continue
            if "/" in tool and _project_script(tool, cwd):  # `./manage.py test`: the project's own script
                yield _joined(words), tool, cwd, fed, tuple(assigned), segment
                continue
            if tool in SHELL_WORDS or "$" in tool or "/" in tool or not _TOOL_NAME.match(tool) or tool == "make":
                continue
            yield _joined(words), tool, cwd, fed, tuple(assigned), segment


# sudo's options that take an argument (`sudo -u www-data cmd`, `sudo --chdir /srv cmd`), sudo(8)'s
_SUDO_ARGUMENTS = frozenset("ugCDhprtUTR")
_SUDO_LONG_ARGUMENTS = frozenset(("--user", "--group", "--close-from", "--chdir", "--host", "--prompt", "--role",
                                  "--type", "--other-user", "--command-timeout", "--chroot"))


def sudo_option_width(word: str) -> int:
    """How many words sudo's option `word` takes with its argument: 2 where the argument is the next
    word (`-u deploy`, `-Eu deploy`, `--user deploy`), else 1 (`-E`, `-udeploy`, `--user=deploy`, `--`)."""
    if word.startswith("--"):
        return 2 if word in _SUDO_LONG_ARGUMENTS else 1
    for index, letter in enumerate(word[1:], 1):
        if letter in _SUDO_ARGUMENTS:
            return 1 if word[index + 1:] else 2  # `-udeploy`: the rest of the word is the argument
    return 1


def sudo_programs(text: str) -> dict[str, str]:
    """The programs a shell line runs through `sudo` by their name (`sudo poetry install`, `sudo -E
    yarn build`), each with the user sudo runs it as (root, or `-u deploy`'s): sudo looks those up on
    its own secure_path, not on PATH. A program given a PATH of its own (`sudo env PATH="$PATH"
    poetry`) or by its path (`sudo ./run.sh`) is left out."""
    found: dict[str, str] = {}
    for stages in pipelines(text) if "sudo" in text else ():
        for raw in stages:
            words = _words(raw.strip().lstrip("(").strip())
            while words and (_ASSIGNMENT.match(words[0]) or words[0] in _LEADING or words[0] in ("time", "nohup")):
                words = words[1:]
            if not words or words[0] != "sudo":
                continue
            words, user = words[1:], "root"
            while words and words[0].startswith("-"):
                ended, width = words[0] == "--", sudo_option_width(words[0])
                user = _sudo_user(words[:width]) or user
                words = words[width:]
                if ended:
                    break
            if words and words[0] == "env":
                words = words[1:]
                if any(word.startswith("PATH=") for word in words):
                    continue
            while words and (_ASSIGNMENT.match(words[0]) or words[0] in WRAPPERS or words[0].startswith("-")):
                words = words[1:]
            if words and _TOOL_NAME.match(words[0]) and words[0] not in SHELL_WORDS:
                found.setdefault(words[0], user)
    return found


def _sudo_user(option: list[str]) -> str:
    """The user a sudo option (with its argument) names: `-u deploy`, `-Eu deploy`, `-udeploy`,
    `--user deploy`, `--user=deploy`; "" for another option."""
    word = option[0]
    if word.startswith("--user"):
        return word.partition("=")[2] if "=" in word else (option[1] if len(option) > 1 and word == "--user" else "")
    if word.startswith("-") and not word.startswith("--") and "u" in word:
        rest = word[word.index("u") + 1:]
        if not any(letter in _SUDO_ARGUMENTS for letter in word[1:word.index("u")]):
            return rest or (option[1] if len(option) > 1 else "")
    return ""


def simple_commands(text: str) -> list[list[str]]:
    """The words of each simple command of a shell line (split at `&&`, `||`, `;`, `|`), a `$(...)` or
    `${...}` doctor could not expand kept as one word; nothing skipped or followed (`cd`, wrappers)."""
    commands = []
    for raw in _segments(text):
        words = _words(raw.strip().lstrip("(").strip())
        while words and words[-1].endswith(")") and words[-1].count(")") > words[-1].count("("):
            words[-1] = words[-1][:-1]  # a subshell's `)`, not `$(X)`'s
            words = words if words[-1] else words[:-1]
        if words:
            commands.append(words)
    return commands


def _joined(words: list[str]) -> str:
    """The words as one line; a word holding a space (`$(shell git ls-files)`, `--command="make x"`)
    stays one word when the line is split again, and an empty one (`-m ""`) stays a word."""
    return " ".join(shlex.quote(w) if not w or any(c.isspace() for c in w) else w for w in words)


def _project_script(tool: str, cwd: Path) -> bool:
    """Whether a command's first word is a relative path to a file of the project (`./manage.py`,
    `scripts/test.py`): run by its path, not looked up on PATH."""
    return not tool.startswith(("/", "~")) and "$" not in tool and is_file(cwd / tool)


def _segments(text: str) -> list[str]:
    """The simple commands of a shell line, split at `&&`, `||`, `;` and `|` outside quotes, `$(...)` and `${...}`."""
    return [stage for stages in pipelines(text) for stage in stages]


def pipelines(text: str) -> list[list[str]]:
    """The pipelines of a shell line (split at `&&`, `||` and `;`), each as its stages (split at `|`),
    never inside a quoted string, a `$(...)` or a `${...}`."""
    if not any(mark in text for mark in _KEPT_WHOLE):
        return [_PIPE.split(part) for part in _LISTS.split(text)]
    found: list[list[str]] = [[]]
    depth, start = 0, 0
    for token in _TOKEN.finditer(text):
        mark = token.group()
        if mark[0] in "'\"\\":
            continue  # a quoted string or an escaped character: never split inside
        if mark[0] == "$":
            depth += 1
        elif mark in ")}":
            depth -= 1 if depth else 0
        elif not depth:
            found[-1].append(text[start:token.start()])
            start = token.end()
            if mark != "|":
                found.append([])
    found[-1].append(text[start:])
    return found


def split_unquoted(text: str, separators: re.Pattern[str]) -> list[str]:
    """`text` split at each match of `separators` (a pattern without groups) outside quoted strings
    (`'...'`, `"..."`) and escaped characters: `sh -c "cd /app; ./build.sh"` is one command."""
    if "'" not in text and '"' not in text and "\\" not in text:
        return separators.split(text)
    parts = [""]
    at = 0
    for quoted in _QUOTED.finditer(text):
        pieces = separators.split(text[at:quoted.start()])
        parts[-1] += pieces[0]
        parts += pieces[1:]
        parts[-1] += quoted.group()
        at = quoted.end()
    pieces = separators.split(text[at:])
    parts[-1] += pieces[0]
    return [*parts, *pieces[1:]]


def _words(segment: str) -> list[str]:
    """A command's words as the shell splits them, a `$(...)` doctor could not expand kept whole."""
    held: list[str] = []
    if "$(" in segment or "${" in segment:
        def hold(match: re.Match[str]) -> str:
            held.append(match.group(0))
            return f"\x00{len(held) - 1}\x00"

        segment = _REFERENCE.sub(hold, segment)
    try:
        words = shlex.split(segment, comments=True)
    except ValueError:
        words = segment.split()
    if held:
        words = [_HELD.sub(lambda m: held[int(m.group(1))], word) for word in words]
    return words


# a stage that appends to (or writes) /etc/hosts: `>> /etc/hosts`, `tee -a /etc/hosts`
_HOSTS_WRITE = lazy(r">>?\s*/etc/hosts\b|(?:^|\s)tee\s+(?:-\S+\s+)*/etc/hosts\b")
_PRINTS = lazy(r"(?:^|[\s;&|({])(?:echo|printf)\s")  # awk's `{printf ...}` too


def without_hosts_writes(text: str, name: str) -> str:
    """The shell line without the pipelines that write `name` into /etc/hosts themselves: an entrypoint
    that runs `echo "$(ip route | awk '/default/ {print $3}') host.docker.internal" >> /etc/hosts` (or
    `printf ... | tee -a /etc/hosts`) names the host to give the container the entry, not to dial it. The
    stage naming it must print it (echo, printf); what the rest of the line runs stays."""
    if "/etc/hosts" not in text:
        return text
    kept = []
    for stages in pipelines(text):
        writes = any(_HOSTS_WRITE.search(stage) for stage in stages)
        if not writes or any(name in stage.lower() and not _prints_before(stage, name) for stage in stages):
            kept.append(" | ".join(stages))
    return " ; ".join(kept)


def _prints_before(stage: str, name: str) -> bool:
    at = stage.lower().find(name)
    return _PRINTS.search(stage[:at]) is not None
