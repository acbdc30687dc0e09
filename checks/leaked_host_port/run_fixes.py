"""leaked-host-port's fixes of a dial written in a compose file: the port mapping's container side
(target_fix), the address an entrypoint, command or healthcheck writes (rewrite_run), and the `.env`
variable it interpolates as that port (through_dotenv)."""

from __future__ import annotations

import re

from doctor.model import Edit, Fix, Location, Safety
from doctor.project import Project
from doctor.project.types import Service

from .run_dials import LocalRunDial, RunDial


def through_dotenv(project: Project, service: Service, run: RunDial | LocalRunDial) -> tuple[Location, Fix] | None:
    """Where the dialed port is a `.env` variable the part interpolates (DefectDojo's entrypoints
    `'${DD_DATABASE_HOST:-postgres}:${DD_DATABASE_PORT:-5432}'` with `DD_DATABASE_PORT=5433`, the
    port postgres is published on): that `.env` line, one finding for every service whose part
    reads it, and advice: the part must dial the port inside the network, the variable stays the
    host's."""
    from doctor.project.edits import line_text
    from doctor.project.keyat import service_key_at

    dotenv = project.dotenv
    key = service_key_at(project, service.name, *(("healthcheck", "test") if run.part == "healthcheck" else
                                                   (run.part,)))
    if dotenv is None or key is None or key.line is None or not isinstance(run, RunDial):
        return None
    # the variable written as the dialed address's port: after `host:`, or after the `${...}` that
    # writes the host (`${DD_DATABASE_HOST:-postgres}:${DD_DATABASE_PORT:-5432}`); never a `$$NAME`,
    # the container's own variable
    address = re.compile(rf"(?:(?<![\w.-]){re.escape(run.host)}|\}})\s*:\s*(?<!\$)\$\{{?([A-Za-z_][A-Za-z0-9_]*)")
    indent = (key.column or 1) - 1
    for number in range(key.line, key.line + 40):
        text = line_text(key.path, number)
        if text is None or (number > key.line and text.strip() and len(text) - len(text.lstrip(" ")) <= indent
                            and not text.lstrip().startswith("- ")):
            break
        for found in address.finditer(text):
            entry = dotenv.entry(found[1])
            if entry is not None and entry.value == str(run.port):
                title = (f"make the {run.part} dial {run.server}:{run.target}, its port inside the network, not "
                         f"${{{entry.key}}} ({entry.key}={run.port} in {project.shown(dotenv.path)} is the host port "
                         f"'{run.server}' is published on: keep it for that side)")
                return Location(dotenv.path, entry.line), Fix(title, Safety.ADVICE)
    return None


def target_fix(at: Location | None, raw: str, listens: int, title: str) -> Fix:
    """The mapping's container side rewritten as the port the server listens on, on its line (`target:
    ${DD_DATABASE_PORT:-5432}`, or the part after the last colon of `"${DB_PORT:-5432}:${DB_PORT:-5432}"`),
    asked; advice where the line writes it otherwise."""
    from doctor.project.edits import line_text

    text = line_text(at.path, at.line) if at is not None and at.line is not None else None
    if at is None or text is None or not raw:
        return Fix(title, Safety.ADVICE)
    found = list(re.finditer(re.escape(raw), text))
    long_form = re.search(r"(?<![\w-])target\s*:", text) is not None
    if long_form and len(found) == 1:
        chosen = found[0]
    elif not long_form and found and text[:found[-1].start()].rstrip().endswith(":"):
        chosen = found[-1]  # the short form's container side comes last
    else:
        return Fix(title, Safety.ADVICE)
    edit = Edit(at.path, text, text[:chosen.start()] + str(listens) + text[chosen.end():], at.line)
    return Fix(title, Safety.UNSAFE, (edit,))


def rewrite_run(project: Project, service: Service, run: RunDial | LocalRunDial) -> tuple[Location | None, Fix]:
    """The line of the service's entrypoint, command or healthcheck that writes the dialed
    address, and the fix: that address rewritten on its line (`/dev/tcp/localhost/5432` ->
    `/dev/tcp/db/5432`, as written), asked; advice where the line is not found or holds it
    twice (an anchor's line, a variable's value)."""
    from doctor.project.edits import line_text
    from doctor.project.interpolate import InterpolationError, as_lookup, substitute
    from doctor.project.keyat import written_in

    # the port as a literal, or as a project variable compose interpolates to it (`db:${DB_PORT:-5432}`
    # with DB_PORT=5433 in .env); never a `$${NAME}`, the container's own variable
    variable = r"(?<!\$)\$\{[A-Za-z_][A-Za-z0-9_]*(?:[:?+=-][^}]*)?\}|(?<!\$)\$[A-Za-z_][A-Za-z0-9_]*"
    word = rf"(?<![\w.-]){re.escape(run.host)}([:\s/])({run.port}\b|{variable})"
    at = written_in(project, service, run.part, word) if run.host and ":" not in run.host else None
    text = line_text(at.path, at.line) if at is not None else None
    lookup = as_lookup(project.compose.variables)
    found = []
    for match in re.finditer(word, text or ""):
        try:
            port = substitute(match[2], lookup)[0]
        except InterpolationError:
            continue
        if port == str(run.port):
            found.append(match)
    if at is None or text is None or len(found) != 1:  # not written there, or twice on one line: advice
        return None, Fix(run.title, Safety.ADVICE)
    sep, written = found[0][1], found[0][0]
    new = f"{run.server}{sep}{run.target}"
    title = f"write {new} in place of {written} in the {run.part} of '{run.service}'"
    if written != f"{run.host}{sep}{run.port}":  # the variable keeps the host side (the published port)
        title += " (its port inside the network: the variable stays the host side's)"
    edit = Edit(at.path, text, text[:found[0].start()] + new + text[found[0].end():], at.line)
    return at, Fix(title, Safety.UNSAFE, (edit,))
