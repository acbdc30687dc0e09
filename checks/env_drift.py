"""env-drift: variables compose needs with no value or default; .env.example keys missing from .env."""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.lazyre import lazy
from doctor.model import Check, Edit, Finding, Fix, Location, Safety, Severity
from doctor.project import Project
from doctor.project.envfile import parse_env_text, read_env_file
from doctor.project.reading import ENV_LIMIT, read_bytes, read_text
from doctor.project.types import EnvEntry, EnvFile, EnvSource

# where an empty value breaks the stack, and how
BREAKS = {
    "image": "the image reference is invalid or another tag",
    "container_name": "the container gets no name or a clashing one",
    "ports": "the port mapping is invalid",
    "volumes": "the mount source or target is wrong",
    "context": "the build context is wrong",
    "dockerfile": "the Dockerfile path is wrong",
    "env_file": "the env file path is wrong",
    "hostname": "the container gets no hostname",
}
KEY = lazy(r"\s*-?\s*([A-Za-z_][\w.-]*)\s*:(?:\s|$)")
# where compose passes the empty string on and the app may treat it as unset
# a service env file's template beside it: backend/.env -> backend/.env.example
TEMPLATE_SUFFIXES = (".example", ".sample", ".dist", ".template")
OPTIONAL = frozenset({"environment", "labels", "args", "command", "entrypoint", "healthcheck", "test"})


class EnvDrift(Check):
    """variables compose needs with no value or default; keys in .env.example missing from .env

    What it finds
        A `${VAR}` (or `$VAR`) in a compose file that is set neither in the shell nor in
        `.env` and has no default, and keys of `.env.example` (or `.env.sample`, `.env.dist`...)
        that the developer's `.env` lacks. `${VAR:-}`, `${VAR-default}` and `${VAR:?message}`
        are deliberate and not findings; a key set in the shell counts as set. An unset variable
        is an error where the empty value breaks something (an image tag, a port, a volume
        source, `container_name`, a build path), info where compose only passes an empty
        optional value on (a label, or an `environment:` value the template itself leaves
        empty, like `SENTRY_DSN=`), a warning otherwise; compose warns about each too. A variable
        only a service of a profile that is off uses is info: nothing that starts breaks. The
        template is compared with `.env` only when compose reads `.env` (the files in use
        interpolate a variable for a service that starts, or a service loads it as env_file).
        A service's own env file (`env_file: ./backend/.env`) is compared the same way with the
        template beside it (`backend/.env.example`, `.sample`, `.dist`, `.template`), except for
        keys the service's `environment:` or another of its env files sets; such a file never
        copied from its template (compose stops: "env file not found") is an error.

    Why it matters
        compose only warns and substitutes an empty string, so the stack starts with an empty
        password, a port mapping of ":5432" or an image tag of "app:" and fails somewhere far
        from the cause. A key added to `.env.example` by a teammate and missing from an old
        `.env` is the usual source.

    Example
        compose.yaml:12  'SENTRY_DSN' is not set and has no default: compose substitutes ''

    Fix
        Append the key to `.env` (or the service's env file) as the template writes it (every
        line of a multi-line quoted value, byte for byte), marked with a comment `# added by doctor from .env.example`;
        advice only when `.env` would not read back as before plus that entry (it ends inside an
        open quote). For a variable the example does not list, set it in `.env` or give it a
        default (`${VAR:-value}`). A missing `.env` or service env file is copied whole from its
        template.

    Fix safety
        Safe: the fix only appends a line to `.env` (backed up first when git does not track it);
        no existing line changes.
    """

    id = "env-drift"
    fix_family = "env"
    severity = Severity.WARNING

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        model = project.compose
        example, dotenv = project.env_example, project.dotenv
        present = set(dotenv.as_dict()) if dotenv is not None else set()
        shell = set(project.options.env)
        dotenv_path = dotenv.path if dotenv is not None else model.project_dir / ".env"
        reported: set[str] = set()
        keys = _Keys()
        # a use inside a service its profiles leave off breaks nothing that starts (compose still warns)
        off = set(model.disabled_services)
        # which service each use sits in matters only when some service is off (a pass over the file)
        owners = (_services_of([u.location for u in model.variable_uses]) if off
                  else [None] * len(model.variable_uses))
        uses = sorted(zip(model.variable_uses, owners, strict=True), key=lambda pair: pair[1] in off)
        live_uses = [u for u, owner in uses if owner not in off]
        for use, owner in uses:
            is_set = use.is_set if use.is_set is not None else use.name in model.variables
            if use.has_default or use.required or is_set or use.name in reported:
                continue
            reported.add(use.name)
            entry = example.entry(use.name) if example is not None else None
            key = keys.of(use.location)
            # optional: the template itself leaves it empty (SENTRY_DSN=), or a label
            optional = key == "labels" or (key in OPTIONAL and entry is not None and not entry.value)
            severity = Severity.ERROR if key in BREAKS else Severity.INFO if optional else None
            message = f"'{use.name}' is not set and has no default: compose substitutes ''"
            if key in BREAKS:
                message += f" in {key}: {BREAKS[key]}"
            elif key in OPTIONAL:
                message = f"'{use.name}' is not set: compose passes an empty {key} value on (and warns too)"
            if owner in off:
                severity = Severity.INFO
                message = (f"'{use.name}' is not set and has no default: only '{owner}' uses it, which its "
                           "profiles leave off (compose warns too)")
            if entry is not None and example is not None and dotenv is None:
                fix = Fix(f"copy {example.path.name} to .env", Safety.ADVICE)
            elif entry is not None and example is not None:
                fix = _append_fix(example, entry, dotenv_path)
            else:
                title = f"set {use.name} in .env or give it a default (${{{use.name}:-value}})"
                fix = Fix(title, Safety.ADVICE)
            yield self.finding(message, use.location, use.name, fix, severity)
        # the template matters only where compose reads .env: interpolation or an env_file
        reads_dotenv = bool(live_uses) or any(
            dotenv_path in s.env_files for s in model.services.values())
        if example is not None and example.path != dotenv_path and reads_dotenv:
            if dotenv is None:
                yield from self._no_dotenv(example, dotenv_path, shell)
            else:
                for entry in example.entries:
                    if entry.key in present or entry.key in shell or entry.key in reported:
                        continue
                    reported.add(entry.key)
                    message = f"'{entry.key}' from {example.path.name} is missing from .env"
                    location = Location(example.path, entry.line)
                    yield self.finding(message, location, entry.key, _append_fix(example, entry, dotenv_path))
        yield from self._env_file_templates(project, dotenv_path)

    def _env_file_templates(self, project: Project, dotenv_path: Path) -> Iterator[Finding]:
        """A service's own env_file (`backend/.env`) against the template beside it
        (`backend/.env.example`): keys a teammate added there that this copy lacks. A key the
        service's `environment:` or another of its env files sets is not missing."""
        root = project.compose.project_dir
        users: dict[Path, list[str]] = {}
        for name, service in sorted(project.compose.services.items()):
            for path in service.env_files:
                if path != dotenv_path and (path.is_file() or path not in service.optional_env_files):
                    users.setdefault(path, []).append(name)
        for path, names in users.items():
            example = next((t for t in (_template(path, s) for s in TEMPLATE_SUFFIXES) if t is not None), None)
            if example is None or not example.entries:
                continue
            if not path.is_file():  # compose stops: "env file not found"; the template is the copy to make
                yield from self._never_copied(example, path, names, root)
                continue
            have = set(read_env_file(path, lookup=project.options.env).as_dict())
            for name in names:
                service = project.compose.services[name]
                have |= {k for k, v in service.environment.items() if v.source is EnvSource.ENVIRONMENT}
                have |= {k for other in service.env_files if other != path and other.is_file()
                         for k in read_env_file(other, lookup=project.options.env).as_dict()}
            shown, target = _rel(example.path, root), _rel(path, root)
            whose = ", ".join(repr(n) for n in names)
            for entry in example.entries:
                if entry.key in have:
                    continue
                message = f"'{entry.key}' from {shown} is missing from {target} (env_file of {whose})"
                fix = _append_fix(example, entry, path, target, shown)
                yield self.finding(message, Location(example.path, entry.line), f"{target}:{entry.key}", fix)


    def _never_copied(self, example: EnvFile, path: Path, names: list[str], root: Path) -> Iterator[Finding]:
        try:
            text = read_text(example.path, ENV_LIMIT, errors="strict")
        except (OSError, UnicodeDecodeError):
            return
        shown, target = _rel(example.path, root), _rel(path, root)
        whose = ", ".join(repr(n) for n in names)
        keys = [e.key for e in example.entries]
        message = (f"there is no {target}: {whose} loads it and {shown} lists {len(keys)} keys for it "
                   f"('{keys[0]}', ...)")
        fix = Fix(f"copy {shown} to {target}", Safety.SAFE, (Edit(path, "", text),))
        yield self.finding(message, Location(example.path, example.entries[0].line), target, fix, Severity.ERROR)

    def _no_dotenv(self, example: EnvFile, dotenv: Path, shell: set[str]) -> Iterator[Finding]:
        """One finding for a .env never created from its template, not one per key."""
        keys = [e.key for e in example.entries if e.key not in shell]
        if not keys or os.path.lexists(dotenv):  # one that cannot be read (a FIFO): compose-config says why
            return
        try:
            text = read_text(example.path, ENV_LIMIT, errors="strict")
        except (OSError, UnicodeDecodeError):
            return
        message = f"there is no .env: {example.path.name} lists {len(keys)} keys for it ('{keys[0]}', ...)"
        edit = Edit(dotenv, "", text)
        fix = Fix(f"copy {example.path.name} to .env", Safety.SAFE, (edit,))
        yield self.finding(message, Location(example.path, example.entries[0].line), ".env", fix)


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

    def of(self, location: Location | None) -> str | None:
        """Its own line's key when it is a known one, else the nearest parent key (`ports:` above
        `- "${PORT}:80"`, `environment:` above `KEY: ${KEY}`)."""
        if location is None or location.line is None:
            return None
        lines, parent = self._index(location.path)
        if not 0 < location.line <= len(lines):
            return None
        own = KEY.match(lines[location.line - 1])
        if own and own.group(1) in (BREAKS.keys() | OPTIONAL):
            return own.group(1)
        above = parent[location.line - 1]
        found = KEY.match(lines[above]) if above >= 0 else None
        return found.group(1) if found else None


def _template(path: Path, suffix: str) -> EnvFile | None:
    candidate = path.with_name(path.name + suffix)
    return read_env_file(candidate) if candidate.is_file() else None


def _rel(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()


def _append_fix(example: EnvFile, entry: EnvEntry, dotenv: Path, target: str = ".env", shown: str = "") -> Fix:
    """Append the example's own text for the key to .env, after a comment saying where it came from.

    The entry is copied as it stands in the example, every line of a multi-line quoted value
    byte for byte (compose keeps a CR inside quotes, so those lines are a byte edit: the
    fixer's line-ending rewrite would change the value). The fix is offered only when .env with
    the addition still reads as before plus this one entry, with the example's value; else advice.
    """
    shown = shown or example.path.name
    title = f"add {entry.key} to {target} from {shown}"
    statement = _statement(example.path, entry)
    try:
        data = read_bytes(dotenv, ENV_LIMIT)
    except OSError:
        data = b""
    crlf = data.count(b"\r\n") * 2 > data.count(b"\n") > 0
    eol = "\r\n" if crlf else "\n"
    comment = f"# added by doctor from {shown}"
    lead = eol if data and not data.endswith(b"\n") else ""
    added = f"{lead}{comment}{eol}{statement}{eol}" if statement is not None else ""
    if statement is None or not _adds_only(data, added, entry, dotenv):
        advice = f"add {entry.key} to {target} by hand, copying its lines from {shown}"
        return Fix(advice, Safety.ADVICE)
    if "\n" not in statement:
        text = f"{comment}\n{statement}\n"
        if lead:
            text = "\n" + text
        return Fix(title, Safety.SAFE, (Edit(dotenv, "", text),))
    return Fix(title, Safety.SAFE, (Edit(dotenv, b"", added.encode("utf-8", "surrogateescape")),))


def _statement(path: Path, entry: EnvEntry) -> str | None:
    """The entry's text in its file: from its line's start (indentation dropped) to the end of its
    value, with the rest of the last line when that is only a comment; None when it cannot be found.
    """
    try:
        text = read_bytes(path, ENV_LIMIT).decode("utf-8", "surrogateescape")
    except OSError:
        return None
    text = text.removeprefix("\ufeff")
    starts = [0, *(i + 1 for i, ch in enumerate(text) if ch == "\n")]
    if not 0 < entry.line <= len(starts):
        return None
    begin = starts[entry.line - 1]
    line_end = text.find("\n", begin)
    first = text[begin: len(text) if line_end < 0 else line_end].rstrip("\r")
    if not first.lstrip().startswith((entry.key, f"export {entry.key}")):
        return None
    if entry.raw[:1] not in ("'", '"') or "\n" not in entry.raw:
        return first.strip()  # one line: the whole line as written, comment included
    at = text.find(entry.raw, begin)
    if at < 0:
        return None
    end = at + len(entry.raw)
    rest_end = text.find("\n", end)
    rest = text[end: len(text) if rest_end < 0 else rest_end].rstrip("\r")
    statement = text[begin:end].lstrip()
    if not rest.strip() or rest.lstrip().startswith("#"):
        statement += rest.rstrip()
    return statement


def _adds_only(data: bytes, added: str, entry: EnvEntry, dotenv: Path) -> bool:
    """Whether .env plus `added` parses (compose's rules) as .env's entries plus this one entry."""
    before = parse_env_text(data.decode("utf-8", "surrogateescape"), dotenv)
    after = parse_env_text(data.decode("utf-8", "surrogateescape") + added, dotenv)
    expected = [(e.key, e.raw) for e in before.entries] + [(entry.key, entry.raw)]
    return [(e.key, e.raw) for e in after.entries] == expected and len(after.problems) == len(before.problems)
