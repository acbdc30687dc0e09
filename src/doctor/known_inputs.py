"""Secret values a service's container gets from files beyond compose's own: its Dockerfile's `ENV` and `ARG`,
the app's own dotenv files (`.env.local`, `.env.development`) its code loads, and the secret files it binds in.

`doctor.known_secrets` adds them to the values the Redactor masks wherever they appear: a container
that logs `starting with db password DockEnvPw7q` (the image's `ENV APP_DB_PASSWORD=DockEnvPw7q`)
is quoted by `doctor why` masked.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.types import Service


def dockerfiles(services: Iterable[Service]) -> set[Path]:
    """The Dockerfiles of the services' local builds: read for secrets as the env files are
    (`doctor.known_secrets.secrets_in_text`: `ENV APP_DB_PASSWORD=...`, legacy `ENV KEY value`, `ARG` defaults)."""
    return {s.build.dockerfile_path for s in services if s.build is not None and s.build.dockerfile_path is not None}


# a dotenv file that documents the keys, its values placeholders (`changeme`): not the app's secrets
_EXAMPLES = ("example", "sample", "template", "tpl", "dist")


def app_dotenv_files(root: Path, services: Iterable[Service]) -> set[Path]:
    """The dotenv files (`.env`, `.env.*`, not an example's) in the project's folder and in each folder a
    service builds from or binds in: what the app's `require('dotenv').config({path: '.env.local'})`,
    Next's or Vite's `.env.development`, python-dotenv's `load_dotenv('.env.local')` read at its start.
    One folder listing each (no walk), the files read as the env files are (MAX_FILE, regular only)."""
    import os

    folders = {str(root)}  # as strings: a project of 2,000 services names a few folders 2,000 times
    for service in services:
        build = service.build
        if build is not None and not build.inline and "://" not in build.context:
            folders.add(build.context)
        folders.update(m.source for m in service.volumes if m.type == "bind" and m.source)
    found: set[Path] = set()
    for folder in sorted(folders):
        try:
            entries = list(os.scandir(folder))
        except OSError:  # a file, absent, unreadable: nothing listed
            continue
        for entry in entries:
            name = entry.name
            if (name == ".env" or name.startswith(".env.")) and not any(w in name.lower() for w in _EXAMPLES):
                found.add(Path(entry.path))
    return found


_FOLDER_FILES = 64  # the files of a folder bound at /run/secrets read at most
_SECRETS = "/run/secrets"


def bound_secret_files(services: Iterable[Service]) -> set[str]:
    """The content of the files the services bind in as secrets, not through compose's `secrets:`: bound at or
    under /run/secrets (`./db_pass.txt:/run/secrets/db_pass`, `./secrets:/run/secrets`), or named by a
    `*_FILE` variable of a secret (`DB_PASSWORD_FILE=/run/secrets/db_pass`, `API_TOKEN_FILE=/app/token`):
    the text and each line of 4 characters or more, as a compose secret's file is read. A file whose name
    says it holds no secret (`db_user`, `db_host`) is left out; each is read up to known_secrets.SECRET_FILE bytes."""
    from doctor.secret_keys import is_secret_key, names_no_secret

    files: set[Path] = set()
    for service in services:
        binds = [(m.target.rstrip("/") or "/", Path(m.source))
                 for m in service.volumes if m.type == "bind" and m.source]
        for target, source in binds:
            if target == _SECRETS or target.startswith(_SECRETS + "/"):
                files.update(_files_at(source))
        for key, var in service.environment.items():
            stem = key[:-5] if key.upper().endswith("_FILE") else ""
            if stem and var.value and var.value.startswith("/") and is_secret_key(stem):
                files.update(_host_file(var.value, binds))
    found: set[str] = set()
    for path in sorted(files):
        if names_no_secret(path.name):
            continue
        found |= _file_values(path)
    return found


def _files_at(source: Path) -> list[Path]:
    """`source` itself, or the regular files of the folder it is (not below it), at most _FOLDER_FILES."""
    import os

    if not os.path.isdir(source):  # False, not PermissionError, in a folder this user cannot enter
        return [source]
    try:
        with os.scandir(source) as entries:
            return sorted(Path(e.path) for e in entries if not e.name.startswith(".") and e.is_file())[:_FOLDER_FILES]
    except OSError:
        return []


def _host_file(inside: str, binds: list[tuple[str, Path]]) -> list[Path]:
    """The host file a bind mount puts at the container path `inside` (the deepest mount covering it)."""
    best: tuple[int, Path] | None = None
    for target, source in binds:
        if inside == target:
            return [source]
        if inside.startswith(target.rstrip("/") + "/") and (best is None or len(target) > best[0]):
            best = (len(target), source / inside[len(target.rstrip("/")) + 1:])
    return [best[1]] if best is not None else []


def _file_values(path: Path) -> set[str]:
    """A secret file's text and its lines; nothing of a file bigger than a secret's (a CA bundle) or binary."""
    from doctor.known_secrets import SECRET_FILE, read_capped

    text = read_capped(path, SECRET_FILE + 1).strip()
    if not text or len(text) > SECRET_FILE or "\0" in text:
        return set()
    found = {line.strip() for line in text.splitlines() if len(line.strip()) >= 4}
    found.add(text)
    return found
