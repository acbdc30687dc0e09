"""compose-config's advice for the problems compose reports: the example override to copy, the
service a reference likely meant, the compose version a merge over an include needs, the value a
required variable needs (from the template that lists it), and what to do about a missing env file."""

from __future__ import annotations

import os
from pathlib import Path

from doctor.host import Host
from doctor.lazyre import lazy
from doctor.model import Fix, Safety, Unavailable
from doctor.project import Project
from doctor.project.types import Problem, ProblemKind

from .env_files import _env_file_advice, _env_file_maker

UNDEFINED = lazy(r"refers to undefined (?:build )?(volume|network|secret|config|model) (\S+)")
UNDEFINED_SERVICE = lazy(r"^service '([^']+)' (?:depends on|links to|takes volumes from) undefined service '([^']+)'")
_IN_PROFILE = lazy(r"' is in profiles? '([^']+)'")
EXAMPLE_NAMES = tuple(f"{base}.{ext}.{tail}" for base in ("compose.override", "docker-compose.override")
                      for ext in ("yaml", "yml") for tail in ("example", "sample", "dist", "template"))


class ProblemFixes:
    """The fix (advice) for each problem compose reports, for one project: its example overrides read once."""

    def __init__(self, project: Project, host: Host) -> None:
        self.project = project
        self.host = host
        self.examples = ExampleOverrides(project)

    def fix_for(self, problem: Problem) -> Fix | None:
        """The advice for `problem`, or None where doctor has none beyond its message."""
        project, host = self.project, self.host
        fix = self.examples.fix_for(problem) if problem.kind is ProblemKind.REFERENCE else None
        if fix is None and problem.message.endswith(" conflicts with imported resource"):
            fix = _merge_needs_compose_5(host, problem.message)
        if fix is None and problem.kind is ProblemKind.REFERENCE:
            fix = (_meant_resource(project, problem) or _profile_off(project, problem)
                   or _meant_service(project, problem))
        if problem.kind is ProblemKind.ENV_FILE:
            fix = (_env_file_maker(project, problem.message) or _env_file_advice(project, problem)
                   or _label_file_advice(project, problem.message))
        if fix is None and problem.kind is ProblemKind.INTERPOLATION:
            fix = _required_value(project, problem.message)
        return fix


class ExampleOverrides:
    """The project's example override files (`compose.override.yaml.example`, docker-zulip's way of
    shipping the secrets its compose.yaml refers to), read once, for the reference each declares."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._declared: list[tuple[Path, dict[str, set[str]]]] | None = None

    def fix_for(self, problem: Problem) -> Fix | None:
        """`copy X.example to X` when an example override declares what the problem finds undefined."""
        found = UNDEFINED.search(problem.message)
        if found is None:
            return None
        kind, name = found[1] + "s", found[2]
        for path, declared in self._examples():
            if name in declared.get(kind, set()):
                target = path.with_suffix("")
                if target.exists():
                    continue
                return Fix(f"copy {path.name} to {target.name} (it declares {found[1]} {name}; fill in its values)",
                           Safety.ADVICE, command=("cp", path.name, target.name))
        return None

    def _examples(self) -> list[tuple[Path, dict[str, set[str]]]]:
        if self._declared is None:
            self._declared = []
            folder = self.project.compose.project_dir
            for name in EXAMPLE_NAMES:
                path = folder / name
                if path.is_file():
                    self._declared.append((path, _declared(path)))
        return self._declared


def _declared(path: Path) -> dict[str, set[str]]:
    """The top-level volumes, networks, secrets, configs and models a compose file declares ({} if unreadable)."""
    from doctor.project.reading import read_regular_text
    from doctor.project.yamlimport import yaml

    text = read_regular_text(path)
    try:
        data = yaml.safe_load(text) if text else None
    except yaml.YAMLError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: set(value) for key in ("volumes", "networks", "secrets", "configs", "models")
            if isinstance(value := data.get(key), dict)}


_REQUIRED = lazy(r"required variable ([A-Za-z_][A-Za-z0-9_]*) is missing a value")


def _label_file_advice(project: Project, message: str) -> Fix | None:
    """A missing `label_file:` (compose has no `required: false` for one): create it, or drop the line."""
    if not (message.startswith("label file ") and message.endswith(" not found")):
        return None
    shown = project.shown(Path(message[len("label file "):-len(" not found")]))
    return Fix(f"create {shown} (one LABEL=value per line), or remove it from label_file", Safety.ADVICE)


def _required_value(project: Project, message: str) -> Fix | None:
    """The value a `${NAME:?...}` compose stops at needs: NAME appended to `.env` from its template
    where the template lists it (`add SECRET_KEY to .env from .env.example`), else where to set it."""
    found = _REQUIRED.search(message)
    if found is None:
        return None
    name = found[1]
    files = project.interpolation_files
    dotenv = files[-1] if files else project.root / ".env"
    from ..env_drift.fix import _append_fix
    from ..env_drift.templates import _template_of

    example = _template_of(dotenv)
    entry = example.entry(name) if example is not None else None
    target = project.shown(dotenv)
    if example is not None and entry is not None:
        if not os.path.lexists(dotenv):
            return Fix(f"copy {project.shown(example.path)} to {target} (it sets {name}), then check its values",
                       Safety.ADVICE)
        return _append_fix(example, entry, dotenv, target, project.shown(example.path), project.root)
    return Fix(f"set {name} in {target} (or export it in the shell)", Safety.ADVICE)


def _merge_needs_compose_5(host: Host, message: str) -> Fix:
    """A service (volume, network...) written again in the file that includes its definition: Docker
    Compose v5 (compose-go >= 2.10) merges the including file's settings over the included ones;
    v2 refuses the file (wger-project/docker's `db`, `cache` and `powersync`, which its
    docker-compose.yml tunes over `include: ./services/postgres.yaml`)."""
    resource = message.removesuffix(" conflicts with imported resource")
    try:
        version = host.compose_version
    except Unavailable:
        version = None
    installed = f"Docker Compose {'.'.join(map(str, version))}" if version else "this Docker Compose"
    return Fix(f"{resource} merges its settings over the included one's, which needs Docker Compose 5 (compose-go "
               f"2.10 or later); {installed} refuses it: upgrade compose, or move these settings into the included "
               "file or an override file", Safety.ADVICE)


def _meant_resource(project: Project, problem: Problem) -> Fix | None:
    """For an undefined volume, network, secret or config: `did you mean 'postgres_data'?`, renamed
    at its line (safe) when exactly one defined name is clearly closest; else where to define it."""
    from .references import closest, define_fix, defined, rename_fix

    found = UNDEFINED.search(problem.message)
    if found is None:
        return None
    kind, name = found[1], found[2]
    meant = closest(name, defined(project, f"{kind}s"))
    if meant is None:
        return define_fix(project, problem, kind, name)
    if kind in ("volume", "network"):
        return rename_fix(project, problem, name, meant, f"did you mean {meant!r}? use it instead of {name!r}")
    if kind == "model":  # compose names the variables it hands the service after the model (LLM_URL)
        return rename_fix(project, problem, name, meant, f"did you mean {meant!r}? use it instead of {name!r} (the "
                          "variables compose sets for it are named after it unless 'endpoint_var:' says otherwise)",
                          Safety.UNSAFE)
    # a secret's (config's) short form also names its file in the container (/run/secrets/NAME), which
    # the app may read by the old name: asked, not applied unasked
    return rename_fix(project, problem, name, meant, f"did you mean {meant!r}? use it instead of {name!r} "
                      f"(its file in the container is named after it unless 'target:' says otherwise)",
                      Safety.UNSAFE)


def _meant_service(project: Project, problem: Problem) -> Fix | None:
    """`did you mean 'cache'?` for a reference to a service no compose file defines: the defined
    service with the clearly closest name, renamed at its line (safe), else the one that runs what
    the name says (CTFd's `depends_on: [redis]` while its Redis service is `cache`, `image: redis:4`;
    advice: the author may have meant to add that service instead)."""
    from doctor.project.env_hosts import family_of
    from doctor.project.service_network import service_family

    from .references import closest, defined, rename_fix

    found = _undefined_service(problem.message)
    if found is None:
        return None
    referrer, name, extends = found
    model = project.compose
    if extends:  # the base of an `extends:` without `file:` is a service of the same file
        at = problem.location.path if problem.location is not None else None
        names = defined(project, "services", at) if at is not None else []
    else:
        names = [*model.services, *model.disabled_services]
    title = "did you mean {!r}? name it in " + f"{referrer!r} instead of {name!r} (or define {name!r})"
    close = closest(name, [n for n in names if n != referrer])
    if close is not None:
        return rename_fix(project, problem, name, close, title.format(close))
    if extends:
        return None
    wanted = family_of(name)
    services = {n: s for n, s in model.services.items() if n != referrer}
    by_family = [n for n, svc in services.items() if wanted is not None and service_family(svc) == wanted][:2]
    if len(by_family) != 1:  # two redis services: which one is meant is the author's call
        return None
    return Fix(title.format(by_family[0]), Safety.ADVICE)


def _profile_off(project: Project, problem: Problem) -> Fix | None:
    """A reference to a service whose profile is off (`network_mode: service:vpn`, vpn under
    `profiles: [vpn]`): the profile to turn on, as the user runs compose."""
    found = UNDEFINED_SERVICE.search(problem.message)
    if found is None or found[2] not in project.compose.disabled_services:
        return None
    named = _IN_PROFILE.search(problem.message)
    if named is None:
        return None
    profile = named[1]
    return Fix(f"turn its profile on: docker compose --profile {profile} up (or COMPOSE_PROFILES={profile}), "
               f"or drop the reference from {found[1]!r}", Safety.ADVICE)


def _undefined_service(message: str) -> tuple[str, str, bool] | None:
    """(the referring service, the undefined one, whether by `extends:`) from compose's words."""
    found = UNDEFINED_SERVICE.search(message)
    if found is not None:
        return found[1], found[2], False
    # extends.py: "cannot extend service 'web': service 'basee' not found" (not " in other.yml")
    head, _, tail = message.partition("': service '")
    if head.startswith("cannot extend service '") and tail.endswith("' not found"):
        return head.removeprefix("cannot extend service '"), tail.removesuffix("' not found"), True
    return None
