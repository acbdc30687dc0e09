"""The `docker compose ... up` command line in the text piped to `doctor why` (up_command).

The command line of the `up` itself, when the text holds it (pasted with its prompt above the output, a `set -x`
trace, make's echo, a CI log's `Run docker compose up ...`: up_command), says which services that `up` was to start:
`up -d mariadb redis` starts those and what they depend on, and no other; compose's own output never says. Its `-p`
(or a `COMPOSE_PROJECT_NAME=` before it), `-f`, `--profile`, `--env-file` and `--project-directory` say which project
that was (doctor.why.upoptions takes them).
"""

from __future__ import annotations

from doctor.model import record
from doctor.why.piped import text_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from doctor.project.compose_line import ComposeCommand

# `docker compose` (`docker-compose`, a path before it) beginning a command in a line, after whatever a prompt, a
# `set -x` trace (`+ `), make's echo or a CI log (`Run `) puts first: no quote, and no container's log prefix (`|`)
_COMPOSE_COMMAND = r"^[^|'\"`]*?(?<![\w./-])(?P<compose>(?:[\w./-]*/)?(?:docker\s+compose|docker-compose))(?=\s)"


@record
class UpCommand:
    """An `up` command line: the words it names services with (none: every service), whether it starts them alone
    (`--no-deps`), not what they depend on, and compose's options that chose its project, as typed (the paths
    relative to where it ran): `-p` (else a `COMPOSE_PROJECT_NAME=` before the command: `name_from_env`), `-f`,
    `--profile`, `--env-file`, `--project-directory`."""

    services: tuple[str, ...] = ()
    no_deps: bool = False
    project_name: str | None = None
    files: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    env_files: tuple[str, ...] = ()
    project_directory: str | None = None
    name_from_env: bool = False


def up_command(text: str) -> UpCommand | None:
    """The last `docker compose ... up ...` command line in the text (the one whose output follows it); None when
    the text holds none. Its words end at the shell's first operator (`2>&1`, `| tee up.log`, `&&`); a word after
    `up` that is no option nor an option's value names a service (the caller keeps those of the project)."""
    import re

    from doctor.project.compose_line import parse_compose

    for line in reversed(text_lines(text)):
        found = re.search(_COMPOSE_COMMAND, line)
        if found is None:
            continue
        command = parse_compose(_command_words(_shell_words(line[found.end():])),
                                _assigned(line[:found.start("compose")]))
        if command.command == "up":
            return _up(command)
    return None


def _assigned(before: str) -> list[tuple[str, str]]:
    """The variables set for a command alone by the words just before it (`COMPOSE_PROJECT_NAME=track-b docker
    compose up`; the prompt's words before those are none): (name, value) as typed (no quote: see _COMPOSE_COMMAND),
    in order; a value with a control character is none."""
    import re

    words = before.split()
    at = len(words)
    while at and re.fullmatch(r"[A-Za-z_]\w*=\S*", words[at - 1]) is not None:
        at -= 1
    return [(name, value) for name, _, value in (w.partition("=") for w in words[at:]) if value.isprintable()]


def _shell_words(text: str) -> list[str]:
    """The words of a shell command line, its quotes removed and its operators (`|`, `2>&1`) words of their own."""
    import shlex

    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:  # a quote left open: the words as typed
        return text.split()


def _command_words(words: Sequence[str]) -> list[str]:
    """`words` up to the shell's first operator (`|`, `&&`, `;`) or redirection (`2>&1`'s `2`): the command's."""
    for at, word in enumerate(words):
        if not word.strip("();<>|&") or (word.isdigit() and words[at + 1:at + 2] and words[at + 1][0] in "<>"):
            return list(words[:at])
    return list(words)


def _up(command: ComposeCommand) -> UpCommand:
    """The UpCommand of compose's `up` command line: compose's own options that choose the project, each value that
    is a word (one with a control character is none); `-p` wins over a COMPOSE_PROJECT_NAME set before it, as in
    compose, and a name or folder given twice is the last, as compose takes it."""
    def given(name: str) -> tuple[str, ...]:
        return tuple(v for v in command.values(name) if v and v.isprintable())

    def last(name: str) -> str | None:
        return given(name)[-1] if given(name) else None

    project, named = last("--project-name"), command.variable("COMPOSE_PROJECT_NAME") or None
    return UpCommand(command.arguments, command.flag("--no-deps"), project or named, given("--file"),
                     given("--profile"), given("--env-file"), last("--project-directory"),
                     project is None and named is not None)
