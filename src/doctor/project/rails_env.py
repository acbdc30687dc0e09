"""The defaults a Rails app's config/*.yml give the variables compose leaves unset, read (never run).

Rails reads config/database.yml and config/cable.yml through ERB: nickjj/docker-rails-example's
`host: "<%= ENV.fetch('POSTGRES_HOST') { 'postgres' } %>"` dials `postgres` until POSTGRES_HOST is
set. Where the fallback is `localhost` (`{ 'localhost' }`, a Rails app made on the host and moved
into compose), or a name no service has, the app in its container dials that: a value of its
environment as much as an `.env` line would be, placed at the ERB's line. Read: `ENV.fetch('KEY')
{ 'value' }`, `ENV.fetch('KEY', 'value')` and `ENV['KEY'] || 'value'` whose value may name a host (a
URL, a `*_HOST` key), in a YAML file under the config/ folder of a Rails app (`config/application.rb`
beside it) that reaches a service running Ruby (its image, or its start: `rails s`, `bundle exec
sidekiq`), in the sections that environment reads: its RAILS_ENV's (`development` where unset) and
the ones it merges by anchor (`<<: *default`; not an anchored section only another environment merges); a
key the process holds keeps its value, and so does one dotenv's railtie loads at boot where the Gemfile has
it (`gem "dotenv-rails"`: `.env.$RAILS_ENV.local`, `.env.local`, `.env.$RAILS_ENV`, `.env`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.app_markers import LIBPQ_KEYS
from doctor.project.codepaths import CodeMap
from doctor.project.digits import written_number
from doctor.project.env_hosts import might_name_host
from doctor.project.reading import is_dir, is_file, read_regular_text
from doctor.project.types import Service
from doctor.regular import text_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

FILES = ("database.yml", "cable.yml", "redis.yml", "sidekiq.yml")
# `ENV.fetch('KEY') { 'value' }`, `ENV.fetch("KEY", "value")`, `ENV['KEY'] || 'value'`
DEFAULT = lazy(r"""ENV\.fetch\(\s*(['"])(?P<a>\w+)\1\s*"""
               r"""(?:\)\s*\{\s*(['"])(?P<b>[^'"{}]*)\3\s*\}|,\s*(['"])(?P<c>[^'"]*)\5\s*\))"""
               r"""|ENV\[\s*(['"])(?P<d>\w+)\7\s*\]\s*\|\|\s*(['"])(?P<e>[^'"]*)\9""")
SECTION = lazy(r"^([A-Za-z_][\w-]*)\s*:\s*(&\w+)?")
# a section's merge of an anchored one (`<<: *default`), or a section that is an alias whole (`test: *default`)
MERGED = lazy(r"(?:<<\s*:|^[A-Za-z_][\w-]*\s*:)\s*\*(\w+)")
# the Gemfile's dotenv (`gem "dotenv-rails"`, dotenv 3's `gem "dotenv"`): its railtie loads .env files at boot
DOTENV_GEM = lazy(r"""^\s*gem\s+["']dotenv(?:-rails)?["']""", re.MULTILINE)
# a literal `host: localhost` (or `port: 5433`, `adapter: mysql2`) of config/database.yml, no ERB
LITERAL = lazy(r"""^(\s+)(host|port|adapter):\s*(['"]?)([\w.:-]+)\3\s*(?:#.*)?$""")
ADAPTER_PORTS = {"postgresql": 5432, "postgis": 5432, "mysql2": 3306, "trilogy": 3306}
# libpq's own environment, which the pg gem reads for what database.yml leaves out
# (https://www.postgresql.org/docs/current/libpq-envars.html): ryanwi/rails7-on-docker's `.env` gives
# `PGHOST=db` to a database.yml with no `host:`
# any setting of a section (a literal or ERB): `host: <%= ENV["DB_HOST"] %>` leaves PGHOST unread too
SETTING = lazy(r"^\s+(host|port|url|adapter)\s*:\s*(.*?)\s*$")
# a key of a section whose value is a mapping below it: a database of a three-level file (`primary:`), or a
# mapping setting (`variables:`)
SUBKEY = lazy(r"^\s+([A-Za-z_][\w-]*)\s*:\s*(?:&\w+)?\s*(?:#.*)?$")


def rails_env(project: Project, service: Service, codes: CodeMap,
              environ: Mapping[str, str]) -> Iterator[tuple[str, str, Location]]:
    """The (key, value, line) the service's Rails app falls back to in its config/*.yml, for the keys
    `environ` (compose's over the image's ENV) leaves unset."""
    if not _boots_rails(project, service):
        return
    folders = [p.host for p in codes.live] + ([codes.context] if codes.context is not None else [])
    for folder in dict.fromkeys(folders):
        if not is_dir(folder) or not is_file(folder / "config" / "application.rb"):
            continue
        current = environ.get("RAILS_ENV") or environ.get("RACK_ENV") or "development"
        loaded = _dotenv_keys(project, folder, codes, current)
        for name in FILES:
            path = folder / "config" / name
            inside = codes.to_container(path)
            found = codes.to_host(inside) if inside is not None else None
            if found is None or found[0] != path or not is_file(path):
                continue
            for key, value, line in _defaults(read_regular_text(path, 256 * 1024) or "", current):
                if key not in environ and key not in loaded and might_name_host(key, value):
                    yield key, value, Location(path, line)
        return


def _dotenv_keys(project: Project, folder: Path, codes: CodeMap, current: str) -> frozenset[str]:
    """The keys dotenv's railtie gives the app at boot where the Gemfile has it (`gem "dotenv-rails"`): from
    `.env.{env}.local`, `.env.local` (not under test), `.env.{env}` and `.env` that reach the container; the
    ERB fallback of such a key is not what the app dials."""
    if not DOTENV_GEM.search(read_regular_text(folder / "Gemfile", 64 * 1024) or ""):
        return frozenset()
    names = (f".env.{current}.local", *(() if current == "test" else (".env.local",)), f".env.{current}", ".env")
    keys: set[str] = set()
    for name in names:
        path = folder / name
        if is_file(path) and codes.to_container(path) is not None and (read := project.env_file(path)) is not None:
            keys.update(read.as_dict())
    return frozenset(keys)


def rails_folders(project: Project, service: Service, codes: CodeMap) -> Iterator[Path]:
    """The Rails app folder (config/application.rb) that reaches the service, where it runs Ruby."""
    if not _boots_rails(project, service):
        return
    folders = [p.host for p in codes.live] + ([codes.context] if codes.context is not None else [])
    for folder in dict.fromkeys(folders):
        if is_dir(folder) and is_file(folder / "config" / "application.rb"):
            yield folder
            return


def _boots_rails(project: Project, service: Service) -> bool:
    """Whether the service may boot the Rails app it carries: it runs Ruby (its image, or its start), and
    its start is no tool that only reads the code (code_readers: hcb's `bundle exec solargraph socket`, a
    language server that never loads the railtie's `.env.development` nor config/database.yml)."""
    from doctor.project.code_readers import code_reader
    from doctor.project.toolchains import service_runtime, starts_runtime

    if service_runtime(project, service) != "ruby" and not starts_runtime(project, service, "ruby"):
        return False
    return code_reader(project, service) is None


def libpq_reader(project: Project, service: Service, name: str) -> Path | None:
    """The config/database.yml of the service's Rails app whose sections for its RAILS_ENV use the postgresql
    adapter with no `url:` and no setting of what `name` (PGHOST, PGPORT) gives libpq, with DATABASE_URL unset:
    the pg gem then dials what the variable says; else None."""
    from doctor.project.appenv import image_env

    setting = LIBPQ_KEYS.get(name)
    if setting is None:
        return None
    process = {**image_env(project, service),
               **{n: v.value for n, v in service.environment.items() if v.value is not None}}
    if "DATABASE_URL" in process:
        return None  # Rails merges it over the section, and libpq takes the URL's host
    codes = project.code_map(service)
    for folder in rails_folders(project, service, codes):
        path = folder / "config" / "database.yml"
        inside = codes.to_container(path)
        mapped = codes.to_host(inside) if inside is not None else None
        if mapped is None or mapped[0] != path or not is_file(path):
            return None
        text = read_regular_text(path, 256 * 1024) or ""
        sections = used_sections(text, process.get("RAILS_ENV") or process.get("RACK_ENV") or "development")
        if any(settings.get("adapter") in ("postgresql", "postgis") and "url" not in settings
               and setting not in settings for settings in databases(text, sections)):
            return path
    return None


def databases(text: str, sections: frozenset[str]) -> list[dict[str, str]]:
    """The settings of each database the `sections` of database.yml configure: one for a two-level file; for
    Rails 6's three-level one (`development:` holding `primary:` and `queue:`), one per database, each with the
    settings of the section's own level and of the sections it merges (`<<: *default`) under its own, so a
    `queue:` with `host: db` gives no host to a `primary:` that names none."""
    shared: dict[str, str] = {}
    subs: list[dict[str, str]] = []
    used, level, below = True, -1, -1
    for line in text_lines(text):
        section = SECTION.match(line)
        if section is not None:
            used, level, below = section.group(1) in sections, -1, -1
            continue
        stripped = line.lstrip()
        if not used or not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        level = indent if level < 0 else level
        if below >= 0 and indent <= below:
            below = -1
        if indent == level and (key := SUBKEY.match(line)) is not None and key[1] != "<<":
            below = indent
            subs.append({})
        elif (match := SETTING.match(line)) is not None:
            (subs[-1] if below >= 0 else shared)[match[1]] = match[2].strip("'\"")
    return [{**shared, **own} for own in subs] or [shared]


def literal_host(text: str, current: str) -> tuple[int, int, str, int] | None:
    """(line, column, host, port) of database.yml's literal `host:` in the sections the environment
    `current` reads, with its literal `port:` there, else its adapter's default; None where the host,
    the port or the adapter is ERB or absent (an ERB host is rails_env's)."""
    used, host, port, adapter = True, None, None, None
    sections = used_sections(text, current)
    for number, line in enumerate(text_lines(text), 1):
        section = SECTION.match(line)
        if section is not None:
            used = section.group(1) in sections
            continue
        match = LITERAL.match(line) if used and ":" in line else None
        if match is None:
            continue
        if match[2] == "host":
            host = (number, len(match[1]) + line[len(match[1]):].index(match[4]) + 1, match[4])
        elif match[2] == "port" and (value := written_number(match[4])) is not None:
            port = value
        elif match[2] == "adapter":
            adapter = match[4]
    dialed = port if port is not None else ADAPTER_PORTS.get(adapter or "")
    return (*host, dialed) if host is not None and dialed is not None else None


def used_sections(text: str, current: str) -> frozenset[str]:
    """The top-level sections the environment `current` reads: its own, and those whose anchors it merges
    (`<<: *default`, `test: *default`), theirs in turn; not an anchored section no used one merges
    (`production: &production` that only `staging` merges)."""
    merges: dict[str, set[str]] = {}
    anchors: dict[str, str] = {}
    name = ""
    for line in text_lines(text):
        section = SECTION.match(line)
        if section is not None:
            name = section.group(1)
            if section.group(2):
                anchors[section.group(2)[1:]] = name
        for alias in MERGED.findall(line) if name and "*" in line else ():
            merges.setdefault(name, set()).add(alias)
    used, todo = {current}, [current]
    while todo:
        for alias in merges.get(todo.pop(), ()):
            merged = anchors.get(alias)
            if merged is not None and merged not in used:
                used.add(merged)
                todo.append(merged)
    return frozenset(used)


def _defaults(text: str, current: str) -> Iterator[tuple[str, str, int]]:
    """(key, default, line) of the ERB reads in the sections the environment `current` uses."""
    used, sections = True, used_sections(text, current)
    for number, line in enumerate(text_lines(text), 1):
        section = SECTION.match(line)
        if section is not None:
            used = section.group(1) in sections
            continue
        if not used or "<%" not in line or line.lstrip().startswith("#"):
            continue
        for match in DEFAULT.finditer(line):
            key = match.group("a") or match.group("d")
            value = next(v for v in (match.group("b"), match.group("c"), match.group("e")) if v is not None)
            if key and value and "#{" not in value:
                yield key, value, number


