"""Every secret value a project defines, and the names it must not mistake for one.

The Redactor masks by value what this module collects: the values of secret-looking keys in
the interpolation environment, in each service's `environment` and in every env file it reads (a
profile's services too, on or not)
(also one outside the project), and whatever the shapes of `doctor.redact` find in the raw
text of the compose files and env files — build args, labels, URL userinfo, `-p` passwords in
commands and healthchecks, token formats — and every value that is a credential by its shape
under whatever key (`doctor.secret_shapes`: `NEXTAUTH=<40 hex>`). A value holding a secret is
never taken for a name the project shows in the clear. Files are read plainly (no YAML parser), regular
files only and at most MAX_FILE bytes each, so a FIFO or a device never hangs or floods a run.
"""

from __future__ import annotations

import os
import re
import stat
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from itertools import accumulate, pairwise
from pathlib import Path

from doctor.clean_digests import CleanDigests
from doctor.known_encoded import EncodedRedactor
from doctor.lazyre import lazy
from doctor.redact import Redactor, scrub, secrets_in_mapping, secrets_in_pair
from doctor.secret_keys import secret_for_key
from doctor.secret_named import user_secret
from doctor.secret_shapes import BLANK, looks_like_credential, matches_at, places
from doctor.secret_urls import whole_url_password

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.types import Problem, Service

MAX_FILE = 4 * 1024 * 1024
# the line patterns begin with the `\n` before their line, sought in "\n" + text: sre then looks for that one
# character in C and tries them at lines' starts alone (`^` with re.MULTILINE is tried at every position, ~130
# instructions each: ~8M of otel-demo's texts), the same matches, each starting a character before its line
_ASSIGNMENT_LINE = lazy(r"\n[ \t]*+(?:export[ \t]++|-[ \t]++)?[\"']?(?P<k>[A-Za-z_][\w.-]*+)[\"']?[ \t]*+[=:][ \t]*+"
                        r"(?P<v>\"[^\"\n]*+\"|'[^'\n]*+'|[^\s#]\S*+)(?:[ \t]++#[^\n]*+)?[ \t]*+$", re.MULTILINE)
# `DATABASE_URL=redis://:p@ss w0rd@cache:6379`: an env file's value is its whole line
_URL_LINE = lazy(r"^[ \t]*+(?:export[ \t]++)?[A-Za-z_][\w.-]*+[ \t]*+=[ \t]*+[\"']?+(?P<v>[A-Za-z][\w+.-]*+://[^\n]*+)$",
                 re.MULTILINE)
_ENV_LINE_NO_SEP = lazy(r"\n[ \t]*+(?:export[ \t]++)?(?P<k>[A-Za-z_][\w.-]*+)[ \t]++(?P<v>[^=:\s][^\n]*+)$",
                        re.MULTILINE)


def project_redactor(project: Project, *extra: Mapping[str, str | None]) -> Redactor:
    """The Redactor for everything doctor prints about `project` (reports, diffs, baseline, prompts)."""
    return projects_redactor((project,), *extra)


def projects_redactor(projects: Iterable[Project], *extra: Mapping[str, str | None]) -> Redactor:
    """One Redactor for everything doctor prints about several projects at once (`doctor ports`:
    every checkout's), and the `extra` mappings (the environment)."""
    values: set[str] = set().union(*(secrets_in_mapping(mapping) for mapping in extra))
    names: set[str] = set()
    for number, project in enumerate(projects):
        found, shown = _project_secrets(project, *(extra if number == 0 else ()))  # its clear values too
        values |= found
        names |= shown
    # what the output border found no secret in by shape: 16-byte digests, as it prints whatever they cover
    # each value base64-encoded too (`sent RGJwNHNzVzByZFg=`): doctor.known_encoded
    return EncodedRedactor(values, names, CleanDigests("scrub-clean", b"doctor-scrub", 16, kept_at_flush=True))


def _project_secrets(project: Project, *extra: Mapping[str, str | None]) -> tuple[set[str], set[str]]:
    """The secret values `project` (and the `extra` mappings) define, and the names it shows in the clear."""
    from doctor.known_inputs import app_dotenv_files, bound_secret_files, dockerfiles
    from doctor.project.mounted_env import mounted_files
    from doctor.secret_scripts import run_scripts

    compose = project.compose
    values: set[str] = set()
    names: set[str] = {compose.project_name, *compose.networks}
    paths: set[Path] = set(compose.files)
    mappings: list[Mapping[str, str | None]] = [compose.variables, *extra]
    judged = _Judged()
    # the volumes, configs and secrets it names (a volume `postgres` beside POSTGRES_PASSWORD: postgres on a
    # postgis image: `volume '***'`; a secret's name read under `secrets:` as its value)
    names.update(compose.external_volumes)
    names.update(compose.external_volumes.values())
    names.update(compose.external_networks.values())
    names.update(name for _kind, name, *_ in compose.secret_sources)
    # a profile's services too, on or not: `up --profile worker` ran them, a `doctor why` without it reports them
    services = (*compose.services.values(), *compose.profiled.values())
    for service in services:
        names.update(filter(None, (service.name, service.container_name, service.hostname)))
        names.update(m.source for m in service.volumes if m.type == "volume" and m.source)
        if "POSTGRES_PASSWORD" in service.environment and "POSTGRES_USER" not in service.environment:
            # the superuser every postgres-based image (postgis, pgvector, timescale) makes by default: shown
            # in a log's `user "postgres"`, as POSTGRES_USER=postgres written out would be
            names.add("postgres")
        for network in service.networks.values():
            names.update((network.name, *network.aliases))
        mappings.append({key: var.value for key, var in service.environment.items()})
        paths.update(service.env_files)
        # isfile, not Path.is_file: False, not PermissionError, in a folder this user cannot enter
        paths.update(p for p in mounted_files(service) if os.path.isfile(p))  # fba's .env.server on the app's .env
        paths.update(p for p in run_scripts(service) if os.path.isfile(p))  # `export API_TOKEN=...` in a script it runs
        command = service.command
        if command:
            values |= judged.in_text(command if isinstance(command, str) else " ".join(command))
    dotenv = project.dotenv
    if dotenv is not None:
        mappings.append(dotenv.as_dict())
        paths.add(dotenv.path)
    values |= _template_phrases(project, services)
    paths.update(p.location.path for p in compose.problems if p.location is not None and p.location.path)
    # the files `include:` and `extends: file:` bring in: where their services and variables are written
    paths.update(s.location.path for s in compose.services.values() if s.location is not None and s.location.path)
    paths.update(u.location.path for u in compose.variable_uses if u.location is not None and u.location.path)
    paths.update(_extended_files(project))
    paths.update(app_dotenv_files(project.root, services))  # `.env.local` the app's dotenv loads
    paths.update(p for p in dockerfiles(services) if os.path.isfile(p))  # `ENV APP_DB_PASSWORD=...`, an `ARG` default
    # services repeat the same KEY=value pairs (LOG_LEVEL=info on every app): judge each pair once
    pairs = dict.fromkeys((key, value) for mapping in mappings for key, value in mapping.items())
    clear: list[tuple[str, str | None]] = []
    few = len(pairs) <= _FEW_PAIRS
    for key, value in pairs:
        found = judged.in_pair(key, value, known_first=few)
        if value and "-setcookie" in value:  # ERL_FLAGS=-setcookie <cookie>: Erlang's shared secret
            found = found | set(erlang_cookies(value))
        values |= found
        if not found:  # a value holding a secret (a DSN's key, a token by its shape) is no name
            clear.append((key, value))
    for path in sorted(paths):
        values |= _secrets_in_file(path)
    values |= _compose_secrets(project)
    values |= bound_secret_files(services)  # `./db_pass.txt:/run/secrets/db_pass`, DB_PASSWORD_FILE's file
    values |= _required_reasons(compose.problems)
    for service in services:
        names.update(_image_names(service.image, values))
    # a value shown under a plain key is masked by shape only where it is a word anyone would guess
    # (MYSQL_USER and MYSQL_ROOT_PASSWORD both `root`: masking it would turn "owned by root" into "owned by
    # ***"); any other that is also a secret's (POSTGRES_PASSWORD and LEGACY_VALUE both `Summer2024pw`) is
    # masked wherever it stands, that plain key's too
    names.update(v for v in _clear_values(clear) if v not in values or len(v) < 8 or v.isalpha())
    judged.keep()
    return values, names


def _template_phrases(project: Project, services: Iterable[Service]) -> set[str]:
    """The values of several words under secret keys in the env files' templates (`.env.example`,
    `backend/.env.example`), whole, read as compose reads an env file: env-drift's fix copies or appends from
    them, and its diff printed a template's `DB_PASSWORD=correct horse battery staple` as `DB_PASSWORD=***
    horse battery staple` (the key masks the first word alone). Not a JSON or list value: the Redactor masks a
    value's long words too, and joanie's `JOANIE_JWT_USER_FIELDS_SYNC={"username": "preferred_username", ...}`
    masked `{"username":` in another line's comment; nor a one-word placeholder (`changeme2024`), which the
    key masks where it is written and is left readable elsewhere (tests/test_redact_known_dotenvs.py)."""
    from doctor.project import template_names

    example = project.env_example
    found = [example] if example is not None else []
    beside = {project.compose.project_dir / ".env", *(p for s in services for p in s.env_files),
              *(Path(p) for p in project.chosen_env_files or ())}
    listed: dict[Path, set[str]] = {}  # each folder listed once: `.env` has 48 template names to look for
    for path in sorted(beside):
        if path.parent not in listed:
            try:
                listed[path.parent] = set(os.listdir(path.parent))
            except OSError:
                listed[path.parent] = set()
        names = [name for name in template_names(path.name) if name in listed[path.parent]]
        found += [t for name in names if (t := project.env_file(path.with_name(name))) is not None]
    return {value.strip() for template in dict.fromkeys(found) for key, value in template.as_dict().items()
            if len(value.split()) > 1 and not _json_like(value) and secret_for_key(key, value)}


def _json_like(value: str) -> bool:
    """A JSON object or list (`{"username": "preferred_username"}`), not a placeholder in brackets
    (karakeep's `[generate with <openssl rand -base64 36>]`)."""
    text = value.strip()
    return text[:1] in "{[" and text[-1:] in "}]" and ('":' in text or '",' in text)


# pairs past which each is judged by its key before any digest (a big .env's 200,000 API_KEY_i secrets, each
# hashed for nothing); at most as many as the clean-pair memo keeps
_FEW_PAIRS = 1024


class _Judged(CleanDigests):
    """secrets_in_mapping of one pair and secrets_in_text of a command, answered at once for what a
    former run found no secret in (doctor.clean_digests: 8-byte digests, kind "secret-free"): the
    environment's and the services' pairs and commands are the same from run to run, and judging
    each costs ~40 us (~9 ms of otel-demo's 225 pairs, ~2 ms of the commands of a small project's
    services). A pair that holds a secret is judged again on every run."""

    def __init__(self) -> None:
        super().__init__("secret-free", b"doctor-clean")

    def in_pair(self, key: str, value: str | None, known_first: bool = False) -> set[str]:
        """`known_first`: the digest looked up before the key is judged, for a project of few pairs (a warm
        run judged every key again, key_kind's caches living one process: 3.1M instructions of clean-stack's
        warm preflight, 11.7M of otel-demo's); the same answer, as a secret by its key is never stored clean."""
        if known_first:
            return self._judged(f"pair\0{key}\0{'=' + value if value is not None else 'N'}",
                                lambda: secrets_in_pair(key, value))
        if value and secret_for_key(key, value):
            # a secret by its key is never found clean: judged without a digest that cannot be known (a big
            # .env's 200,000 API_KEY_i pairs were each hashed for nothing)
            return secrets_in_pair(key, value, by_key=True)
        return self._judged(f"pair\0{key}\0{'=' + value if value is not None else 'N'}",
                            lambda: secrets_in_pair(key, value, by_key=False))

    def in_text(self, text: str) -> set[str]:
        return self._judged(f"text\0{text}", lambda: secrets_in_text(text))

    def _judged(self, what: str, judge: Callable[[], set[str]]) -> set[str]:
        return self.judged(what, judge, lambda secrets: not secrets, set())


def _extended_files(project: Project) -> set[Path]:
    """The files the compose files' `extends: {file: ...}` name (the service they extend is written
    there): remembered per compose file stamp, as a warm run's model is not parsed again."""
    from doctor.project.memo import remember

    return {Path(p) for p in remember("extends-files", project.compose.files, None,
                                      lambda: tuple(sorted(map(str, _extends_in(project)))))}


def _extends_in(project: Project) -> set[Path]:
    found: set[Path] = set()
    for document in project.compose_documents():
        for doc in document.docs:
            services = doc.get("services") if isinstance(doc, dict) else None
            for service in services.values() if isinstance(services, dict) else ():
                extends = service.get("extends") if isinstance(service, dict) else None
                name = extends.get("file") if isinstance(extends, dict) else None
                if isinstance(name, str) and name and "${" not in name and "\0" not in name:
                    found.add(document.path.parent / name)
    return found


def secrets_in_text(text: str) -> set[str]:
    """Every secret value the shapes find in a file's text (env files, compose files, commands).

    Beyond `scrub`: YAML block lists are also read joined into one line (a `command:` or
    healthcheck `test:` written one argument per line), and an env-file line without `=`
    (`DB_PASSWORD hunter2`, which compose rejects and doctor reports) counts as key and value,
    each credential-shaped word in it as a value whatever the key (`CALLBACK q8z3k7m2...`).
    """
    found: set[str] = set()
    scrub(text, found.add)
    joined = _joined_block_lists(text)
    if joined:  # scrub("") finds nothing: a Dockerfile's or an env file's text holds no `- item` line
        scrub(joined, found.add)
    flow = _flow_lines(text)
    if flow:  # `labels: [Rk7...]`, `build: {args: {SEED: Tx9...}}`: read as the block form reads
        scrub(flow, found.add)
        text = f"{text}\n{flow}"
    lined = "\n" + text  # the line patterns' text (_ASSIGNMENT_LINE)
    for match in _ENV_LINE_NO_SEP.finditer(lined):  # compose quotes the whole line as a key it rejects
        key, value = match.group("k"), match.group("v").strip()
        if secret_for_key(key, value):
            found.add(value)
        if key == "ENV" and " " in value:  # a Dockerfile's legacy `ENV APP_DB_PASSWORD s3cret`: the rest is the value
            name, rest = value.split(None, 1)
            if "=" not in name and secret_for_key(name, rest.strip().strip("'\"")):
                found.add(rest.strip().strip("'\""))
        words = [key, *value.split()]  # each judged under the word before it (`ENV TINI_SHA <hex>` stays)
        # a word shorter than 12 is no credential's shape (a Dockerfile's RUN line is mostly such words)
        found.update(word for before, word in pairwise(words)
                     if len(word) >= 12 and looks_like_credential(word, before))
    # each such line holds a `://`: _URL_LINE tried at those lines' beginnings alone
    lines = sorted({text.rfind("\n", 0, at) + 1 for at in places(text, ("://",))})
    for match in matches_at(_URL_LINE, text, lines):
        value = match.group("v").rstrip()
        password = whole_url_password(value[:-1] if value.endswith(("'", '"')) else value)
        if password is not None:
            found.add(password)
    for match in _ASSIGNMENT_LINE.finditer(lined):  # `NEXTAUTH=<40 hex>`: a credential by its shape
        value = match.group("v").strip("'\"")
        # shorter than 12: neither a credential by its shape nor a `user:password` one (a compose file's most lines)
        if len(value) < 12 or _found_already(value, found):  # a big .env's every line: its key's secret, judged once
            continue
        if looks_like_credential(value, match.group("k")):
            found.add(value)
        elif (secret := user_secret(value, match.group("k"))) is not None:  # `deploy:<password>`
            found.add(secret)
    if "-setcookie" in text:
        found.update(erlang_cookies(text))
    found.update(spread_lines(text))
    return {v.strip("'\"") for v in found}


# `KEY: >-`, `KEY: |`, `KEY: "first words` or `KEY: first words`, the value going on over the more indented lines
_SCALAR_HEAD = lazy(r"\n(?P<i>[ \t]*+)[\"']?(?P<k>[A-Za-z_][\w.-]*+)[\"']?[ \t]*+:[ \t]++(?P<v>[^#\n][^\n]*+)$",
                    re.MULTILINE)
_BLOCK = lazy(r"[>|][-+0-9]*+(?:[ \t]++#[^\n]*+)?")


def spread_lines(text: str) -> set[str]:
    """Each line of a secret key's YAML value written over several lines (`MASTER_PASSPHRASE: >-` then
    `correct horse` and `battery staple`): compose folds it into one value, which a diff of the file never
    shows; the lines are what it shows, each masked as a secret of its own."""
    from doctor.secret_keys import key_kind

    found: set[str] = set()
    if ": " not in text and ":\t" not in text:  # no line is a head (its `:` has a blank after it): a cheap scan in C
        return found
    lines: list[str] = []
    starts: list[int] = []
    # sought in "\n" + text (as _ASSIGNMENT_LINE): a match's start is its line's in `text`, its end one past
    for match in _SCALAR_HEAD.finditer("\n" + text):
        first = match["v"].strip()
        if not key_kind(match["k"]) or first.startswith(("&", "*", "!", "{", "[")) or match.end() - 1 >= len(text):
            continue
        if not starts:  # the text's lines, split once it holds a secret key's value
            lines = text.split("\n")
            starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
        indent, block = len(match["i"].expandtabs()), _BLOCK.fullmatch(first) is not None
        spread: list[str] = [] if block else [first.lstrip("\"'")]
        number = bisect_right(starts, match.start())  # the line after its head
        while number < len(lines):
            line = lines[number]
            stripped = line.strip()
            if stripped and len(line) - len(line.lstrip()) <= indent:
                break
            if stripped and not stripped.startswith("#"):
                spread.append(stripped)
            number += 1
        if (len(spread) > 1 or (spread and block)) and secret_for_key(match["k"], " ".join(spread)):
            found.update(line.rstrip("\"'") for line in spread if len(line.strip("\"'")) >= 4)
    return found


_SETCOOKIE = lazy(r"(?<![\w-])-setcookie(?:[ \t]++|=)(?P<v>[^\s'\"$]++)")


def erlang_cookies(text: str) -> Iterable[str]:
    """The cookies `-setcookie <cookie>` gives an Erlang node (ERL_FLAGS, RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS,
    a release's vm.args): the secret every node of its cluster shares; a `$VAR` is no value."""
    return (match["v"] for match in _SETCOOKIE.finditer(text) if len(match["v"]) >= 4)


def _found_already(value: str, found: set[str]) -> bool:
    """Whether judging an assignment's value by its shape adds nothing: it is found already (a shape
    would add it again) and holds no colon (user_secret's `user:password` has one)."""
    return ":" not in value and value in found


def _flow_lines(text: str) -> str:
    """Each line holding a YAML flow collection twice more: its brackets and commas as blanks
    (`command: [redis-server, --requirepass, x]` -> `command: redis-server --requirepass x`), and
    each of its items on a line of its own (`{args: {SEED: x}}` -> `SEED: x`), quotes dropped; the
    shapes then read what they read in block form, not `[x]` or `x]` for a value."""
    lines: list[str] = []
    if "[" not in text and "{" not in text:  # no line holds one: not split line by line for nothing
        return ""
    for line in text.split("\n"):
        if "[" not in line and "{" not in line:
            continue
        key, colon, rest = line.partition(":")
        if not colon or not rest.strip().startswith(("[", "{")):
            continue
        items = [item.strip().strip("'\"") for item in rest.replace("{", ",").replace("}", ",").replace(
            "[", ",").replace("]", ",").split(",")]
        items = [item for item in items if item]
        if key.strip().lstrip("-").strip().strip("'\"") != "secrets":  # compose's names of secrets, no values
            lines.append(f"{key}: {' '.join(items)}")
        lines.extend(items)
    return "\n".join(lines)


def _joined_block_lists(text: str) -> str:
    """Each run of YAML `- item` lines as one line of space-separated items. An item that assigns
    nothing (`KEY=`) stays empty (`KEY=''`): jhipster's `- SPRING_DATASOURCE_PASSWORD=` took the next
    item, `SPRING_LIQUIBASE_URL=jdbc:...`, as its value, masked wherever that line was printed."""
    if "- " not in text:  # no line is an item (an env file's, most Dockerfiles'): not split line by line for nothing
        return ""
    lines: list[str] = []
    items: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("- "):
            item = stripped[2:].strip().strip("'\"")
            items.append(f"{item}''" if item.endswith(("=", ":")) else item)
            continue
        if items:
            lines.append(" ".join(items))
            items = []
    if items:
        lines.append(" ".join(items))
    return "\n".join(lines)


_REQUIRED = lazy(r"required variable (?P<k>[A-Za-z_]\w*+) is missing a value: (?P<r>.+)")
_WORD = lazy(r"[^\s,;:'\"()]{6,}+")


def _required_reasons(problems: Iterable[Problem]) -> set[str]:
    """The words of a secret variable's `${DB_PASSWORD:?...}` error text that look like one (letters and digits
    mixed, 6 or more): `${DB_PASSWORD:?the shared dev one is Dv8Pw2Kx5Qm}` tells compose's error, every report
    and the baseline the password it asks for."""
    from doctor.secret_keys import is_secret_key

    found: set[str] = set()
    for problem in problems:
        said = _REQUIRED.search(problem.message)
        if said is None or not is_secret_key(said["k"]):
            continue
        found.update(w for w in _WORD.findall(said["r"])
                     if any(c.isdigit() for c in w) and any(c.isalpha() for c in w))
    return found


SECRET_FILE = 64 * 1024  # a compose secret's file is a password, a key, a certificate: more is no secret's


def _compose_secrets(project: Project) -> set[str]:
    """The values of the compose secrets enabled services use: a `file:`'s text (and each of its lines), an
    `environment:` variable's value; a container that logs one (`using <key> as given`) shows it masked."""
    found: set[str] = set()
    variables = project.compose.variables
    for kind, _name, variable, path, _at in project.compose.secret_sources:
        if kind != "secret":
            continue
        if variable and variables.get(variable):
            found.add(str(variables[variable]).strip())
        if path:
            text = read_capped(Path(path), SECRET_FILE).strip()
            found.update(line.strip() for line in text.splitlines() if len(line.strip()) >= 4)
            if text:
                found.add(text)
    return {v for v in found if v}


def _secrets_in_file(path: Path) -> set[str]:
    """What the shapes find in one file's text: remembered per file stamp (doctor.project.memo),
    in the store beside the model cache, which holds the `.env` values already (0700, the
    user's own): scanning a big compose file's text costs ~15 ms of every run otherwise."""
    from doctor.project.memo import remember

    return remember("secrets-in-text", (path,), MAX_FILE, lambda: secrets_in_text(read_capped(path)))


def _clear_values(pairs: Iterable[tuple[str, str | None]]) -> Iterable[str]:
    """Single-word values of the pairs that hold no secret (`MYSQL_USER=root`): the project shows them
    anyway. `pairs` are those secrets_in_mapping found nothing in: their keys are no secret's
    (secret_for_key is false for each value it was asked of)."""
    for _key, value in pairs:
        if value and len(value) <= 64 and not BLANK.search(value):
            yield value


def _image_names(image: str | None, secrets: set[str]) -> Iterable[str]:
    """`registry/org/postgres:16-alpine` -> the image and each part a name could be mistaken for; not a tag
    that is one of the `secrets` (`image: busybox:${DB_PASSWORD}` printed the password in every finding
    naming the image), nor the image with it."""
    if not image:
        return ()
    parts = {image}
    path, _, tag = image.rpartition(":") if ":" in image.rsplit("/", 1)[-1] else (image, "", "")
    parts.update(path.split("/"))
    if tag in secrets:
        return parts - {image}
    parts.add(tag)
    return parts


def read_capped(path: Path, limit: int = MAX_FILE) -> str:
    """A regular file's text (up to `limit` bytes, undecodable bytes replaced); "" for anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (FileNotFoundError, NotADirectoryError):  # absent: a fact its stamp records
        return ""
    except OSError:
        return _unreadable()
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ""
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read(limit).decode("utf-8", errors="replace")
    except OSError:
        return _unreadable()
    finally:
        os.close(fd)


def _unreadable() -> str:
    """"" for a file that could not be read, which the file-fact memo must not keep as its text."""
    from doctor.project.memo import unreadable

    unreadable()
    return ""
