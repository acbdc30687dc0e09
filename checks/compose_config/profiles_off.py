"""compose-config's advice for a project whose every service sits in a profile that is off: the
profiles to pass, by name, or the template that sets COMPOSE_PROFILES for the `.env` not made yet."""

from __future__ import annotations

from doctor.model import Fix, Safety
from doctor.project import Project

_SHOWN = 8  # profiles named in the advice; more are counted


def profiles_fix(project: Project) -> Fix:
    """Advice a newcomer can paste: `--profile web` where one profile holds the services, else the
    profiles to choose from; where the `.env` compose reads is missing or lacks COMPOSE_PROFILES and
    its committed template sets it (docker-rails-example's `.env.example`), the template's line."""
    model = project.compose
    names = sorted({p for service in model.profiled.values() for p in service.profiles})
    if len(names) == 1:
        passed = f"add --profile {names[0]} to the command (or set COMPOSE_PROFILES={names[0]})"
    else:
        listed = ", ".join(f"'{n}'" for n in names[:_SHOWN])
        if len(names) > _SHOWN:
            listed += f" and {len(names) - _SHOWN} more"
        passed = (f"add --profile NAME to the command, once per profile to start ({listed}), "
                  "or set COMPOSE_PROFILES=NAME,NAME")
    set_by = _template_profiles(project)
    if set_by is None:
        return Fix(passed, Safety.ADVICE)
    template, value, missing = set_by
    env = project.shown(project.root / ".env")
    if missing:
        title = f"copy {template} to {env}, which sets COMPOSE_PROFILES={value}"
    else:
        title = f"add COMPOSE_PROFILES={value} to {env}, as {template} sets it"
    return Fix(title, Safety.ADVICE, alternatives=(Fix(passed, Safety.ADVICE),))


def _template_profiles(project: Project) -> tuple[str, str, bool] | None:
    """(template as shown, its COMPOSE_PROFILES, whether `.env` is missing) where compose reads the
    project's `.env` (no --env-file, no COMPOSE_ENV_FILES), neither it nor the shell sets
    COMPOSE_PROFILES, and the committed template of `.env` does; else None."""
    if project.chosen_env_files is not None:
        return None
    template = project.env_example
    entry = template.entry("COMPOSE_PROFILES") if template is not None else None
    if template is None or entry is None or not entry.value.strip():
        return None
    if "COMPOSE_PROFILES" in project.compose.variables:
        return None  # the shell or .env sets it, to profiles no service has: the names are the advice
    return project.shown(template.path), entry.value.strip(), project.env_file(project.root / ".env") is None
