"""A compose command line read as compose reads it: compose's own options, the command, its options, its arguments.

`COMPOSE_PROJECT_NAME=shop docker compose -f a.yml --profile debug up -dV --scale web=2 web db` is the environment
COMPOSE_PROJECT_NAME=shop; compose's own options --file a.yml and --profile debug; the command `up`; its options
--detach, --renew-anon-volumes and --scale web=2; its arguments `web` and `db` (the services). The words are a
shell's (shlex's) of one simple command; nothing is run. compose_command reads them from the first (wrappers such as
`sudo` and NAME=value words, then `docker compose` or `docker-compose`), parse_compose from after the program.
doctor.project.ciimages (a workflow's or a document's starts), doctor.project.command_ports (`run -p`: its table
joined with docker's own `run`'s), doctor.project.compose_wrappers (a wrapper's `-f`) and doctor.why.up_line (a pasted
`up` line) read compose command lines here.

Which option takes a value is compose's own table (OPTIONS: compose v2.40.3's `docker compose [COMMAND] --help`, and
the hidden options its source declares), read as compose's flag library (pflag) reads a line: `--file=a.yml` or
`--file a.yml`; a shorthand's value attached (`-fa.yml`, `-f=a.yml`); shorthands joined (`-dV` is -d and -V, `-dt5`
is -d and -t 5); `--` ending the options; compose's own options ending at the command; `run`'s and `exec`'s at the
service (what follows is the command run in it), `up`'s anywhere among its services (`up web -d`). Each option is
named by its long name (`--file` for `-f`, `--project-directory` for the deprecated `--workdir`).

Where compose would refuse the line, the reading keeps what its writer meant:
- an option no table names is kept, marked unknown, and takes no value (compose: "unknown flag"); in a word of
  shorthands, the letters after an unknown one are not read (`-state/conf.d` is no `-f tate/conf.d`);
- compose's own options written after the command (`up -p shop -f dev.yml`), which compose v2 refuses, are read as
  its own where the command has no option of that spelling, marked `late` (`run -p` is run's --publish).
"""

from __future__ import annotations

import functools

from doctor.lazyre import lazy
from doctor.model import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

# compose v2.40.3's options: `docker compose [COMMAND] --help`, and the hidden ones its source declares (the root's
# --workdir, --no-ansi, --verbose, -v; run's -t; exec's -i, -t; rm's -a; build's --parallel, --compress, --force-rm,
# --no-rm, --progress; pull's --parallel, --no-parallel). Each entry: the options that take a value, `|`, those that
# take none. `d/detach` is -d or --detach; `volumes=volume`, a long name compose reads as another (its normalizing).
# Every command also has --dry-run (the root's, inherited) and -h/--help.
ROOT = ("f/file p/project-name profile env-file project-directory workdir=project-directory ansi progress parallel"
        " | all-resources compatibility no-ansi verbose v/version")
OPTIONS = {
    "attach": "index detach-keys | no-stdin sig-proxy",
    "build": "build-arg ssh builder provenance sbom m/memory progress"
             " | push q/quiet pull with-dependencies parallel compress force-rm no-cache no-rm print check",
    "commit": "index m/message a/author c/change | p/pause",
    "config": "format hash o/output | resolve-image-digests lock-image-digests q/quiet no-interpolate no-normalize"
              " no-path-resolution no-consistency no-env-resolution services volumes networks models profiles images"
              " variables environment",
    "cp": "index | all L/follow-link a/archive",
    "create": "pull scale | build no-build quiet-pull force-recreate no-recreate remove-orphans y/yes y=yes",
    "down": "t/timeout rmi | remove-orphans v/volumes volume=volumes",
    "events": "since until | json",
    "exec": "e/env index u/user w/workdir | d/detach privileged T/no-tty no-TTY=no-tty i/interactive t/tty",
    "export": "index o/output |",
    "images": "format | q/quiet",
    "kill": "s/signal | remove-orphans",
    "logs": "index since until n/tail | f/follow no-color no-log-prefix t/timestamps",
    "ls": "format filter | q/quiet a/all",
    "pause": "|",
    "port": "protocol index |",
    "ps": "format filter status | q/quiet services orphans a/all no-trunc",
    "publish": "oci-version | resolve-image-digests with-env y/yes y=yes app",
    "pull": "policy | q/quiet include-deps parallel no-parallel ignore-pull-failures ignore-buildable",
    "push": "| ignore-push-failures include-deps q/quiet",
    "restart": "t/timeout | no-deps",
    "rm": "| f/force s/stop v/volumes a/all",
    "run": "e/env env-from-file l/label labels=label name u/user w/workdir entrypoint cap-add cap-drop v/volume"
           " volumes=volume p/publish pull | d/detach rm T/no-TTY no-deps use-aliases P/service-ports q/quiet"
           " quiet-build quiet-pull build remove-orphans i/interactive t/tty",
    "scale": "| no-deps",
    "start": "|",
    "stats": "format | a/all no-stream no-trunc",
    "stop": "t/timeout |",
    "top": "|",
    "unpause": "|",
    "up": "pull scale exit-code-from t/timeout attach no-attach wait-timeout | d/detach build no-build remove-orphans"
          " no-color no-log-prefix force-recreate no-recreate no-start abort-on-container-exit"
          " abort-on-container-failure timestamps no-deps always-recreate-deps V/renew-anon-volumes quiet-pull"
          " quiet-build attach-dependencies wait w/watch menu y/yes y=yes",
    "version": "f/format | short",
    "volumes": "format | q/quiet",
    "wait": "| down-project",
    "watch": "| quiet prune no-up",
}
_EVERY = " dry-run h/help"  # in the part after `|`: no value
# the commands whose options end at their first argument (pflag's SetInterspersed(false)): the service, then the
# command run in it
SERVICE_THEN_COMMAND = frozenset(("run", "exec"))
# words before a program that run it (`sudo docker compose up`): split_prefix leaves them out
_WRAPPERS = frozenset(("sudo", "env", "exec", "time", "nohup", "command", "nice"))
_ASSIGNMENT = lazy(r"^[A-Za-z_][A-Za-z0-9_]*=")
_TRUE = frozenset(("1", "t", "T", "TRUE", "true", "True"))  # what pflag's boolean takes as on (strconv.ParseBool)


@record
class OptionTable:
    """The options of one command: each spelling (`-f`, `--file`, `--workdir`) to its long name, and the long names
    that take a value. `interspersed`: options may follow arguments (`up web -d`); `unknown_valued`: an option the
    table does not name takes a value (docker's own `run`, whose many options doctor does not list)."""

    names: dict[str, str]
    valued: frozenset[str]
    interspersed: bool = True
    unknown_valued: bool = False

    @classmethod
    def parse(cls, spec: str, interspersed: bool = True, unknown_valued: bool = False) -> OptionTable:
        """The table `spec` writes (OPTIONS' form: `VALUED... | FLAGS...`)."""
        names: dict[str, str] = {}
        valued: set[str] = set()
        aliases: list[tuple[str, str]] = []
        for part, takes in zip(spec.split("|"), (True, False), strict=False):
            for token in part.split():
                if "=" in token:
                    alias, _, name = token.partition("=")
                    aliases.append((f"--{alias}", f"--{name}"))
                    continue
                short, _, long = token.rpartition("/")
                names[f"--{long}"] = f"--{long}"
                if short:
                    names[f"-{short}"] = f"--{long}"
                if takes:
                    valued.add(f"--{long}")
        names.update(aliases)
        return cls(names, frozenset(valued), interspersed, unknown_valued)

    def joined(self, other: OptionTable) -> OptionTable:
        """This table with `other`'s options too (a spelling both name is `other`'s) and `other`'s reading of the
        options neither names; its arguments still this table's (`interspersed`)."""
        return OptionTable({**self.names, **other.names}, self.valued | other.valued, self.interspersed,
                           other.unknown_valued)

    def takes_value(self, word: str) -> bool:
        """Whether the option written `word` (`-f`, `--file`; no `=value`) takes the next word as its value."""
        name = self.names.get(word)
        return name in self.valued if name is not None else self.unknown_valued


@record
class Option:
    """One option as read: its long name (`--file` for `-f`; the spelling itself for an option no table names), its
    value (None: a flag, or a value the line left out at its end), the word it is written in (`-dV` for both of its
    options) and that word's index among the words after the program."""

    name: str
    value: str | None = None
    word: str = ""
    at: int = 0
    known: bool = True
    late: bool = False  # compose's own option written after the command, which compose v2 refuses ("unknown flag")


@record
class ComposeCommand:
    """A compose command line (the module says how it is read): `command` is "" when the line names none
    (`docker compose --help`); `global_options` are compose's own, `options` the command's, each in written order."""

    command: str = ""
    arguments: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    global_options: tuple[Option, ...] = ()
    environment: tuple[tuple[str, str], ...] = ()

    @property
    def services(self) -> tuple[str, ...]:
        """The services the command names: `run`'s and `exec`'s first argument (what follows is the command run in
        it), any other command's arguments."""
        return self.arguments[:1] if self.command in SERVICE_THEN_COMMAND else self.arguments

    def values(self, name: str) -> tuple[str, ...]:
        """The values compose's own option `name` (a long name: `--file`) is given, in order."""
        return tuple(o.value for o in self.global_options if o.name == name and o.value is not None)

    def value(self, name: str) -> str | None:
        """The value of compose's own option `name` as compose takes it: the last one given (None: not given)."""
        given = self.values(name)
        return given[-1] if given else None

    def flag(self, name: str) -> bool:
        """Whether the command's option `name` (`--no-deps`) is on: given, and its last `=value` not false."""
        given = [o.value for o in self.options if o.name == name]
        return bool(given) and (given[-1] is None or given[-1] in _TRUE)

    def variable(self, name: str) -> str | None:
        """The value the words before the program set variable `name` to (the last one), None when they do not."""
        return next((value for key, value in reversed(self.environment) if key == name), None)


@functools.cache
def options_of(command: str) -> OptionTable:
    """The options of compose's `command` ("": compose's own, before any command); a command compose does not have
    has none (its options are all unknown)."""
    if not command:
        return OptionTable.parse(ROOT + _EVERY, interspersed=False)
    spec = OPTIONS.get(command)
    if spec is None:
        return OptionTable({}, frozenset())
    return OptionTable.parse(spec + _EVERY, interspersed=command not in SERVICE_THEN_COMMAND)


def parse_compose(arguments: Sequence[str], environment: Sequence[tuple[str, str]] = ()) -> ComposeCommand:
    """The compose command line whose words after the program (`docker compose`, `docker-compose`) are `arguments`,
    and whose environment sets `environment` (NAME, value)."""
    root = options_of("")
    own, rest = scan_options(arguments, root)
    if not rest:
        return ComposeCommand(global_options=tuple(own), environment=tuple(environment))
    start = len(arguments) - len(rest) + 1
    # compose's own options after a command compose does not have are its unknown ones
    found, words = scan_options(arguments[start:], options_of(rest[0]), root if rest[0] in OPTIONS else None, start)
    return ComposeCommand(rest[0], tuple(words), tuple(o for o in found if not o.late),
                          (*own, *(o for o in found if o.late)), tuple(environment))


def compose_command(words: Sequence[str]) -> ComposeCommand | None:
    """The compose command `words` run: after wrappers and NAME=value words (split_prefix), `docker compose ...` or
    `docker-compose ...`; None when they run another program."""
    environment, rest = split_prefix(words)
    if rest[:1] == ["docker-compose"]:
        return parse_compose(rest[1:], environment)
    if rest[:2] == ["docker", "compose"]:
        return parse_compose(rest[2:], environment)
    return None


def split_prefix(words: Sequence[str]) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """The variables the first words of a simple command set (`FOO=1 sudo docker ...`: FOO, 1), and the words from
    its program on: the NAME=value words and the wrappers (`sudo`, `env`, `nohup`...) before it left out."""
    environment: list[tuple[str, str]] = []
    at = 0
    while at < len(words) and (words[at] in _WRAPPERS or _ASSIGNMENT.match(words[at])):
        if words[at] not in _WRAPPERS:
            name, _, value = words[at].partition("=")
            environment.append((name, value))
        at += 1
    return tuple(environment), list(words[at:])


def scan_options(words: Sequence[str], table: OptionTable, fallback: OptionTable | None = None,
                 offset: int = 0) -> tuple[list[Option], list[str]]:
    """The options of `words` as `table` names them (those only `fallback` names: `late`), and the arguments among
    them; `offset`: the index of the first word, for Option.at."""
    found: list[Option] = []
    arguments: list[str] = []
    at = 0
    while at < len(words):
        word = words[at]
        if word == "--":
            arguments += words[at + 1:]
            break
        if not word.startswith("-") or word == "-":
            if not table.interspersed:
                arguments += words[at:]
                break
            arguments.append(word)
            at += 1
            continue
        read, used = _option(words[at:at + 2], table, fallback)
        found += [Option(name, value, word, offset + at, known, late) for name, value, known, late in read]
        at += used
    return found, arguments


def _option(words: Sequence[str], table: OptionTable, fallback: OptionTable | None
            ) -> tuple[list[tuple[str, str | None, bool, bool]], int]:
    """(name, value, known, late) of each option `words[0]` writes (a shorthand group writes several), and how many
    words they use (`words[1]`: the next word, a value option's when the first has none)."""
    word, following = words[0], (words[1] if len(words) > 1 else None)
    if word.startswith("--"):
        spelling, equals, value = word.partition("=")
        name, valued, known, late = _named(spelling, table, fallback)
        if equals:
            return [(name, value, known, late)], 1
        if valued and following is not None:  # the next word is the value, whatever it is
            return [(name, following, known, late)], 2
        return [(name, None, known, late)], 1
    found: list[tuple[str, str | None, bool, bool]] = []
    letters = word[1:]
    for index, letter in enumerate(letters):
        name, valued, known, late = _named(f"-{letter}", table, fallback)
        rest = letters[index + 1:]
        if rest.startswith("="):  # `-p=shop`, `-d=false`
            return [*found, (name, rest[1:], known, late)], 1
        if not known and not valued:  # compose stops at it too (refusing the line): the rest is not read
            return [*found, (name, None, known, late)], 1
        if not valued:
            found.append((name, None, known, late))
        elif rest:  # `-fdev.yml`, `-dt5`: the rest of the word is the value
            return [*found, (name, rest, known, late)], 1
        else:
            return [*found, (name, following, known, late)], 1 if following is None else 2
    return found, 1


def _named(spelling: str, table: OptionTable, fallback: OptionTable | None) -> tuple[str, bool, bool, bool]:
    """(long name, whether it takes a value, known, late) of the option written `spelling` (`-f`, `--file`)."""
    name = table.names.get(spelling)
    if name is not None:
        return name, name in table.valued, True, False
    name = fallback.names.get(spelling) if fallback is not None else None
    if name is not None and fallback is not None:
        return name, name in fallback.valued, True, True
    return spelling, table.unknown_valued, False, False

