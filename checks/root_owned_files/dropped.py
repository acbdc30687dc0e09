"""Images that start as root and drop to ids their entrypoint reads (PUID/PGID): ArchiveBox's
`usermod -o -u "${PUID:-911}" archivebox ... exec gosu`, every linuxserver.io image. Such a
service runs as you through those variables; `user:` would start its entrypoint as you, and its
usermod (root only) would fail."""

from __future__ import annotations

from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.reading import read_text
from doctor.project.types import Service

# the variables such an entrypoint reads, with the group's beside the user's; USER_UID and APP_UID
# only when a script of the image reads them (they name other things elsewhere)
PAIRS = {"PUID": "PGID", "USER_UID": "USER_GID", "APP_UID": "APP_GID"}
READS = lazy(r"\$\{?(PUID|USER_UID|APP_UID)\b")
MENTIONS = lazy(r"\bPUID\b")  # ArchiveBox's compose: `# - PUID=911   # set to your host user's UID & GID ...`
LINUXSERVER = ("lscr.io/linuxserver/", "ghcr.io/linuxserver/", "linuxserver/")


def id_variables(project: Project, svc: Service) -> tuple[str, str] | None:
    """The (user, group) variables the service's image drops root to, else None: read by a script
    it runs (its entrypoint), its Dockerfile, or said by its compose entry (set in `environment:`,
    or in a comment there) or its image (linuxserver.io's)."""
    from doctor.project.shipped import script_finder

    for path, _ in script_finder(project).run_by(svc):
        found = READS.search(_text(path))
        if found:
            return found.group(1), PAIRS[found.group(1)]
    build = svc.build
    recipe = project.recipe(build.dockerfile_path, build.target) if build and build.dockerfile_path else None
    said = (
        (svc.image or "").startswith(LINUXSERVER)
        or "PUID" in svc.environment
        or (recipe is not None and (any(k == "PUID" for k, _ in recipe.env)
                                    or any(READS.search(step.text) for step in recipe.runs)))
        or _commented(svc)
    )
    return ("PUID", "PGID") if said else None


def _text(path: Path) -> str:
    try:
        return read_text(path)
    except (OSError, UnicodeDecodeError):
        return ""


def _commented(svc: Service) -> bool:
    """Whether a comment inside the service's entry in its compose file names PUID."""
    location = svc.location
    if location is None or location.line is None:
        return False
    lines = _text(location.path).splitlines()[location.line - 1:]
    if not lines:
        return False
    indent = len(lines[0]) - len(lines[0].lstrip())
    for line in lines[1:]:
        stripped = line.lstrip()
        if stripped and not stripped.startswith("#") and len(line) - len(stripped) <= indent:
            break  # the next service, or the next top-level key
        if "#" in line and MENTIONS.search(line.partition("#")[2]):
            return True
    return False


# process supervisors that must start as root to run their programs, each as the user its own
# config names (ChiefOnboarding's supervisord: `user=root`, its log in a root-made /var/log/supervisord):
# `user:` would stop them; the programs they start are the ones to run as the host user, and how
SUPERVISORS = {
    "supervisord": ("supervisord", "user= in their [program:...] sections"),
    "runsvdir": ("runit", "chpst -u in their run scripts"),
    "runit": ("runit", "chpst -u in their run scripts"),
    "s6-svscan": ("s6", "s6-setuidgid in their run scripts"),
    "/init": ("s6-overlay", "s6-setuidgid in their run scripts"),
}


def supervisor(project: Project, svc: Service) -> tuple[str, str] | None:
    """(the supervisor, how its programs are given a user) when the service runs one: its command or
    entrypoint, its image's CMD/ENTRYPOINT (`/usr/bin/supervisord -c ...`, `sh -c "... && exec
    supervisord"`, s6-overlay's `/init`), or a command of a script it runs (`exec runsvdir
    /etc/service`); else None."""
    import posixpath

    from doctor.project.shipped import run_words, script_finder

    def named(words: list[str]) -> tuple[str, str] | None:
        # the basename of `/usr/bin/supervisord`; `/init` only as itself (any `init` is not s6's)
        return next((f for w in words if (f := SUPERVISORS.get(w) or SUPERVISORS.get(posixpath.basename(w)))), None)

    found = named([part for word in run_words(project, svc) for part in word.split()])
    if found is not None:
        return found
    for path, _ in script_finder(project).run_by(svc):
        for line in _text(path).splitlines():
            words = line.split()
            words = words[1:] if words[:1] == ["exec"] else words
            if (found := named(words[:1])) is not None:
                return found
    return None
