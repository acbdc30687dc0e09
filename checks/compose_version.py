"""compose-version: compose-file features the installed docker compose does not support; obsolete `version:`."""

from __future__ import annotations

from collections.abc import Iterator

from doctor.host import Host
from doctor.model import Check, Finding, Fix, Safety, Severity, Unavailable
from doctor.project import Project


class ComposeVersion(Check):
    """compose-file features the installed compose does not support; the obsolete top-level `version:`

    What it finds
        Features of the compose files that need a newer docker compose than the one installed
        (`docker compose version`, or the metadata of the compose plugin the docker CLI would
        run): `include` (2.20.0), `depends_on.<svc>.required` (2.20.2),
        `develop` (2.22.0), `env_file` entries with `required` (2.24.0), the `!reset` /
        `!override` tags (2.24.4), `provider` services (2.35.0) and `models` (2.38.0). Also the
        top-level `version:`, which compose ignores and warns about (info). Skipped, with the
        reason and what to install, when no docker compose answers: no docker CLI or
        docker-compose on PATH, a docker CLI without its compose plugin (the docker-compose-plugin
        package, Ubuntu's docker-compose-v2), or a compose that did not answer in time.

    Why it matters
        An older compose stops at the first such feature with an error that does not name the
        version it needs ("services.web Additional property develop is not allowed"), or, for
        the merge tags, silently merges the lists the file meant to replace.

    Example
        compose.yaml:14  'services.web.develop' needs docker compose 2.22.0; this machine has 2.21.0

    Fix
        Advice: upgrade docker compose to the version named (Docker Desktop, or the
        docker-compose-plugin package), or drop the feature. For `version:`, delete the line.

    Fix safety
        Advice only: nothing is written.
    """

    id = "compose-version"
    severity = Severity.ERROR
    fix_family = ""  # advice only: no `doctor fix` flag
    prefetch = ("compose_version",)  # `docker compose version` runs while the other checks do

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        found = project.compose_features()  # from the loader's parse, as written (or the model cache)
        uses = list(found.uses)
        installed = host.compose_version if uses else None
        if uses and installed is None:  # before anything is yielded: the skip keeps no half result
            raise Unavailable(_no_compose(host))
        for location in found.obsolete_versions:
            message = "top-level 'version' is obsolete: compose ignores it and warns on every run"
            fix = Fix("delete the 'version:' line", Safety.ADVICE)
            yield self.finding(message, location, f"version:{location.path.name}", fix, Severity.INFO)
        if installed is None:
            return
        have = ".".join(map(str, installed))
        seen: set[str] = set()
        for use in sorted(uses, key=lambda u: u.since, reverse=True):
            if use.since <= installed or use.feature in seen:
                continue
            seen.add(use.feature)
            need = ".".join(map(str, use.since))
            message = f"'{use.feature}' needs docker compose {need}; this machine has {have}"
            fix = Fix(f"upgrade docker compose to {need} or later", Safety.ADVICE)
            yield self.finding(message, use.location, use.feature, fix)


def _no_compose(host: Host) -> str:
    """Why no docker compose answered, with what to install: the skip's one line (`docker compose up`
    cannot run either)."""
    from doctor.host.compose_cache import lacks_plugin
    from doctor.host.which import which_on

    path = host.env.get("PATH")
    if which_on("docker-compose", path) is None:
        if which_on("docker", path) is None:
            return ("neither docker nor docker-compose is on PATH: install Docker (Docker Desktop, or Docker "
                    "Engine with its compose plugin)")
        if lacks_plugin(host.env):
            return ("the docker CLI on PATH has no compose plugin (`docker compose` is an unknown command): "
                    "install it, the docker-compose-plugin package (Ubuntu's docker-compose-v2), or Docker Desktop")
    return "docker compose did not answer (`docker compose version` failed or timed out)"
