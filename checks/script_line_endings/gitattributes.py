"""script-line-endings' .gitattributes fix: the `eol=lf` lines that keep the CRLF scripts at LF in
every checkout, appended to the project's (or the checkout top's) .gitattributes where no rule of
a folder above each script keeps it so already."""

from __future__ import annotations

from pathlib import Path

from doctor.model import Edit, Fix, Safety, relative_to
from doctor.project import Project
from doctor.project.reading import read_bytes, read_text

GITATTRIBUTES_LINE = "*.sh text eol=lf"


def _gitattributes_fix(project: Project, scripts: list[Path]) -> tuple[Fix, str] | None:
    """The lines that keep every CRLF script at LF (`*.sh text eol=lf`, and `/path text eol=lf` for a
    script without .sh, such as cookiecutter-django's compose/local/django/start), appended to the
    repository's .gitattributes, with what they keep; None when its rules already keep them all. The
    project folder's file, else the checkout top's where that one exists and fixes may write there
    (mealie's docker/ builds from `..`: the root .gitattributes, not a new docker/.gitattributes)."""
    from doctor.project.edits import edit_root
    repo = project.repo()
    top = repo.top if repo is not None else project.root.resolve()
    folder = project.root
    # a script beside the compose folder (peeringdb's Ctl/dev binding ../docker/entrypoint.sh): only the
    # checkout top's file has a rule that reaches it
    beside = any(not s.resolve().is_relative_to(folder.resolve()) for s in scripts)
    if ((beside or (not (folder / ".gitattributes").is_file() and (top / ".gitattributes").is_file()))
            and top.is_relative_to(edit_root(project).resolve())):
        folder = top
    scripts = [s for s in scripts if s.resolve().is_relative_to(folder.resolve())]  # rules reach no ../ path
    if not scripts:
        return None
    path = folder / ".gitattributes"
    try:
        data = read_bytes(path) if path.is_file() else b""
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except (OSError, UnicodeDecodeError):
        return None
    lines: list[str] = []
    for script in dict.fromkeys(scripts):
        rel = relative_to(script.resolve(), folder.resolve())
        if _kept_at_lf(script.resolve(), top, {path.parent.resolve(): text}):
            continue
        line = GITATTRIBUTES_LINE if script.suffix == ".sh" else f"/{rel} text eol=lf"
        if line not in lines:
            lines.append(line)
    if not lines:
        return None
    kept = ", ".join("*.sh" if line == GITATTRIBUTES_LINE else line.split()[0].lstrip("/") for line in lines)
    shown = "', '".join(lines)
    return Fix(f"add '{shown}' to {project.shown(path)}", Safety.SAFE, (_append(path, data, lines),)), kept


def _append(path: Path, data: bytes, lines: list[str]) -> Edit:
    """The edit that appends the lines, each on its own line. A file that ends in a newline gets
    them each ending in one (a text append); to a file without a final newline they are added as
    bytes after a line break of the file's own kind, and the result ends without one too
    (wholefile.same_ending: a fix changes no other byte of the file's conventions)."""
    added = "".join(f"{line}\n" for line in lines)
    if not data or data.endswith((b"\n", b"\r")):
        return Edit(path, "", added)
    from doctor.project.wholefile import same_ending

    newline = "\r\n" if b"\r\n" in data else "\n"
    tail = same_ending("no final newline", "\n" + added)  # "\n*.sh text eol=lf": the file's last line stays open
    return Edit(path, data, data + tail.replace("\n", newline).encode("utf-8"))


def _kept_at_lf(script: Path, top: Path, known: dict[Path, str]) -> bool:
    """Whether an `eol=lf` rule of a .gitattributes in the script's folder or one above it, up to
    the repository's top, keeps it at LF (git reads them all: penpot's root .gitattributes covers
    docker/devenv/files/entrypoint.sh for a compose project in docker/devenv)."""
    for folder in (script.parent, *script.parent.parents):
        if not folder.is_relative_to(top):
            break
        text = known.get(folder)
        if text is None:
            try:
                attributes = folder / ".gitattributes"
                text = read_text(attributes, errors="strict") if attributes.is_file() else ""
            except (OSError, UnicodeDecodeError):
                text = ""
        rel = script.relative_to(folder).as_posix()
        if any(_covers(line.split()[0], rel) for line in text.splitlines() if line.split()[:1] and "eol=lf" in line):
            return True
    return False


def _covers(rule: str, rel: str) -> bool:
    """Whether a .gitattributes pattern matches the path (as gitignore patterns do: a pattern without a
    slash matches the name at any depth, one with a slash the path from the file's folder)."""
    import fnmatch

    pattern = rule.strip("/") if "/" in rule.rstrip("/") else rule
    if "/" not in rule.rstrip("/"):
        return fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], pattern)
    return fnmatch.fnmatchcase(rel, pattern) or (pattern.startswith("**/") and
                                                  fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], pattern[3:]))
