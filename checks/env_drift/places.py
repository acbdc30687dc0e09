"""Where env-drift's unset variables are used: the service of a location, and the compose key a
`${VAR}` sits under (an empty `image:` breaks the stack, an empty `environment:` value may not)."""

from __future__ import annotations

from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Fix, Location, Safety, Severity
from doctor.project.buildmissing import PLACEHOLDER_PATH
from doctor.project.reading import ENV_LIMIT, read_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from doctor.project import Project
    from doctor.project.types import EnvEntry, EnvFile, Service

# where an empty value breaks the stack, and how
BREAKS = {
    "image": "the image reference is invalid or another tag",
    "container_name": "the container gets no name or a clashing one",
    "ports": "the port mapping is invalid",
    "volumes": "the mount source or target is wrong",
    "context": "the build context is wrong",
    "dockerfile": "the Dockerfile path is wrong",
    "env_file": "the env file path is wrong",
}
# where compose drops the key an empty value leaves (checked on v2.40.3: `hostname: "$HOSTNAME"`
# with HOSTNAME unset, which most shells do not export, starts the container with its ID as its
# hostname): nothing breaks on up, the value meant is lost
DROPS = {
    "hostname": "compose drops it, and the container's hostname is its ID",
}
# where compose passes the empty string on and the app may treat it as unset
OPTIONAL = frozenset({"environment", "labels", "args", "command", "entrypoint", "healthcheck", "test"})
KEY = lazy(r"\s*-?\s*([A-Za-z_][\w.-]*)\s*:(?:\s|$)")
COMMENTED_KEY = lazy(r"\s*#+\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*=")  # `# STORAGE_S3_REGION=eu-west3`


def _services_of(locations: list[Location | None]) -> list[str | None]:
    """The service each `${VAR}` sits in (`services:` > NAME > ...), from its file's indentation.

    One pass over each file for all its uses (walking up from every use was quadratic: 3,200
    uses in a 2,000-service file took a minute): the nearest lines above with ever smaller
    indentation are the entries of a stack kept while reading down.
    """
    owners: list[str | None] = [None] * len(locations)
    by_file: dict[Path, list[tuple[int, int]]] = {}
    for index, location in enumerate(locations):
        if location is not None and location.line is not None:
            by_file.setdefault(location.path, []).append((location.line, index))
    for path, wanted in by_file.items():
        lines = _lines(Location(path))
        wanted.sort()
        stack: list[tuple[int, str]] = []  # (indentation, key) of the open ancestors, indentation rising
        done = 0  # lines read into the stack
        for line, index in wanted:
            if not 0 < line <= len(lines):
                continue
            for above in lines[done:line - 1]:
                stripped = above.lstrip()
                if not stripped or stripped.startswith("#"):
                    continue
                depth = len(above) - len(stripped)
                while stack and stack[-1][0] >= depth:
                    stack.pop()
                found = KEY.match(above)
                stack.append((depth, found.group(1) if found else ""))
            done = max(done, line - 1)
            own = lines[line - 1]
            indent = len(own) - len(own.lstrip())
            chain = [key for depth, key in stack if depth < indent]
            owners[index] = chain[1] if len(chain) >= 2 and chain[0] == "services" else None
    return owners


def _lines(location: Location | None) -> list[str]:
    if location is None:
        return []
    try:
        return read_text(location.path, ENV_LIMIT).splitlines()
    except OSError:
        return []


class _Keys:
    """The compose key each `${VAR}` of a run sits under, each file read and indexed once.

    `parent[i]` is the line the key of line i comes from when its own is no known key: the
    nearest line above (not blank, not a comment) that is less indented, or as indented and no
    `- item` when line i is one. With v = 2 * indentation + (1 for an item) that is the nearest
    line above with a smaller v: one pass with a stack for the whole file (reading the file
    and walking up from every unset variable was quadratic in them).
    """

    def __init__(self) -> None:
        self._files: dict[Path, tuple[list[str], list[int]]] = {}

    def _index(self, path: Path) -> tuple[list[str], list[int]]:
        if path not in self._files:
            from bisect import bisect_left  # here: a run that places no finding needs no bisect

            lines = _lines(Location(path))
            parent = [-1] * len(lines)
            ranks: list[int] = []  # v of the candidate lines on the stack, strictly rising
            stack: list[int] = []  # their line indexes
            for index, text in enumerate(lines):
                stripped = text.lstrip()
                rank = 2 * (len(text) - len(stripped)) + stripped.startswith("-")
                if not stripped or stripped.startswith("#"):  # no candidate: look, do not pop
                    below = bisect_left(ranks, rank)
                    parent[index] = stack[below - 1] if below else -1
                    continue
                while ranks and ranks[-1] >= rank:
                    ranks.pop()
                    stack.pop()
                parent[index] = stack[-1] if stack else -1
                ranks.append(rank)
                stack.append(index)
            self._files[path] = (lines, parent)
        return self._files[path]

    def commented_out(self, template: Path) -> set[str]:
        """The keys a .env template mentions only in a comment (`# KEY=value`): optional ones."""
        lines, _ = self._index(template)
        return {m.group(1) for m in map(COMMENTED_KEY.match, lines) if m}

    def of(self, location: Location | None) -> str | None:
        """Its own line's key when it is a known one, else the nearest parent key (`ports:` above
        `- "${PORT}:80"`, `environment:` above `KEY: ${KEY}`)."""
        if location is None or location.line is None:
            return None
        lines, parent = self._index(location.path)
        if not 0 < location.line <= len(lines):
            return None
        own = KEY.match(lines[location.line - 1])
        if own and own.group(1) in (BREAKS.keys() | DROPS.keys() | OPTIONAL):
            return own.group(1)
        above = parent[location.line - 1]
        found = KEY.match(lines[above]) if above >= 0 else None
        return found.group(1) if found else None


# where compose opens such a value as a path on this machine, and what fails
# (a build context or Dockerfile, and an env_file, compose-config reports: `up` fails there, and its
# advice names the variable to set)
PATH_KEYS = {"volumes": ("mounts it (docker creates it root-owned)", Severity.WARNING)}


def placeholder_paths(project: Project, dotenv: EnvFile, example: EnvFile) -> list[tuple[str, Severity, Fix, Location]]:
    """The `.env` values still the template's placeholder path where compose opens them as one (a
    build context, a Dockerfile, an env_file, a bind source): `doctor fix` copied the template (wger's
    `WGER_CODEPATH=/path/to/wger/server`), and the folder to point at is the user's to name. Each is
    (message, severity, advice, the `.env` line): the setting to make, not a folder to create."""
    template = {e.key: e.value for e in example.entries}
    copied = {e.key: e for e in dotenv.entries if template.get(e.key) == e.value and PLACEHOLDER_PATH.match(e.value)}
    uses = [u for u in project.compose.variable_uses if u.name in copied and u.location is not None]
    keys, found = _Keys(), {}
    for use, owner in zip(uses, _services_of([u.location for u in uses]), strict=True):
        key = keys.of(use.location)
        if key in PATH_KEYS and use.name not in found:
            found[use.name] = _placeholder(project, dotenv.path, copied[use.name], key, owner)
    return list(found.values())


def _placeholder(project: Project, dotenv: Path, entry: EnvEntry, key: str,
                 owner: str | None) -> tuple[str, Severity, Fix, Location]:
    where = f"{project.shown(dotenv)}:{entry.line}"
    what, severity = PATH_KEYS[key]
    whose = repr(owner) if owner else "compose"
    message = f"{entry.key}={entry.value} is the template's placeholder: {whose} {what}"
    # `/path/to/wger/server`: the wger checkout; a bind source or env file: the path on this machine
    named = entry.value.partition("path/to/")[2].split("/")[0]
    target = f"your {named} checkout" if named and key in ("context", "dockerfile") else "its path on this machine"
    fix = Fix(f"set {entry.key} to {target} in {where}", Safety.ADVICE)
    return message, severity, fix, Location(dotenv, entry.line)


def empty_arg_builds_alike(services: Mapping[str, Service], use_at: Location | None) -> Path | None:
    """The Dockerfile that builds alike with the build arg at `use_at` empty or unset (every build
    taking it declares `ARG NAME` with no default, or none at all: langfuse's
    `NEXT_PUBLIC_LANGFUSE_CLOUD_REGION`, which its Dockerfile tests with `[ -n "$..." ]`), else None
    (a default the empty value would replace, a Dockerfile doctor cannot read, a remote context)."""
    from doctor.project.dockerfile import parsed_instructions
    from doctor.project.reading import read_regular_text

    if use_at is None:
        return None
    found: Path | None = None
    for service in services.values():
        build = service.build
        if build is None:
            continue
        for name, _value, where in build.args:
            if where is None or (where.path, where.line) != (use_at.path, use_at.line):
                continue
            path = build.dockerfile_path
            text = read_regular_text(path) if path is not None else None
            if path is None or text is None:
                return None
            for ins in parsed_instructions(text):
                if ins.keyword == "ARG" and any(
                        word.partition("=")[0] == name and word.partition("=")[2].strip("\"'")
                        for word in ins.args.split()):
                    return None  # `ARG NAME=value`: an empty build arg replaces that default
            found = path
    return found
