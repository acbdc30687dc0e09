"""A fix's command in JSON keeps the project's names that are also a secret's value.

On CTFd as cloned (tests/replay/ctfd: `MARIADB_PASSWORD=ctfd`, the service and the project also `ctfd`),
`doctor preflight --format json` gave host-vs-container's command as `docker compose ... -p *** ... run --build
--rm --entrypoint '' *** pytest ...`: each word of a command was judged as a string of its own, which reads as
a line saying it is the value; a CI step running the command got a project and a service named `***`, while
the same finding's title printed `ctfd pytest` in the clear. A word that is one of the project's names now
stands as it does in the command's line; a flag before it (`--password ctfd`) and a value's shape still mask.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from doctor.redact import Redactor

REPLAY = Path(__file__).parent / "replay" / "ctfd"


def test_the_json_command_names_the_project_and_service_a_password_shares(tmp_path: Path) -> None:
    root = tmp_path / "ctfd"
    shutil.copytree(REPLAY, root)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "DOCKER_HOST": "tcp://127.0.0.1:9",
           "DOCTOR_CONTEXT": "host"}
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--select", "host-vs-container", "--format",
                           "json"], cwd=root, capture_output=True, text=True, timeout=120, env=env)
    commands = [f["fix"]["command"] for f in json.loads(done.stdout)["findings"] if f["fix"] and f["fix"]["command"]]
    assert commands, done.stdout
    for command in commands:
        assert "***" not in command, command
        at = command.index("-p")
        assert command[at + 1] == "ctfd" and command[at + 2:].count("ctfd") == 1, command  # the project, the service
    assert "ctfd:ctfd@" not in done.stdout  # the URL's password, by its shape, still masked


def test_a_name_word_is_still_masked_by_the_flag_before_it_and_by_shape() -> None:
    redactor = Redactor(["ctfd", "s3cr3t-Pa55word-long"], names=["ctfd", "db"])
    assert redactor.argv(["docker", "compose", "-p", "ctfd", "run", "", "ctfd", "pytest"]) == \
        ["docker", "compose", "-p", "ctfd", "run", "", "ctfd", "pytest"]
    assert redactor.argv(["mysql", "--password", "ctfd"]) == ["mysql", "--password", "***"]
    # a flag the tool before it gives its meaning: masked as the command's line masks it
    for command in (["redis-cli", "-a", "ctfd", "ping"], ["sshpass", "-p", "ctfd", "ssh"], ["mongosh", "-p", "ctfd"],
                    ["docker", "login", "-u", "x", "-p", "ctfd"], ["rabbitmqctl", "add_user", "ctfd", "ctfd"]):
        shown = redactor.argv(command)
        assert " ".join(shown) == redactor.text(" ".join(command)) and "***" in shown, shown
    assert redactor.argv(["mysql", "-pctfd"])[1] != "-pctfd"
    assert redactor.argv(["echo", "s3cr3t-Pa55word-long"]) == ["echo", "***"]  # not a name: masked as before
    document = json.dumps({"command": ["docker", "compose", "-p", "ctfd", "run", "ctfd"], "title": "ctfd"}) + "\n"
    shown = json.loads(redactor.document(document))
    assert shown["command"] == ["docker", "compose", "-p", "ctfd", "run", "ctfd"]
    assert shown["title"] == "***"  # a string of its own elsewhere: a line saying it is the value, as before
