"""The `.env` files a Rails app's dotenv railtie loads over compose's values, read (never run).

`gem "dotenv-rails"` (dotenv 3's `gem "dotenv"`) loads, at boot, `.env.$RAILS_ENV.local`, `.env.local`
(not under test), `.env.$RAILS_ENV` and `.env` from the app's folder, the first file winning. It leaves a
variable the process holds unless the app asks it to overwrite: dotenv 3's `Dotenv::Rails.overwrite =
true`, dotenv 2's `Dotenv::Railtie.overload`, written in config/application.rb or config/boot.rb (the
railtie loads before the app's configuration runs: a later setting comes too late). Then a
`.env.development` made for running the app on the host (dawarich's `DATABASE_HOST=localhost`) beats
compose's `DATABASE_HOST: dawarich_db` in the container. This module gives that load as a
DotenvCall, so dotenv-override judges it as it judges python-dotenv's `load_dotenv(override=True)`.
"""

from __future__ import annotations

import re
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.app_markers import RAILS_LOADER
from doctor.project.appenv import DotenvCall, image_env
from doctor.project.codepaths import CodeMap
from doctor.project.rails_env import rails_folders
from doctor.project.reading import is_file, read_regular_text
from doctor.project.types import Service
from doctor.regular import text_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

LOADER = RAILS_LOADER
# where the overwrite must be set to count: before the railtie's before_configuration load
BOOT_FILES = ("config/application.rb", "config/boot.rb")
# dotenv 3's `Dotenv::Rails.overwrite = true`, dotenv 2's `Dotenv::Railtie.overload` (a call, not a comment)
OVERWRITE = lazy(r"^\s*(Dotenv::Rails\.overwrite\s*=\s*)true\b|^\s*Dotenv::Railtie\.(overload)\b", re.MULTILINE)
GEM = lazy(r"""^\s*gem\s+["']dotenv(?:-rails)?["']""")
GROUP = lazy(r"^\s*group\b\s*\(?(.*?)\)?\s+do\b")
BLOCK = lazy(r"\bdo\b(?:\s*\|[^|]*\|)?\s*(?:#.*)?$")
END = lazy(r"^\s*end\b")
OPENS = lazy(r"^\s*(?:if|unless|case|while|until|begin|def|class|module)\b")
INLINE_GROUPS = lazy(r"\bgroups?:\s*(.*)$")


def rails_calls(project: Project, service: Service, codes: CodeMap) -> tuple[DotenvCall, ...]:
    """The railtie's overwriting load in the service's Rails app, where its Gemfile loads dotenv in the
    service's RAILS_ENV (compose's over the image's ENV, else development): the files it reads, the
    first winning, as one call at the line that asks for the overwrite."""
    process = {**image_env(project, service),
               **{n: v.value for n, v in service.environment.items() if v.value is not None}}
    current = process.get("RAILS_ENV") or process.get("RACK_ENV") or "development"
    for folder in rails_folders(project, service, codes):
        if not _gem_loaded(read_regular_text(folder / "Gemfile", 64 * 1024) or "", current):
            return ()
        at = _overwrite_line(folder)
        if at is None:
            return ()
        names = (f".env.{current}.local", *(() if current == "test" else (".env.local",)), f".env.{current}", ".env")
        inside = [codes.to_container(folder / name) for name in names]
        # an overwriting load applies the files last to first, so that the first one's values stay
        candidates = tuple(("abs", path) for path in reversed(inside) if path is not None)
        text = text_lines(read_regular_text(at.path, 256 * 1024) or "")[(at.line or 1) - 1].strip()
        return (DotenvCall(at, True, candidates, text, True, LOADER),)
    return ()


def rails_loads(project: Project, service: Service, codes: CodeMap) -> tuple[DotenvCall, ...]:
    """The railtie's load that overwrites nothing, in the service's Rails app whose Gemfile loads dotenv in
    its RAILS_ENV and asks no overwrite (that one is rails_calls', for dotenv-override): each of its files
    that reaches the container, the first winning, fills what compose and the image leave unset (rubyforgood/
    casa's `.env` from `.env.example`, `POSTGRES_PORT` that config/database.yml reads and docker.env does not
    set), as one call at the Gemfile's `gem "dotenv-rails"` line."""
    process = {**image_env(project, service),
               **{n: v.value for n, v in service.environment.items() if v.value is not None}}
    current = process.get("RAILS_ENV") or process.get("RACK_ENV") or "development"
    for folder in rails_folders(project, service, codes):
        gemfile = folder / "Gemfile"
        text = read_regular_text(gemfile, 64 * 1024) or ""
        if not _gem_loaded(text, current) or _overwrite_line(folder) is not None:
            return ()
        line = next((number for number, each in enumerate(text_lines(text), 1) if GEM.match(each)), 1)
        names = (f".env.{current}.local", *(() if current == "test" else (".env.local",)), f".env.{current}", ".env")
        inside = [codes.to_container(folder / name) for name in names]
        candidates = tuple(("abs", path) for path in inside if path is not None)
        said = text_lines(text)[line - 1].strip() if text else ""
        keys = _not_merged_under(project, folder, names, process)
        return (DotenvCall(Location(gemfile, line), False, candidates, said, True, LOADER, keys),)
    return ()


# a connection setting of config/database.yml taken from a variable: `host: <%= ENV.fetch("DATABASE_HOST") { ... } %>`
_DB_SETTING = lazy(r"""^\s+(?:host|port|username|user|password|database)\s*:.*?\bENV(?:\.fetch\(\s*|\[\s*)"""
                   r"""['"](\w+)['"]""", re.MULTILINE)


def _not_merged_under(project: Project, folder: Path, names: tuple[str, ...],
                      process: dict[str, str]) -> tuple[str, ...] | None:
    """The keys of the railtie's files that still count where the process has DATABASE_URL (compose's or the
    image's): Rails merges the URL over config/database.yml, its host, port, user, password and database
    winning, so the variables database.yml reads for those (a host `.env`'s `DATABASE_HOST=localhost` beside
    compose's `DATABASE_URL: postgres://postgres@database:5432/app`) dial nothing; None (every key) without it."""
    if not process.get("DATABASE_URL"):
        return None
    used = set(_DB_SETTING.findall(read_regular_text(folder / "config" / "database.yml", 256 * 1024) or ""))
    if not used:
        return None
    keys: dict[str, None] = {}
    for name in names:
        read = project.env_file(folder / name) if is_file(folder / name) else None
        keys.update(dict.fromkeys(k for k in (read.as_dict() if read is not None else {}) if k not in used))
    return tuple(keys)


def overwrite_edit(text: str) -> str | None:
    """The line with its overwrite turned off (`= false`, `Dotenv::Railtie.load`), else None."""
    match = OVERWRITE.search(text)
    if match is None:
        return None
    if match.group(1) is not None:
        return text[: match.end(1)] + "false" + text[match.end():]
    return text[: match.start(2)] + "load" + text[match.end(2):]


def _overwrite_line(folder: Path) -> Location | None:
    for name in BOOT_FILES:
        path = folder / name
        if not is_file(path):
            continue
        text = read_regular_text(path, 256 * 1024) or ""
        match = OVERWRITE.search(text)
        if match is not None:
            return Location(path, text.count("\n", 0, match.start()) + 1)
    return None


def _gem_loaded(gemfile: str, current: str) -> bool:
    """Whether the Gemfile's dotenv gem is required in `current`: outside any group, or in a group that
    names it (`group :development, :test do`); Bundler.require(*Rails.groups) leaves the others out."""
    groups: list[str | None] = []  # the open blocks: a group's names, None for another `do` block
    for line in gemfile.splitlines():
        if line.lstrip().startswith("#"):
            continue
        if (group := GROUP.match(line)) is not None:
            groups.append(group.group(1))
        elif BLOCK.search(line) or OPENS.match(line):
            groups.append(None)
        elif END.match(line) and groups:
            groups.pop()
        elif GEM.match(line):
            named = [g for g in groups if g is not None]
            if (inline := INLINE_GROUPS.search(line)) is not None:  # `gem "dotenv-rails", groups: [:development]`
                named.append(inline.group(1))
            return all(re.search(rf"(?<![\w]){re.escape(current)}\b", g) for g in named)
    return False

