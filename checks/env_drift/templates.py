"""env-drift's findings about env files and their templates (`.env` and `.env.example`, a service's
`backend/.env` and `backend/.env.example`): the keys a template lists that the env file lacks, and
one finding for an env file never copied from its template. TemplateFindings is EnvDrift's base
class (the check, its id and its documentation stay in __init__.py); _Target is an env file compose
interpolates from, as the run reads it, and _template_of finds the template beside an env file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from doctor.model import Check, Edit, Finding, Fix, Location, Safety, Severity, and_list
from doctor.project import Project, real_path, template_names
from doctor.project.env_nul import reads_as_none
from doctor.project.envfile import read_env_file
from doctor.project.reading import ENV_LIMIT, is_file, read_text
from doctor.project.types import EnvFile, EnvSource, VariableUse

from .fix import _append_fix, _rel, _template
from .loaders import load_it, loaders, reaches_app, skipped_by
from .places import placeholder_paths


class TemplateFindings(Check):
    """The env-drift findings that compare an env file with its template (EnvDrift derives from it)."""

    def _template_keys(self, project: Project, target: _Target, live_uses: list[VariableUse], present: set[str],
                       shell: set[str], reported: set[str]) -> Iterator[Finding]:
        """The keys of an env file's template (`.env.example`) the env files compose reads lack
        (`present`), or one finding when the file was never copied from it."""
        dotenv_path, dotenv, example, env_filed = target.path, target.file, target.example, target.env_filed
        if example is None or dotenv_path is None or example.path == dotenv_path or not target.reads:
            return
        reaches = env_filed or target.made or reaches_app(project, dotenv_path)
        if dotenv is None:
            if os.path.lexists(dotenv_path):  # one that cannot be read (a FIFO): compose-config says why
                return
            if target.needed_by is not None:
                # compose stops without it (`env file .env not found`), as without backend/.env: an error
                # wherever it is, naming what needs it
                yield from self._never_copied(project, example, dotenv_path, target.needed_by)
                return
            # devstack's Drupal-era `.env.example` (XDEBUG_IP_ADDRESS) beside a compose file that
            # interpolates only ${COMPOSE_PROJECT_NAME:-devstack}: a .env made from it reaches nothing
            # (compose itself reads COMPOSE_PROJECT_NAME, COMPOSE_PROFILES, ... from .env)
            names = {u.name for u in live_uses}
            interpolated_any = any(e.key in names or e.key.startswith("COMPOSE_") for e in example.entries)
            if env_filed and not (target.made or reaches_app(project, dotenv_path) or interpolated_any):
                # loaded only with `required: false`, and nothing else reads it: compose skips it
                skipped = skipped_by(loaders(project, dotenv_path, required=False))
                yield from self._never_copied(project, example, dotenv_path, skipped, skipped=True)
                return
            used = env_filed or reaches or interpolated_any
            # maybe-finance's compose.example.yml: every key of the template it interpolates has a
            # default there (`${SECRET_KEY_BASE:-a7523c...}`, `${POSTGRES_PASSWORD:-maybe_password}`),
            # and the stack runs on them; a copy would put `secret-value` and `postgres` in their place
            interpolated = [e.key for e in example.entries if e.key in names]
            on_defaults = [] if env_filed or any(e.key.startswith("COMPOSE_") for e in example.entries) \
                else [k for k in interpolated if all(u.has_default for u in live_uses if u.name == k)]
            if on_defaults and len(on_defaults) < len(interpolated):
                on_defaults = []
            # karakeep's docker-compose.dev.yml binds the checkout (`..:/app`), so docker/.env would reach the
            # app, but compose sets each of the template's keys from a default of its own
            # (`${MEILI_ADDR:-http://meilisearch:7700}`), which the template's 127.0.0.1 would replace: a key
            # only .env gives the app keeps it a warning
            if reaches and on_defaults and any(e.key not in on_defaults for e in example.entries
                                               if e.key not in shell):
                on_defaults = []
            yield from self._no_dotenv(project, example, dotenv_path, shell, used, on_defaults)
            return
        # wger's dev/.env copied whole: `WGER_CODEPATH=/path/to/wger/server` is a setting to
        # make, not a folder to create (compose-config leaves such a build context to this)
        for message, severity, fix, location in placeholder_paths(project, dotenv, example):
            yield self.finding(message, location, f"placeholder:{message.partition('=')[0]}", fix, severity)
        for entry in example.entries:
            if entry.key in present or entry.key in shell or entry.key in reported:
                continue
            reported.add(entry.key)
            shown, into = project.shown(example.path), project.shown(dotenv_path)
            message = f"'{entry.key}' from {shown} is missing from {into}"
            if target.made and not env_filed and not any(u.name == entry.key for u in live_uses):
                message += " (the Makefile includes it: its targets run the app on the host with it)"
            location = Location(example.path, entry.line)
            fix = _append_fix(example, entry, dotenv_path, into, shown, project.root)
            defaulted = [u for u in live_uses if u.name == entry.key]
            if defaulted and all(u.has_default for u in defaulted) and not env_filed:
                # compose uses its own default today: the template's value (maybe-finance's
                # POSTGRES_PASSWORD=postgres over `${POSTGRES_PASSWORD:-maybe_password}`) would
                # change what a database volume was created with, so say so and edit nothing
                where = _where(project, defaulted[0].location)
                message += f": compose uses the default at {where} until it is set"
                fix = Fix(f"set {entry.key} in {into} only if the default at {where} is not the value "
                          "you want", Safety.ADVICE)
                yield self.finding(message, location, entry.key, fix, Severity.INFO)
                continue
            if not defaulted and not reaches:
                # maybe-finance's self-hosting compose reads .env only for ${POSTGRES_*}: its
                # SMTP_* keys reach no container from there (the template serves other setups)
                message += f" (no service loads {into}, and compose interpolates no ${{{entry.key}}})"
                yield self.finding(message, location, entry.key, fix, Severity.INFO)
                continue
            yield self.finding(message, location, entry.key, fix)

    def _env_file_templates(self, project: Project, compared: set[Path | None], templated: set[str],
                            appended: set[tuple[Path, str]]) -> Iterator[Finding]:
        """A service's own env_file (`backend/.env`) against the template beside it
        (`backend/.env.example`): keys a teammate added there that this copy lacks. One of the files
        compose interpolates from (`compared`), or a link to one already compared with its template
        (`templated`, real paths: formbricks' `apps/web/.env -> ../../.env`), is not compared again. A
        key the service's `environment:` or another of its env files sets is not missing, and one a
        finding about a service's `sh -c` already appends (`appended`) is not asked for twice."""
        root = project.compose.project_dir
        users: dict[Path, list[str]] = {}
        skipped: dict[Path, list[str]] = {}  # absent, loaded only with `required: false`
        for name, service in sorted(project.compose.services.items()):
            for path in service.env_files:
                if path in compared or real_path(path) in templated:
                    continue
                if is_file(path) or path not in service.optional_env_files:
                    users.setdefault(path, []).append(name)
                else:
                    skipped.setdefault(path, []).append(repr(name))
        for path, names in skipped.items():
            if path not in users and (example := _template_of(path)) is not None and example.entries:
                yield from self._never_copied(project, example, path, skipped_by(names), skipped=True)
        for path, names in users.items():
            example = _template_of(path)
            if example is None or not example.entries:
                continue
            if not is_file(path):  # compose stops: "env file not found"; the template is the copy to make
                yield from self._never_copied(project, example, path, load_it([repr(n) for n in names]))
                continue
            read = {p: read_env_file(p, lookup=project.options.env) for p in dict.fromkeys(
                [path, *(o for n in names for o in project.compose.services[n].env_files if o != path and is_file(o))])}
            if any(reads_as_none(f) for f in read.values()):
                continue  # one compose stops at (unreadable, UTF-16, binary): what it sets is not known
            have = set(read[path].as_dict())
            for name in names:
                service = project.compose.services[name]
                have |= {k for k, v in service.environment.items() if v.source is EnvSource.ENVIRONMENT}
                have |= {k for other in service.env_files if other in read and other != path
                         for k in read[other].as_dict()}
            shown, target = project.shown(example.path), project.shown(path)
            whose = ", ".join(repr(n) for n in names)
            for entry in example.entries:
                if entry.key in have or (path, entry.key) in appended:
                    continue
                message = f"'{entry.key}' from {shown} is missing from {target} (env_file of {whose})"
                fix = _append_fix(example, entry, path, target, shown, root)
                subject = f"{_rel(path, root)}:{entry.key}"  # the project's own path: stable wherever doctor runs
                yield self.finding(message, Location(example.path, entry.line), subject, fix)

    def _never_copied(self, project: Project, example: EnvFile, path: Path, who: str,
                      skipped: bool = False) -> Iterator[Finding]:
        """One finding for an env file never copied from its template, saying `who` reads it
        (loaders.needed_by, loaders.skipped_by): an error with the copy where compose stops without
        it, info with the copy as advice where compose skips it (`required: false`: the project
        runs without it by design, and the copy would change what the service gets)."""
        try:
            text = read_text(example.path, ENV_LIMIT, errors="strict")
        except (OSError, UnicodeDecodeError):
            return
        shown, target = project.shown(example.path), project.shown(path)
        keys = [e.key for e in example.entries]
        message = (f"there is no {target}: {who}{'; ' if skipped else ' and '}{shown} lists {_keys(keys)} for it "
                   f"('{keys[0]}', ...)")
        copy = Fix(f"copy {shown} to {target}", Safety.SAFE, (Edit(path, "", text),))
        if skipped:
            copy = Fix(f"copy {shown} to {target} if the service should get those keys (compose starts without it)",
                       Safety.ADVICE)
        fix = _made_by_make(project, path) or copy
        subject = _rel(path, project.root)  # the project's own path: stable wherever doctor runs
        severity = Severity.INFO if skipped else Severity.ERROR
        yield self.finding(message, Location(example.path, example.entries[0].line), subject, fix, severity)

    def _no_dotenv(self, project: Project, example: EnvFile, dotenv: Path, shell: set[str],
                   used: bool, defaulted: list[str]) -> Iterator[Finding]:
        """One finding for a .env never created from its template, not one per key: info when
        nothing would take a value from it (`used` false: compose interpolates none of its keys,
        and no service loads it as env_file or gets it through a mount or COPY), and info with
        advice where the keys compose interpolates from it all have compose defaults (`defaulted`):
        the stack runs on those, which a copy would replace with the template's values."""
        keys = [e.key for e in example.entries if e.key not in shell]
        if not keys or os.path.lexists(dotenv):  # one that cannot be read (a FIFO): compose-config says why
            return
        try:
            text = read_text(example.path, ENV_LIMIT, errors="strict")
        except (OSError, UnicodeDecodeError):
            return
        shown, target = project.shown(example.path), project.shown(dotenv)
        message = f"there is no {target}: {shown} lists {_keys(keys)} for it ('{keys[0]}', ...)"
        edit = Edit(dotenv, "", text)
        fix = _made_by_make(project, dotenv) or Fix(f"copy {shown} to {target}", Safety.SAFE, (edit,))
        severity = None
        if not used:  # the template serves another setup: a copy would change nothing here
            message += f" (no service loads {target}, and compose interpolates none of its keys)"
            severity = Severity.INFO
        elif defaulted:
            message += (f"; compose runs on its own defaults for {_listed(defaulted)}, which a copy would "
                        f"replace with {shown}'s values")
            fix = Fix(f"copy {shown} to {target} only to change those defaults, with values of your own "
                      "(a database volume keeps the credentials it was created with)", Safety.ADVICE)
            severity = Severity.INFO
        yield self.finding(message, Location(example.path, example.entries[0].line), ".env", fix, severity)


class _Target:
    """An env file compose interpolates from (`.env`, or one `--env-file` chose), as read (None:
    absent), with its template (`.env.example`), and how the run uses it."""

    __slots__ = ("copied_whole", "env_filed", "example", "file", "made", "needed_by", "path", "reads")

    def __init__(self, path: Path | None, file: EnvFile | None, example: EnvFile | None) -> None:
        self.path, self.file, self.example = path, file, example
        self.env_filed = False  # a service loads it as its env_file
        self.reads = False  # compose reads it: it interpolates a variable, or a service loads it
        self.copied_whole = False  # absent, and its template's copy is the fix
        self.made = False  # a Makefile includes it (doctor.project.make_env): its host-run targets get its keys
        self.needed_by: str | None = None  # absent, and what stops `up` without it (`'api' loads it`)


def _listed(keys: list[str], most: int = 3) -> str:
    """`SECRET_KEY_BASE, POSTGRES_PASSWORD and POSTGRES_USER`; past `most`, how many more."""
    if len(keys) > most:
        return f"{', '.join(keys[:most])} and {len(keys) - most} more"
    return and_list(keys)


def _made_by_make(project: Project, path: Path) -> Fix | None:
    """The Makefile's `make` command for an env file its recipe writes other than by a plain copy
    of the template (pontoon's `sed -e "s/#SITE_URL#/.../" server.env.template > server.env`): a
    copy would keep the placeholders. None where no recipe writes it, or one copies it (`cp -n`)."""
    from doctor.project.env_makers import env_file_maker

    made = env_file_maker(project, path)
    return made[0] if made is not None and not made[1] else None


def _template_of(path: Path) -> EnvFile | None:
    """The template beside an env file (`backend/.env.example` of `backend/.env`), if any."""
    if not path.name:  # `env_file: /`: a folder, no file beside it (compose-config: "a directory")
        return None
    return next((t for t in (_template(path.with_name(n)) for n in template_names(path.name)) if t is not None), None)


def _where(project: Project, location: Location | None) -> str:
    """A compose place as the user opens it (`compose.yml:32`)."""
    if location is None:
        return "the compose file"
    shown = project.shown(location.path)
    return shown if location.line is None else f"{shown}:{location.line}"


def _keys(keys: list[str]) -> str:
    return f"{len(keys)} key" if len(keys) == 1 else f"{len(keys)} keys"
