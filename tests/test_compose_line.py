"""doctor.project.compose_line: a compose command line read as compose reads it, with compose's own option table.

Before it, four readers each had a table of their own: a workflow's `docker compose -fdev.yml up -d web` had no file
(ciimages read `-f` only apart from its value), `build --pull outline` built every service (`outline` read as
`--pull`'s value, which build's `--pull` does not take), `up -w web` named no service, and `docker compose run -dp
8001:80 web` published nothing to `doctor fix --ports` (command_ports read `-dp` as one unknown flag).
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from doctor.model import Location
from doctor.project.compose_line import (
    OPTIONS,
    ROOT,
    ComposeCommand,
    Option,
    compose_command,
    options_of,
    parse_compose,
    split_prefix,
)


def read(line: str) -> ComposeCommand:
    command = compose_command(shlex.split(line))
    assert command is not None, line
    return command


def named(options: tuple[Option, ...]) -> list[tuple[str, str | None]]:
    return [(o.name, o.value) for o in options]


def test_a_whole_line_is_its_environment_options_command_and_arguments() -> None:
    command = read("COMPOSE_PROJECT_NAME=shop docker compose -f a.yml --profile debug -p x up -dV --scale web=2 "
                   "web db")
    assert command.environment == (("COMPOSE_PROJECT_NAME", "shop"),)
    assert named(command.global_options) == [("--file", "a.yml"), ("--profile", "debug"), ("--project-name", "x")]
    assert command.command == "up"
    assert named(command.options) == [("--detach", None), ("--renew-anon-volumes", None), ("--scale", "web=2")]
    assert command.arguments == command.services == ("web", "db")
    assert command.variable("COMPOSE_PROJECT_NAME") == "shop"


@pytest.mark.parametrize(("line", "files", "name"), [
    ("docker compose --file=a.yml --project-name=shop up", ("a.yml",), "shop"),
    ("docker compose -f=a.yml -p=shop up", ("a.yml",), "shop"),  # pflag: a shorthand's `=value`
    ("docker compose -fa.yml -pshop up", ("a.yml",), "shop"),  # a shorthand's value attached
    ("docker compose -f a.yml -f b.yml -p one -p two up", ("a.yml", "b.yml"), "two"),  # repeated: all, the last
    ("docker-compose -f a.yml up", ("a.yml",), None),
])
def test_compose_s_own_options_with_their_values(line: str, files: tuple[str, ...], name: str | None) -> None:
    command = read(line)
    assert (command.values("--file"), command.value("--project-name"), command.command) == (files, name, "up")


@pytest.mark.parametrize(("line", "options", "arguments"), [
    ("docker compose up -dV web", [("--detach", None), ("--renew-anon-volumes", None)], ("web",)),
    ("docker compose up -dt5 web", [("--detach", None), ("--timeout", "5")], ("web",)),
    ("docker compose up -td web", [("--timeout", "d")], ("web",)),  # -t takes the rest of the word
    ("docker compose up -d=false web", [("--detach", "false")], ("web",)),
    ("docker compose run -dp 8001:80 --rm web", [("--detach", None), ("--publish", "8001:80"), ("--rm", None)],
     ("web",)),
    ("docker compose run -eA=1 -e B=2 web", [("--env", "A=1"), ("--env", "B=2")], ("web",)),
])
def test_shorthands_joined_in_one_word(line: str, options: list[tuple[str, str | None]],
                                       arguments: tuple[str, ...]) -> None:
    command = read(line)
    assert (named(command.options), command.arguments) == (options, arguments)
    assert {o.word for o in command.options} == {w for w in shlex.split(line)[3:] if w.startswith("-")}


def test_dashes_alone_end_the_options() -> None:
    run = read("docker compose run --rm -- web ls -l -p 80:80")
    assert (named(run.options), run.arguments, run.services) == ([("--rm", None)], ("web", "ls", "-l", "-p", "80:80"),
                                                                 ("web",))
    up = read("docker compose up -d -- -x web")
    assert (named(up.options), up.arguments) == ([("--detach", None)], ("-x", "web"))
    assert read("docker compose -- up web").command == "up"


def test_run_s_options_end_at_the_service_and_up_s_do_not() -> None:
    run = read("docker compose run web pytest -p no:cacheprovider --no-deps")
    assert (run.options, run.arguments[1:], run.services) == ((), ("pytest", "-p", "no:cacheprovider", "--no-deps"),
                                                              ("web",))
    up = read("docker compose up web -d db --no-deps")
    assert (up.services, up.flag("--no-deps"), up.flag("--detach")) == (("web", "db"), True, True)


@pytest.mark.parametrize(("line", "flag", "on"), [
    ("docker compose up --no-deps web", "--no-deps", True),
    ("docker compose up --no-deps=false web", "--no-deps", False),
    ("docker compose up --no-deps=false --no-deps=true web", "--no-deps", True),  # the last one
    ("docker compose up web", "--no-deps", False),
    ("docker compose up --no-build", "--no-build", True),
])
def test_a_flag_is_on_as_pflag_reads_its_value(line: str, flag: str, on: bool) -> None:
    assert read(line).flag(flag) is on


def test_options_no_table_names_are_kept_and_take_no_value() -> None:
    command = read("docker compose --frob up --bar web -dx db -xf a.yml")
    assert [(o.name, o.value, o.known) for o in command.global_options] == [("--frob", None, False)]
    assert [(o.name, o.known) for o in command.options] == [("--bar", False), ("--detach", True), ("-x", False),
                                                            ("-x", False)]
    assert command.arguments == ("web", "db", "a.yml")  # after an unknown shorthand its word's letters are not read
    assert [(o.name, o.value, o.known) for o in read("docker compose up --bar=1").options] == [("--bar", "1", False)]
    # a command compose does not have: all its options unknown, none of them compose's own
    other = read("docker compose frob -f x.yml web")
    assert (other.command, other.global_options, other.arguments) == ("frob", (), ("x.yml", "web"))


def test_compose_s_own_options_after_the_command_are_read_as_its_own() -> None:
    # compose v2 refuses them ("unknown shorthand flag: 'p' in -p"); the writer meant the project's
    command = read("docker compose up -d -p track-b -f dev.yml db")
    assert [(o.name, o.value, o.late) for o in command.global_options] == [
        ("--project-name", "track-b", True), ("--file", "dev.yml", True)]
    assert (command.services, command.value("--project-name")) == (("db",), "track-b")
    # a command's own option of that spelling wins: run's -p publishes, logs' -f follows
    assert named(read("docker compose run -p 80:80 web").options) == [("--publish", "80:80")]
    logs = read("docker compose logs -f web")
    assert (named(logs.options), logs.global_options, logs.services) == ([("--follow", None)], (), ("web",))


def test_a_value_the_line_leaves_out() -> None:
    command = read("docker compose up --scale")
    assert named(command.options) == [("--scale", None)]
    bare = read("docker compose -f")
    assert (bare.command, bare.values("--file"), named(bare.global_options)) == ("", (), [("--file", None)])
    assert read("docker compose --file up").command == ""  # `up` is --file's value: no command


def test_long_names_compose_reads_as_others() -> None:
    assert read("docker compose --workdir app up").value("--project-directory") == "app"
    assert named(read("docker compose run --volumes a:/a web").options) == [("--volume", "a:/a")]
    assert named(read("docker compose up --y").options) == [("--yes", None)]


def test_only_a_compose_program_is_a_compose_command() -> None:
    assert read("sudo FOO=1 nohup docker-compose up").environment == (("FOO", "1"),)
    assert compose_command(["docker", "run", "-p", "80:80", "x"]) is None
    assert compose_command(["docker", "--context", "x", "compose", "up"]) is None  # docker's own options: the caller's
    assert compose_command(["podman-compose", "up"]) is None
    assert compose_command([]) is None
    assert split_prefix(["env", "A=1", "B=x=y", "docker", "C=1"]) == ((("A", "1"), ("B", "x=y")), ["docker", "C=1"])
    assert parse_compose([]) == ComposeCommand()


def test_the_table_is_data_each_spelling_once() -> None:
    for command, spec in [("", ROOT), *OPTIONS.items()]:
        assert spec.count("|") == 1, command
        spellings = [s for token in spec.replace("|", " ").split() if "=" not in token
                     for s in (token.split("/") if "/" in token else [token])]
        assert len(spellings) == len(set(spellings)), command
        assert options_of(command).takes_value("-h") is False  # every command's --help


_HELP_OPTION = re.compile(r"^ {2,6}(?:-(\w), )?--([\w-]+)(?: (\w+))?")


def _help_options(compose: str, *command: str) -> dict[str, tuple[str, bool]]:
    """--NAME: (its shorthand, whether it takes a value), as `docker compose [COMMAND] --help` lists them."""
    text = subprocess.run([compose, *command, "--help"], capture_output=True, text=True, timeout=30).stdout
    found = {}
    for line in text.split("Options:", 1)[-1].split("Commands:", 1)[0].splitlines():
        match = _HELP_OPTION.match(line)
        if match is not None:
            found[f"--{match[2]}"] = (match[1] or "", match[3] is not None)
    return found


@pytest.mark.compose
@pytest.mark.parametrize("command", ["", *OPTIONS])
def test_the_table_is_compose_s_own(compose_bin: str, command: str) -> None:
    """Every option `--help` lists is in the table, with its shorthand and whether it takes a value (the table has
    the hidden ones too); a newer compose with other options fails here until the table is brought to it."""
    listed = _help_options(compose_bin, *([command] if command else []))
    assert listed, command
    table = options_of(command)
    for name, (short, valued) in listed.items():
        assert table.names.get(name) == name, (command, name)
        assert table.takes_value(name) is valued, (command, name)
        if short:
            assert table.names.get(f"-{short}") == name, (command, name, short)


# what each reader now reads as compose does (they agreed with each other nowhere else)

def _start(line: str) -> tuple[object, ...] | None:
    from doctor.project.ciimages import compose_start

    start = compose_start(shlex.split(line), Location(Path("ci.yml"), 1))
    return None if start is None else (start.verb, start.services, start.files, start.profiles)


@pytest.mark.parametrize(("line", "start"), [
    ("docker compose -fdev.yml up -d web", ("up", ("web",), ("dev.yml",), ())),
    ("docker compose build --pull outline", ("build", ("outline",), (), ())),
    ("docker compose up -w web", ("up", ("web",), (), ())),
    ("docker compose run -t web pytest", ("run", ("web",), (), ())),
    ("docker compose build --build-arg X=1 web", ("build", ("web",), (), ())),
    ("docker compose up -d --profile debug web", ("up", ("web",), (), ("debug",))),
    # another project directory: a folder a start (ComposeStart.directory) cannot name, as before no start
    ("docker compose --project-directory app up -d web", None),
    ("docker compose --workdir app up -d web", None),
])
def test_a_workflow_step_s_start(line: str, start: tuple[object, ...] | None) -> None:
    assert _start(line) == start


@pytest.mark.parametrize(("line", "ports"), [
    ("docker compose run -dp 8001:80 web", [(8001, 80, "tcp")]),
    ("docker compose run -p=8001:80 web", [(8001, 80, "tcp")]),
    ("docker run -h box -p 8001:80 nginx", [(8001, 80, "tcp")]),  # docker's -h is --hostname: it takes `box`
    ("docker run --network host -p 8001:80 nginx", [(8001, 80, "tcp")]),  # docker's options take a value
    ("docker compose run --quiet-build web -p 8001:80", []),  # web's command's -p
])
def test_a_run_s_published_ports(line: str, ports: list[tuple[int, int, str]]) -> None:
    from doctor.project.command_ports import published

    assert published(line) == ports


def test_a_pasted_up_line_s_joined_shorthands() -> None:
    from doctor.why.up_line import UpCommand, up_command

    assert up_command("$ docker compose up -dp track-b -t5 web\n") == UpCommand(("web",), project_name="track-b")
    assert up_command("$ docker compose --workdir app up\n") == UpCommand(project_directory="app")
