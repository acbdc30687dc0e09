"""Every place a service's code gives one variable its default, where it gives it in several.

A service's environment holds one value per variable, and one line for it: of a Go program's defaults
of DB_HOST, the one its app dials first (doctor.project.go_env). awesome-compose's nginx-golang-postgres
with a_store.go's `getEnv("DB_HOST", "postgresserver")` and migrate.go's `getEnv("DB_HOST",
"postgres-server")` dials both, each where its package reads it: each is a host to judge, and a fix
that rewrote only the first left the second for the next `doctor fix`. loaded_env keeps every site here
as it reads them; a check judges the others beside the environment (other_sites), each finding with a
subject of its own (site_subject), so one fix run rewrites them all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.types import EnvVar, Service

Sites = dict[str, dict[str, tuple["EnvVar", ...]]]  # service -> variable -> its sites, the one the env holds first


def service_host_names(project: Project) -> frozenset[str]:
    """The names every service and container of the project answers to (the defaults naming one are right)."""
    return project.once("service-host-names", lambda: frozenset(
        n for s in project.compose.services.values() for n in (s.name, s.container_name) if n))


def keep_sites(project: Project, service: Service, sites: Mapping[str, tuple[EnvVar, ...]]) -> None:
    """Remember the variables the service's code defaults in several places, each with its sites."""
    several = {name: found for name, found in sites.items() if len(found) > 1}
    if several:
        _kept(project)[service.name] = several


def other_sites(project: Project, service: Service) -> Iterator[EnvVar]:
    """The sites but the first of each variable the service's code defaults in several places, where its
    environment (`service` of Project.app_compose) still holds that code's first: not where compose, a
    `.env` the app loads or a bound env file sets the variable (then no default is read)."""
    for name, found in _kept(project).get(service.name, {}).items():
        held = service.environment.get(name)
        if held is not None and held.location == found[0].location and held.value == found[0].value:
            yield from found[1:]


def site_subject(project: Project, service: Service, var: EnvVar) -> str:
    """'' for a variable given one default (its findings' subject as ever); else the site's file, as the
    project shows it, and its rank among that file's sites of the variable (`@backend/migrate.go`,
    `@backend/db.go#2`): stable while its line moves, and distinct for each site, so the fixer plans every
    site's fix in one round."""
    found = _kept(project).get(service.name, {}).get(var.name, ())
    if var.location is None or not any(v.location == var.location for v in found):
        return ""
    same = [v for v in found if v.location is not None and v.location.path == var.location.path]
    rank = next(n for n, v in enumerate(same, 1) if v.location == var.location)
    return f"@{project.shown(var.location.path)}" + (f"#{rank}" if rank > 1 else "")


def _kept(project: Project) -> Sites:
    return project.once("code-default-sites", dict)
