"""What a service's entrypoint script destroys before it hands the command on (`exec "$@"`).

django-on-docker's app/entrypoint.sh runs `python manage.py flush --no-input` (every row of the
database deleted), then `migrate`, then `exec "$@"`: a `docker compose run --rm web python manage.py
test` wipes the dev database before the tests start, and so does every `up`. `exec` into a running
container skips the entrypoint; a `run` (or the `up` that starts the service) does not.

The script is read, never run: each simple command of the lines before the hand-off, judged by its
words (`echo "rails db:reset"` prints, it does not reset). What counts, and nothing else:

- Django: `manage.py flush`, `manage.py reset_db` (django-extensions), `django-admin flush`, and
  `manage.py sqlflush` piped into a database client
- Flask-Migrate / Alembic: `flask db downgrade base`, `alembic downgrade base`
- Rails: `rails` or `rake` `db:drop`, `db:reset`, `db:setup`, `db:schema:load`, `db:purge`,
  `db:migrate:reset`, `db:truncate_all`
- Prisma: `prisma migrate reset`, `prisma db push --force-reset`
- Node: `sequelize db:drop`, `knex migrate:rollback --all`
- `dropdb`; `DROP DATABASE`, `DROP SCHEMA`, `DROP TABLE` or `TRUNCATE` given to psql, mysql,
  mariadb, sqlite3 or `manage.py dbshell` (`-c`/`-e`, piped from echo/printf, or a here-document)
- `rm` of a data path: a database file (`*.sqlite3`, `*.db`) or a folder named for data
  (`data`, `pgdata`, `postgres`, `mysql`, `media`, `uploads`, ...), outside /tmp, /run and /var/tmp

Not: `migrate`, `collectstatic`, `db:migrate`, `db:prepare`, `wait-for-it`, `rm -f /tmp/*.pid`,
`rm -rf /tmp/...`, a target doctor cannot read (`rm -rf "$DIR"`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project import Project
from doctor.project.service_entrypoint import HANDS_ON, STARTS_ITSELF
from doctor.project.shellwords import pipelines, simple_commands
from doctor.regular import text_lines

SCRIPT_LIMIT = 256 * 1024  # an entrypoint script is a page or two; a bigger file is not read


@record
class Wipe:
    """A command of an entrypoint script that destroys data, where it is and what it does."""

    path: Path  # the script on the host
    line: int  # 1-based
    command: str  # the line as written
    does: str  # "Django's flush: deletes every row of the database"
    conditional: bool  # inside an `if`/`case`: it may not run

    def said(self, project: Project) -> str:
        """`app/entrypoint.sh:14 runs `python manage.py flush --no-input` (Django's flush: ...)`."""
        verb = "may run" if self.conditional else "runs"
        return f"{project.shown(self.path)}:{self.line} {verb} `{self.command}` ({self.does})"


def entrypoint_wipe(project: Project, service: str) -> Wipe | None:
    """The first command destroying data that the service's entrypoint script runs before it hands the
    run's command on (`exec "$@"`), None where it runs none, or doctor reads no such script (a pulled
    image's, one that does not hand the command on: `run` replaces that one with `--entrypoint ''`)."""
    from doctor.project.reading import read_regular_text
    from doctor.project.service_entrypoint import entrypoint_script

    script = entrypoint_script(project, service)
    text = read_regular_text(script, SCRIPT_LIMIT) if script is not None else None
    if script is None or text is None:
        return None
    found = next(iter(wipes(text)), None)
    return None if found is None else Wipe(script, *found)


def wipes(text: str) -> Iterator[tuple[int, str, str, bool]]:
    """(line, command as written, what it does, inside a conditional) for each command of a shell
    script that destroys data before the line handing its arguments on (`exec "$@"`); nothing for a
    script with no such line."""
    lines = text_lines(text)
    end = next((n for n, line in enumerate(lines) if HANDS_ON.match(line) and not STARTS_ITSELF.search(line)), None)
    if end is None:
        return
    depth, heredoc, client = 0, "", False
    for number, line in enumerate(lines[:end], start=1):
        stripped = line.strip()
        if heredoc:  # a here-document's text: SQL for a database client, else data, never commands
            if stripped == heredoc:
                heredoc = ""
            elif client and _SQL.search(line):
                yield number, stripped, "SQL that drops or empties tables", depth > 0
            continue
        if not stripped or stripped.startswith("#"):
            continue
        opened = _HEREDOC.search(line)
        if opened:
            heredoc, client = opened.group(1), any(_client(words) for words in simple_commands(line))
        opens = _OPENS.match(stripped) is not None
        depth = max(0, depth + opens - len(_CLOSES.findall(stripped)))
        does = _destroys(stripped)
        if does is not None:  # `if ...; then flush; fi` on one line, or `[ "$RESET" = 1 ] && flush`: it may not run
            yield number, stripped, does, depth > 0 or opens or _GUARDED.match(stripped) is not None


def _destroys(line: str) -> str | None:
    """What a shell line's commands destroy, or None."""
    for stages in pipelines(line):
        commands = [words for stage in stages for words in simple_commands(stage)]
        for at, words in enumerate(commands):
            does = _command_destroys(_program_words(words))
            if does is None and at and _client(commands[at]) and _feeds_sql(commands[:at]):
                does = "SQL that drops or empties tables"
            if does is not None:
                return does
    return None


def _command_destroys(words: Sequence[str]) -> str | None:
    """What one simple command (its program first) destroys, or None."""
    if not words:
        return None
    program = words[0]
    if program in _SHELLS and "-c" in words[1:-1]:  # `sh -c "python manage.py flush && ..."`
        return _destroys(words[words.index("-c") + 1])
    rest = [w for w in words[1:] if not w.startswith("-")]
    if program in ("manage.py", "django-admin"):  # `python manage.py flush`: _program_words starts at manage.py
        return _DJANGO_TASKS.get(rest[0]) if rest else None
    if program in ("flask", "alembic") and "downgrade" in rest and rest[-1:] == ["base"]:
        return "a downgrade to base: drops every table its migrations made"
    if program in ("rails", "rake"):
        task = next((w for w in rest if w in _RAILS_TASKS), None)
        return f"Rails' {task}: drops or reloads the database" if task else None
    if program == "prisma":
        if rest[:2] == ["migrate", "reset"] or (rest[:2] == ["db", "push"] and "--force-reset" in words):
            return "Prisma's reset: drops the database and recreates it"
        return None
    if program in ("sequelize", "sequelize-cli") and "db:drop" in rest:
        return "sequelize's db:drop: drops the database"
    if program == "knex" and "migrate:rollback" in rest and "--all" in words:
        return "knex's rollback --all: undoes every migration"
    if program == "dropdb":
        return "dropdb: drops the database"
    if _client(words) and _sql_argument(words):
        return "SQL that drops or empties tables"
    if program == "rm" and any(_data_path(w) for w in rest):
        return "deletes a data path"
    return None


def _program_words(words: Sequence[str]) -> list[str]:
    """The command from its program on: assignments, `exec`, wrappers (`gosu app`, `bundle exec`, `npx`)
    skipped; `python manage.py` kept whole (its program is `manage.py`)."""
    words = list(words)
    while words:
        first = posixpath.basename(words[0])
        if words[1:2] and (first, words[1]) in _RUNNER_VERBS:
            words = words[2:]
        elif _ASSIGNMENT.match(words[0]) or first in _PREFIXES or (first in _PREFIXES_WITH_ARGUMENT and len(words) > 1):
            words = words[2:] if first in _PREFIXES_WITH_ARGUMENT else words[1:]
        elif words[0].startswith("-") and len(words) > 1:
            words = words[1:]  # an option of a skipped wrapper (`env -i`, `npx --yes`)
        else:
            break
    if words and _PYTHON.fullmatch(posixpath.basename(words[0])):
        script = next((w for w in words[1:] if not w.startswith("-")), "")
        return [script, *words[words.index(script) + 1:]] if script.endswith("manage.py") else words
    return [posixpath.basename(words[0]), *words[1:]] if words else words


def _client(words: Sequence[str]) -> bool:
    program = _program_words(words)
    return bool(program) and (program[0] in _CLIENTS or (program[0] == "manage.py" and "dbshell" in program))


def _sql_argument(words: Sequence[str]) -> bool:
    """`psql -c "DROP DATABASE x"`, `mysql -e 'TRUNCATE t'`: the SQL of the client's own options."""
    return any(_SQL.search(w) for w in words[1:])


def _feeds_sql(commands: Sequence[Sequence[str]]) -> bool:
    """Whether the stages before a client print SQL that drops or empties (`echo "DROP ..."`), or
    Django's `sqlflush`."""
    for words in commands:
        program = _program_words(words)
        if program and program[0] in ("echo", "printf", "cat") and _sql_argument(program):
            return True
        if program and program[0] == "manage.py" and "sqlflush" in program:
            return True
    return False


def _data_path(word: str) -> bool:
    """A path `rm` is given that names a database's files or a data folder, outside scratch places."""
    path = word.strip("\"'")
    if path.startswith(_SCRATCH) or _SCRATCH_VARIABLE.match(path):
        return False
    parts = [p.strip("${}").lower() for p in path.split("/") if p and p not in (".", "..", "*")]
    if not parts:
        return False
    if _DATABASE_FILE.search(parts[-1]):
        return True
    return any(part in _DATA_FOLDERS for part in parts)


_DJANGO_TASKS = {"flush": "Django's flush: deletes every row of the database",
                 "reset_db": "django-extensions' reset_db: drops the database and recreates it"}
_RAILS_TASKS = frozenset({"db:drop", "db:reset", "db:setup", "db:schema:load", "db:purge", "db:migrate:reset",
                          "db:truncate_all", "db:drop:_unsafe"})
_CLIENTS = frozenset({"psql", "mysql", "mariadb", "sqlite3"})
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "su"})  # `su postgres -c "dropdb app"` too
_PYTHON = lazy(r"python[\d.]*")
_PREFIXES = frozenset({"exec", "env", "time", "nice", "nohup", "command", "sudo", "npx", "bunx", "yarn", "pnpm",
                       "tini", "dumb-init"})
_PREFIXES_WITH_ARGUMENT = frozenset({"gosu", "su-exec", "s6-setuidgid", "chpst"})
_RUNNER_VERBS = frozenset({("bundle", "exec"), ("poetry", "run"), ("uv", "run"), ("pipenv", "run"), ("pdm", "run"),
                           ("pnpm", "exec"), ("pnpm", "dlx"), ("yarn", "run"), ("npm", "exec")})
_ASSIGNMENT = lazy(r"[A-Za-z_]\w*=")
# statements that drop or empty: `truncate -s 0 app.log` is coreutils', judged only as a client's SQL
_SQL = lazy(r"\b(?:DROP\s+(?:DATABASE|SCHEMA|TABLE)|TRUNCATE)\b", re.IGNORECASE)
_HEREDOC = lazy(r"(?<!<)<<(?!<)-?\s*[\"']?(\w+)[\"']?")  # not a here-string (`<<<`)
# a compound command's start and end (`done` of `echo done` is a word, not the end of a loop)
_OPENS = lazy(r"(?:if|case|while|until|for)\b")
_CLOSES = lazy(r"(?:^|;)\s*(?:fi|esac|done)\b")
_GUARDED = lazy(r"(?:\[\[?|test)\s.*(?:&&|\|\|)")
_SCRATCH = ("/tmp/", "/var/tmp/", "/run/", "/var/run/", "/dev/shm/")
_SCRATCH_VARIABLE = lazy(r"\$\{?TMPDIR\b")
_DATABASE_FILE = lazy(r"\.(?:sqlite3?|db)(?:-journal|-wal|-shm)?$")
_DATA_FOLDERS = frozenset({"data", "pgdata", "postgres", "postgresql", "mysql", "mariadb", "mongo", "mongodb",
                           "database", "databases", "media", "uploads", "storage"})
