"""A taken `container_name` written with a variable: the advice sets the variable.

linkding's docker-compose.yml:3 writes `container_name: "${LD_CONTAINER_NAME:-linkding}"` and its
`.env` (copied from .env.sample) sets `LD_CONTAINER_NAME=linkding` on line 2. With a second
worktree's stack running, preflight said `fix: give 'linkding' no fixed name here
(container_name: !reset null in the dev override...)` - overriding the author's own setting - and
`doctor ports` said `first give each checkout its own project name and drop fixed container
names`, though the two checkouts already had different project names (linkding, linkding-wt2).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from doctor.checks.port_collision import PortCollision
from doctor.checks.port_collision.names import taken_name_findings

from doctor.portmap_checkout import Checkout, Published
from doctor.portmap_clashes import find_clashes
from doctor.portmap_render import lines
from doctor.project import Project, ProjectOptions
from doctor.project.container_names import name_variables

LINKDING = ('services:\n  linkding:\n    container_name: "${LD_CONTAINER_NAME:-linkding}"\n'
            '    image: sissbruecker/linkding:latest\n    ports:\n      - "${LD_HOST_PORT:-9090}:9090"\n')
LINKDING_ENV = "# Docker container name\nLD_CONTAINER_NAME=linkding\n# Port on the host\nLD_HOST_PORT=9090\n"


def project_at(folder: Path, compose: str, env_text: str | None = LINKDING_ENV, **env: str) -> Project:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "docker-compose.yml").write_text(compose)
    if env_text is not None:
        (folder / ".env").write_text(env_text)
    return Project(ProjectOptions(path=folder, env={"HOME": str(folder.parent), "PATH": "/usr/bin:/bin", **env}))


def host_naming(names: dict[str, tuple[str, bool, str]]) -> Any:
    return SimpleNamespace(ports=SimpleNamespace(container_names=lambda: names))


def test_the_variable_a_container_name_is_written_with_is_found(tmp_path: Path) -> None:
    project = project_at(tmp_path / "ld-cname", LINKDING + "  db:\n    image: postgres\n    container_name: ld-db\n")
    assert name_variables(project, project.services["linkding"]) == ("LD_CONTAINER_NAME",)
    assert name_variables(project, project.services["db"]) == ()  # a literal name
    (tmp_path / "ld-cname" / "docker-compose.override.yml").write_text(
        "services:\n  linkding:\n    container_name: mine\n")  # the override's literal name wins
    again = Project(project.options)
    assert again.services["linkding"].container_name == "mine"
    assert name_variables(again, again.services["linkding"]) == ()


def test_a_taken_name_from_a_variable_is_fixed_by_setting_it_on_its_env_line(tmp_path: Path) -> None:
    project = project_at(tmp_path / "ld-cname", LINKDING)
    other = str(tmp_path / "linkding-wt2")
    host = host_naming({"linkding": ("linkding-wt2", True, other)})
    (finding,) = taken_name_findings(PortCollision(), project.compose, host, project)
    assert finding.message == (f"container_name 'linkding' of 'linkding' is taken by a running container of project "
                               f"'linkding-wt2' in {other}: 'up' fails, the name being in use")
    assert finding.fix is not None
    assert finding.fix.title == ("give 'linkding' a container name of this checkout's own: set "
                                 "LD_CONTAINER_NAME=linkding-ld-cname in .env line 2 (its container_name reads "
                                 "LD_CONTAINER_NAME), or remove the other one if it is yours to remove "
                                 "(`docker rm -f linkding`)")
    assert "!reset" not in finding.fix.title


def test_the_variable_unset_or_set_in_the_shell_is_advised_where_compose_reads_it(tmp_path: Path) -> None:
    host = host_naming({"linkding": ("other", False, "")})
    unset = project_at(tmp_path / "a", LINKDING, "LD_HOST_PORT=9090\n")  # the default names it
    (finding,) = taken_name_findings(PortCollision(), unset.compose, host, unset)
    assert finding.fix is not None and ": add LD_CONTAINER_NAME=linkding-a in .env (" in finding.fix.title
    shell = project_at(tmp_path / "b", LINKDING, LD_CONTAINER_NAME="linkding")
    (finding,) = taken_name_findings(PortCollision(), shell.compose, host, shell)
    assert finding.fix is not None and ": export LD_CONTAINER_NAME=linkding-b in this checkout's shell (" \
        in finding.fix.title


def test_a_literal_taken_name_keeps_the_overrides_advice(tmp_path: Path) -> None:
    project = project_at(tmp_path / "docs", "services:\n  database:\n    image: postgres\n"
                         "    container_name: database\n", None)
    (finding,) = taken_name_findings(PortCollision(), project.compose, host_naming({"database": ("b", True, "")}),
                                     project)
    assert finding.fix is not None and finding.fix.title.startswith(
        "give 'database' no fixed name here (`container_name: !reset null` in the dev override: compose names it "
        "docs-database-1)")


def track(name: str, project: str, named_by: tuple[tuple[str, str], ...] = ()) -> Checkout:
    return Checkout(Path(f"/home/dev/{name}"), name, "worktree", name, project, "none",
                    (Published("linkding", 9090, 9090, "tcp", ""),), containers=("linkding",), named_by=named_by)


def test_doctor_ports_asks_only_for_what_the_checkouts_share() -> None:
    by_variable = (("linkding", "LD_CONTAINER_NAME"),)
    both = [track("linkding", "linkding", by_variable), track("linkding-wt2", "linkding-wt2", by_variable)]
    clashes = find_clashes(both)
    assert clashes[-1] == ("container_name 'linkding' is used by linkding, linkding-wt2: the second 'up' fails, the "
                           "name being in use (set LD_CONTAINER_NAME in each checkout's .env to a name of its own)")
    text = "\n".join(lines("doctor ports .", "origin", both, clashes))
    assert "fix: first give each checkout container names of its own (above);" in text
    assert "project name" not in text  # linkding and linkding-wt2 differ already
    literal = [track("linkding", "linkding"), track("linkding-wt2", "linkding-wt2")]
    text = "\n".join(lines("doctor ports .", "origin", literal, find_clashes(literal)))
    assert "fix: first drop fixed container names (above);" in text and "project name" not in text
    one_name = [track("a", "app", by_variable), track("b", "app", by_variable)]
    text = "\n".join(lines("doctor ports .", "origin", one_name, find_clashes(one_name)))
    assert "fix: first give each checkout its own project name and container names of its own (above)" in text


def test_doctor_ports_reads_the_variable_of_each_checkout(tmp_path: Path) -> None:
    from doctor.portmap_checkout import checkout

    project_at(tmp_path / "linkding", LINKDING)
    host = SimpleNamespace(ports=SimpleNamespace(busy_ports=lambda protocol: set(), probe=lambda socket: ()))
    found = checkout(tmp_path / "linkding", "linkding", "worktree", "master", None, {}, {}, host,  # type: ignore[arg-type]
                      {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert found.containers == ("linkding",) and found.named_by == (("linkding", "LD_CONTAINER_NAME"),)
