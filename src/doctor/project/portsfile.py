"""A worktree's own `compose.ports.yaml`: its block of the port plan, where compose files are tracked.

With worktrees side by side (doctor.host.portregistry.side_by_side), a worktree's moved port may
not go into a file git tracks (portplan.untracked_edits: every other track would inherit it on
merge). Where the files that publish the ports are tracked, `doctor fix --ports` writes them to
this file instead: `ports: !override` lists, each entry's interface, container port and protocol
kept; git ignores it (info/exclude, which the worktrees of a repository share: a rule naming
the file fits all of them), and compose reads it through COMPOSE_FILE: set in `.env` when git
does not track that, else exported in the worktree's shell (the one step printed).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from doctor.project.digits import written_number

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

PORTS_FILE = "compose.ports.yaml"
HEADER = ("# Written by `doctor fix --ports`: this worktree's own host ports (its block of the port plan).\n"
          "# git ignores it (info/exclude); compose reads it through COMPOSE_FILE.\n")

Spec = str | dict[str, object]


def read_plan(path: Path) -> dict[str, list[Spec]]:
    """The ports lists the file gives each service ({} when absent or not doctor's shape)."""
    from doctor import regular
    from doctor.project.yamlimport import yaml  # PyYAML as every doctor module takes it (its lean import)

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_constructor("!override", lambda loader, node: loader.construct_sequence(node))  # type: ignore[arg-type]
    try:
        data = yaml.load(regular.read_text(path), Loader=_Loader)  # a regular file, bounded: never a FIFO
    except (OSError, yaml.YAMLError):
        return {}
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, dict):
        return {}
    return {str(name): list(body["ports"]) for name, body in services.items()
            if isinstance(body, dict) and isinstance(body.get("ports"), list)}


def render(plan: Mapping[str, Sequence[Spec]]) -> str:
    """The file's text: each service's list tagged `!override` (compose appends an override's ports
    to the base list otherwise, and the committed port would stay)."""
    lines = [HEADER.rstrip("\n"), "services:"]
    for service in sorted(plan):
        lines += [f"  {json.dumps(service)}:", "    ports: !override"]
        for spec in plan[service]:
            if isinstance(spec, dict) and spec:  # block YAML in the entry's own key order, as a long entry is written
                lines += [f"{'      - ' if at == 0 else '        '}{_scalar(key)}: {_scalar(value)}"
                          for at, (key, value) in enumerate(spec.items())]
            else:
                lines.append(f"      - {json.dumps(spec)}")
    return "\n".join(lines) + "\n"


# the YAML 1.1 words a plain scalar would turn into a boolean or null (a compose reader of YAML 1.1 included)
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})


def _scalar(value: object) -> str:
    """A value of a long entry as YAML: a number bare, a word plain (`tcp`, `host`), any other string quoted
    (the published port `"20004"`, `127.0.0.1`), as the JSON text YAML reads as the same string."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    plain = value.isascii() and value[:1].isalpha() and value.replace("_", "").replace("-", "").isalnum()
    return value if plain and value.lower() not in _YAML_WORDS else json.dumps(value)


def entry_key(spec: Spec) -> tuple[str, str, str]:
    """(interface, container port, protocol) of a ports entry: what stays when its host port moves."""
    if isinstance(spec, dict):
        return (str(spec.get("host_ip") or ""), str(spec.get("target")), str(spec.get("protocol") or "tcp"))
    from doctor.project.ports import last_colon

    text, _, protocol = str(spec).partition("/")
    cut = last_colon(text)
    target = text[cut + 1:] if cut >= 0 else text
    head = text[:cut] if cut >= 0 else ""
    cut = last_colon(head)
    ip = head[:cut].strip("[]") if cut >= 0 else ""
    return ip, target, protocol or "tcp"


def host_port(spec: Spec) -> int | None:
    """The single host port a ports entry publishes (None for a range or none)."""
    if isinstance(spec, dict):
        published = str(spec.get("published") or "")
    else:
        from doctor.project.ports import last_colon

        text = str(spec).partition("/")[0]
        cut = last_colon(text)
        head = text[:cut] if cut >= 0 else ""
        cut = last_colon(head)
        published = head[cut + 1:] if cut >= 0 else head
    return written_number(published)


def with_service(plan: Mapping[str, Sequence[Spec]], service: str, specs: Sequence[Spec],
                 moved: Sequence[Spec]) -> dict[str, list[Spec]]:
    """The plan with `service`'s list set to `specs`; an entry the file already moved (while compose
    does not read it yet: the export pending) keeps its planned host port, unless it is one of `moved`."""
    mine = {entry_key(s) for s in moved}
    before = {entry_key(s): s for s in plan.get(service, ())}
    merged = [s if entry_key(s) in mine or entry_key(s) not in before else before[entry_key(s)] for s in specs]
    return {**{k: list(v) for k, v in plan.items()}, service: merged}


def compose_file_value(root: Path, files: Sequence[Path], env: Mapping[str, str]) -> str:
    """COMPOSE_FILE naming the files compose reads now (relative to `root` where inside it) and the
    ports file last, joined with COMPOSE_PATH_SEPARATOR (else the platform's)."""
    separator = env.get("COMPOSE_PATH_SEPARATOR") or os.pathsep
    names = [f.relative_to(root).as_posix() if f.is_relative_to(root) else str(f) for f in files]
    if PORTS_FILE not in names:
        names.append(PORTS_FILE)
    return separator.join(names)


def reads_plan(files: Sequence[Path], root: Path) -> bool:
    """Whether compose reads the worktree's ports file now."""
    return any(f.resolve() == (root / PORTS_FILE).resolve() for f in files)


def exclude_path(root: Path, project: Project | None = None) -> Path | None:
    """The info/exclude every worktree of `root`'s repository shares (`git rev-parse --git-path info/exclude`);
    `project`: the project whose folder `root` may be (gitrepo.repo_of)."""
    from doctor.project.gitrepo import repo_of

    repo = repo_of(root, project)
    return None if repo is None else repo.common_dir / "info" / "exclude"


def planned_ports(root: Path) -> list[int]:
    """The single host ports the checkout's ports file publishes, sorted ([] without one)."""
    path = root / PORTS_FILE
    found = {host_port(s) for specs in (read_plan(path) if path.is_file() else {}).values() for s in specs}
    return sorted(p for p in found if p is not None)


def plan_state(root: Path, files: Sequence[Path], env: Mapping[str, str]) -> tuple[str, str]:
    """What `doctor ports` says of a checkout's ports file ("" when it has none: the fix wrote none), and
    the COMPOSE_FILE still to export there ("" once compose reads the file)."""
    if not (root / PORTS_FILE).is_file():
        return "", ""
    if reads_plan(files, root):
        return f"{PORTS_FILE} holds its block of the port plan, and compose reads it", ""
    value = compose_file_value(root, files, env)
    line = f"{PORTS_FILE} holds its block of the port plan: compose reads it once you export COMPOSE_FILE={value}"
    return line, value
