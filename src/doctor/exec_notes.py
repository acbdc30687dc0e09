"""What `doctor exec` says about the service it runs a command in: why there, why a `run` rebuilds,
and what the image lacks of the command's tool (doctor.execute prints them)."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from pathlib import Path

from doctor.project import Project
from doctor.project.service_home import ServiceHome


def why_there(home: ServiceHome, project: Project, words: tuple[str, ...], cwd: Path) -> str:
    """Why the command (`words`, typed in `cwd`) runs in the service: what the host lacks that its
    image has, the packages named as preflight's finding names them (fastapi-tdd-docker's
    `python -m pytest tests`: the fastapi its tests import, not black, requirements-dev.txt's first line)."""
    from doctor.project.missing_packages import named_lacking

    if home.scripts and not home.lacks_packages:
        return f"its image installs the project's console scripts, {', '.join(home.scripts[:2])}, which the host lacks"
    if home.unusable is not None:
        version, _ = home.unusable
        return f"the host's pyenv version {version!r} is not installed"
    return f"the host lacks {', '.join(named_lacking(project, home, words, cwd)[:2])}"


def rebuilds(verb: str, full: Sequence[str], home: ServiceHome) -> str | None:
    """Why the compose command line `full` rebuilds the service's image (`run --build`), None where it does not."""
    at = verb_at(full) if verb == "run" else None
    if at is None or "--build" not in full[at + 1:full.index(home.service, at + 1)]:  # its options, not the command's
        return None
    if home.live:  # a develop.watch sync
        return "its code reaches only the `up` container (develop.watch), so a `run` sees your edits after a rebuild"
    return "its code is copied into the image, not bind-mounted, so a `run` sees your edits after a rebuild"


def verb_at(full: Sequence[str]) -> int:
    """Where compose's `run` is in a compose command line: not a `-p run` project named so."""
    return next(i for i, word in enumerate(full) if word == "run" and (i == 0 or full[i - 1] not in ("-p", "-f")))


def image_lacks_tool(project: Project, home: ServiceHome, words: Sequence[str]) -> tuple[str, str] | None:
    """host-vs-container's word on a Python tool the service's image does not install, and what to do, or None."""
    tool = words[2] if len(words) > 2 and posixpath.basename(words[0]).startswith("python") and words[1] == "-m" \
        else (words[0] if words else "")
    if not tool:
        return None
    from doctor.project.image_dev_tools import image_lacks  # preflight's reading of the image

    return image_lacks(project, home, posixpath.basename(tool))


def run_mounts(project: Project, home: ServiceHome, cwd: Path,
               words: Sequence[str]) -> tuple[ServiceHome, list[tuple[Path, str]], list[str], str]:
    """What preflight's advised `run` of `words` (typed in `cwd`) adds, for `doctor exec` to run the same:
    (the home, its context's folders mapped where the image lacks them; the `(host, container)` folders
    the run mounts, kept out by `.dockerignore` or never COPYed; the image's node_modules a bind hides,
    each an anonymous volume; the note saying why). A package manager's script is read by its own words
    (nestjs-prisma-starter's `npm run test:e2e`: `jest --config ./test/jest-e2e.json`, test/ kept out)."""
    from doctor.project.command_roles import PackageScripts, started_script
    from doctor.project.image_gaps import image_gaps
    from doctor.project.run_mounts import hidden_modules, kept_out

    name = started_script(words)
    texts = PackageScripts(project.commands, project.root).at(cwd).get(name, ()) if name else ()
    found: list[tuple[Path, str]] = []
    for own in [_split(text) for text in texts] or [tuple(words)]:
        found += [mount for mount in kept_out(project, home, cwd, own) if mount not in found]
    notes = []
    if found:
        notes.append(f"{', '.join(project.shown(host) for host, _ in found)}: not in the image, .dockerignore "
                     "keeps it out, so the run mounts it")
    gaps = image_gaps(project, home, cwd, words)
    if gaps is not None:
        home, found = gaps.home, [*found, *gaps.mounts]
        only = ", ".join(project.shown(path) for path in gaps.copied) or "no project folder"
        notes.append(f"{', '.join(project.shown(host) for host, _ in gaps.mounts)}: not in the image, which "
                     f"COPYs {only}, so the run mounts it")
    hidden = hidden_modules(project, home)
    if hidden:
        notes.append(f"the bind mount hides the image's {', '.join(hidden)}, and the host has none: the run puts "
                     "a volume there, which the image fills")
    return home, found, hidden, "; ".join(notes)


def _split(text: str) -> tuple[str, ...]:
    """A script's words as the shell splits them."""
    import shlex

    try:
        return tuple(shlex.split(text))
    except ValueError:
        return tuple(text.split())


def unrunnable(project: Project, words: Sequence[str], cwd: Path) -> list[str]:
    """Why a program of Ruby, Elixir, Go or Java this machine lacks runs here all the same, the command's or,
    for `make TARGET`, each its recipe runs (toolchains.build_stage_only: matbur/image-text's `make test`, `go
    test ./...`, where 'image-text' builds with golang in a stage it runs `scratch` after; a `composer install`
    no image on PHP can run: php_images.composer_note), once each."""
    from doctor.project.php_images import composer_note
    from doctor.project.toolchains import build_stage_only

    runs = [(words[0], cwd)] if words else []
    if words and posixpath.basename(words[0]) in ("make", "gmake"):
        from doctor.project.make_targets import goal_recipes
        from doctor.project.tasks import split_command

        runs = [(step[1], step[2]) for text, folder in goal_recipes(words[1:], cwd) or ()
                for step in split_command(text, folder)]
    notes = (build_stage_only(project, tool, folder) or composer_note(project, tool, folder)
             for tool, folder in dict.fromkeys(runs))
    return list(dict.fromkeys(note for note in notes if note is not None))
