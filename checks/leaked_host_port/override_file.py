"""leaked-host-port's dev override as the fix's file: whether it runs alone too, the lines it sets
today, and the note a git-ignored (or symlinked) override adds to the fix's title."""

from __future__ import annotations

from pathlib import Path

from doctor.project import Project
from doctor.project.types import EnvVar

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .override_fix import Consumer


def _runs_alone(project: Project, override: Path, names: set[str]) -> bool:
    """Whether the override is a compose file of its own that lacks those services: each service it
    defines has an image or a build (mealie's docker-compose.dev.yml, postgres and mailpit, which its
    Taskfile runs with `-f docker-compose.dev.yml` alone), so a `mealie:` holding environment alone
    would make it one compose refuses ("neither an image nor a build context")."""
    if ".override." in override.name:  # compose's own override is read beside its file, never alone
        return False
    from doctor.project.yamlload import YMap  # here: a warm run that never asks imports no PyYAML

    for documents in project.compose_documents():
        if documents.path != override:
            continue
        for doc in documents.docs:
            services = doc.get("services") if isinstance(doc, YMap) else None
            if not isinstance(services, YMap) or not services or names & {str(n) for n in services}:
                return False
            return all(isinstance(spec, YMap) and (spec.get("image") or spec.get("build") or spec.get("extends"))
                       for spec in services.values())
    return False


def _written_in(project: Project, override: Path, consumers: list[Consumer]) -> dict[str, dict[str, int]] | None:
    """service -> variable -> the override line that sets it today (its value is replaced there);
    None when another service reads that same line (an anchor): rewriting it would change that one too."""
    written: dict[str, dict[str, int]] = {}
    lines: set[int] = set()
    for service, var, _ in consumers:
        where = var.location
        if where is not None and where.line is not None and where.path == override:
            written.setdefault(service.name, {})[var.name] = where.line
            lines.add(where.line)
    wanted = {s.name for s, _, _ in consumers}
    for other in project.compose.services.values():
        for var in other.environment.values():
            where = var.location
            if other.name not in wanted and where is not None and where.path == override and where.line in lines:
                return None
    return written


def _ignored_note(project: Project, override: Path, var: EnvVar, named: bool = False) -> str:
    """knadh/listmonk's .gitignore names docker-compose.override.yml: the fix holds for this checkout
    only, and `git status` shows nothing; the line in the committed file (`LISTMONK_db__host: localhost`)
    stays for teammates and for `-f docker-compose.yml`. Say both."""
    from doctor.project.gitrepo import tracked
    from doctor.project.portplan import edited_name, git_ignored

    at = var.location
    # netbox-docker's `DB_PORT: ${DB_PORT}` in its git-ignored override: the fix rewrites that line,
    # in the one file the fault and its fix share, and no tracked line keeps the value
    if at is not None and at.path is not None and at.path.resolve() == override.resolve():
        return ""
    # DefectDojo's git-ignored docker-compose.override.yml is a symlink to the tracked
    # docker-compose.override.dev.yml: the edit lands in the target, which is what git sees
    real = override.resolve()
    if git_ignored(real) is not True:
        linked = override.is_symlink() and tracked(real)
        return f" (edits {real.name}, tracked by git, through the symlink {override.name})" if linked else ""
    base = (f"; {project.shown(at.path)}:{at.line} keeps its value for other checkouts"
            if at is not None and at.line and at.path in project.compose.files else "")
    # `named`: the title names the file already (`in a new dev override docker-compose.override.yml`)
    return f" ({'it' if named else edited_name(override)} is git-ignored: this checkout only{base})"
