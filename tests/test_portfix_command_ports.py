"""`doctor fix --ports` keeps off the host ports the project's own commands publish (kitsune's trial:
with 8000 held, web moved to 8001, which `make docs` publishes with `${DC} run -p 8001:8001 web ...`)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from doctor.checks.port_collision.fix import PortMove, port_fix
from test_portfix import host_with, load, only_mapping

from doctor.project.command_ports import command_ports, published

COMPOSE = 'services:\n  web:\n    image: busybox\n    ports: ["8000:8000"]\n'
# kitsune's: DC set under a conditional, a value doctor cannot know (`${DC}` stays as written)
KITSUNE_MAKEFILE = ("DC := $(shell command -v docker-compose 2> /dev/null)\nifeq (DC,)\nDC = $(shell which "
                    "docker-compose)\nelse\nDC = $(shell which docker) compose\nendif\n\nhelp:\n\t@echo help\n\n"
                    "docs: .docker-build\n\t${DC} run -p 8001:8001 web mkdocs serve -a 0.0.0.0:8001\n")


def _moved_to(tmp_path: Path, files: dict[str, str], busy: set[int] | None = None) -> int:
    project_dir = tmp_path / "p"  # where test_portfix.load writes the compose file
    for name, text in files.items():
        (project_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (project_dir / name).write_text(text)
        if name.endswith(".sh"):
            (project_dir / name).chmod(0o755)
    project = load(tmp_path, COMPOSE)
    move = port_fix(project, host_with(busy or {8000}), "web", only_mapping(project), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.edits, move
    return move.new


def test_kitsunes_make_docs_port_is_not_chosen(tmp_path: Path) -> None:
    assert _moved_to(tmp_path, {"Makefile": KITSUNE_MAKEFILE}) == 8002
    assert [(p.port, p.location.line, p.origin) for p in command_ports(load(tmp_path, COMPOSE))] == [
        (8001, 12, "make target 'docs'")]


def test_without_such_a_command_the_next_port_is_chosen(tmp_path: Path) -> None:
    # the case that was already right stays so: `--service-ports` publishes compose's own ports, and
    # a `-p` of another subcommand (`compose -p NAME up`) or of the container's command is no publish
    makefile = ("run:\n\tdocker compose run --service-ports web bash\nup:\n\tdocker compose -p kit up -d\n"
                "test:\n\tdocker compose run web pytest -p no:cacheprovider\n")
    assert _moved_to(tmp_path, {"Makefile": makefile}) == 8001


@pytest.mark.parametrize(("name", "text"), [
    ("justfile", "docs:\n    {{dc}} run --rm --publish 8001:8001 web mkdocs serve\n"),
    ("Taskfile.yml", "version: '3'\ntasks:\n  docs:\n    cmds:\n      - docker compose run --publish=8001:8001 web\n"),
    ("package.json", json.dumps({"scripts": {"docs": "docker run -it -p 127.0.0.1:8001:80 nginx"}})),
    ("Makefile", "PORT = 8001\ndocs:\n\tdocker-compose run -p $(PORT):$(PORT) web \\\n\t  mkdocs serve\n"),
    ("docs/Makefile", "serve:\n\tdocker run --rm -p8001:8001 squidfunk/mkdocs-material\n"),
])
def test_each_task_file_s_published_port_is_taken(tmp_path: Path, name: str, text: str) -> None:
    assert _moved_to(tmp_path, {name: text}) == 8002


def test_a_script_the_recipes_run_is_read(tmp_path: Path) -> None:
    script = ("#!/bin/sh\n# docker run -p 8002:8002 is only a comment\nset -e\ndocker compose run \\\n"
              "  -p 8001:8001 web mkdocs serve\n")
    assert _moved_to(tmp_path, {"Makefile": "docs:\n\t./bin/docs.sh\n", "bin/docs.sh": script}) == 8002
    assert [(p.port, p.location.line, p.origin) for p in command_ports(load(tmp_path, COMPOSE))] == [
        (8001, 4, "bin/docs.sh")]


def test_the_choice_stays_deterministic_over_several_command_ports(tmp_path: Path) -> None:
    makefile = "a:\n\tdocker run -p 8003:80 x\nb:\n\tdocker run -p 8001-8002:8001-8002 y\n"
    assert _moved_to(tmp_path, {"Makefile": makefile}) == 8004


def test_no_file_is_read_before_a_move_is_planned(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "Makefile").write_text(KITSUNE_MAKEFILE)
    project = load(tmp_path, COMPOSE)
    assert "command-ports" not in project._once  # read once per project (Project.once), on first use
    port_fix(project, host_with({8000}), "web", only_mapping(project), compose_version=(2, 40, 3))
    assert "command-ports" in project._once


@pytest.mark.parametrize(("line", "ports"), [
    ("docker compose run -p 8001:8001 web", [(8001, 8001, "tcp")]),
    ("$(shell which docker) compose run --rm -p 9000:9000/udp web", [(9000, 9000, "udp")]),
    ('docker run -p "${DOCS_PORT:-8009}:80" x', [(8009, 80, "tcp")]),
    ("sudo docker run -v /a:/b -p 6000:60 img cmd -p 7000:7000", [(6000, 60, "tcp")]),
    ("docker run -p 8001 x && docker run -p 127.0.0.1::80 y", []),  # docker chooses the host port
    ("docker compose -p proj up -d", []),
    ("docker compose exec -p 1:1 web", []),
    ("npm run dev -p 3000:3000", []),
    ("docker run -p ${PORT}:80 x", []),  # a value not known here
])
def test_published(line: str, ports: list[tuple[int, int, str]]) -> None:
    assert published(line) == ports


def test_doctor_ports_lists_the_ports_of_the_projects_commands(tmp_path: Path) -> None:
    from doctor.portmap_checkout import checkout
    from doctor.portmap_clashes import find_clashes
    from doctor.portmap_render import lines

    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / "Makefile").write_text(KITSUNE_MAKEFILE)
    host = SimpleNamespace(ports=SimpleNamespace(busy_ports=lambda protocol: set(), probe=lambda socket: ()))
    found = checkout(tmp_path, "kit", "folder", "", None, {}, {}, host,  # type: ignore[arg-type]
                      {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert [(c.port, c.origin, c.where) for c in found.commands] == [(8001, "make target 'docs'", "Makefile:12")]
    text = "\n".join(lines("doctor ports .", "origin", [found], find_clashes([found])))
    assert "8001/tcp -> make target 'docs' (Makefile:12)" in text and "✓ no clashes" in text
