"""Which source files of a service name a variable: does `backend` read POSTGRES_PORT at all?

A variable an env_file hands to every service is read by few of them. A service reads it when
its command names it (`$POSTGRES_PORT`) or a source file of its code (build context, bind
mounts) does (`os.environ["POSTGRES_PORT"]`, `process.env.POSTGRES_PORT`, `${POSTGRES_PORT}` in
an entrypoint script). This is a word search over text, not a parse: a file that names the
variable is taken to read it; so is a Python call that reads it by its library's default name, its key
written nowhere (django-environ's `env.db()` reads DATABASE_URL, `dj_database_url.config()` too: IMPLICIT).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.reading import is_dir, is_file
from doctor.regular import read_text

SOURCE_SUFFIXES = frozenset({
    ".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go", ".rb", ".php", ".java", ".kt", ".rs",
    ".sh", ".bash", ".ex", ".exs", ".cs", ".scala", ".pl", ".lua", ".ini", ".cfg", ".conf", ".properties",
    ".vue", ".svelte", ".prisma",
})  # not YAML/JSON: compose and CI files name every variable without reading it (a Prisma schema's
# `url = env("DATABASE_URL")` is how a node app reads its database URL)
SKIP_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", "site-packages", ".tox", "dist",
                       "build", ".next", ".nuxt", "coverage", "htmlcov", ".mypy_cache", ".ruff_cache", "vendor",
                       ".github"})
# Rails reads its config/*.yml through ERB: database.yml's `port: "<%= ENV.fetch('POSTGRES_PORT') { 5432 } %>"`
# is the app's read of the variable, and Symfony its config/packages/*.yaml's env processors: `dsn:
# '%env(REDIS_URL)%'` (a YAML file with neither stays out, as compose and CI files do)
ERB_YAML = frozenset({".yml", ".yaml"})
MAX_FILES = 5000
MAX_BYTES = 512 * 1024

# the Python calls that read a variable by their library's default name, no key written: {name: ((module,
# call, keyword naming another variable), ...)}. `env.db()` and `env.db(default="sqlite://")` read
# DATABASE_URL; `env.db("OTHER_URL")`, `env.db(var="OTHER_URL")`, `dj_database_url.config(env="OTHER_URL")`
# read the variable they name (a plain word search finds that one)
IMPLICIT: dict[str, tuple[tuple[str, str, str], ...]] = {
    "DATABASE_URL": (("environ", r"\.db(?:_url)?", "var"), ("dj_database_url", r"\bdj_database_url\.config", "env")),
    "CACHE_URL": (("environ", r"\.cache(?:_url)?", "var"),),
    "EMAIL_URL": (("environ", r"\.email(?:_url)?", "var"), ("dj_email_url", r"\bdj_email_url\.config", "env")),
    "SEARCH_URL": (("environ", r"\.search_url", "var"),),
}
# a call's arguments, one level of parentheses inside (`env.db(default=os.path.join(BASE, "db"))`)
_ARGUMENTS = r"\(((?:[^()]|\([^()]*\))*)\)"
_KEYWORD_FIRST = lazy(r"\s*(?:$|\*\*|[A-Za-z_]\w*\s*=(?!=))")


def implied(name: str) -> bool:
    """Whether a library reads the variable under a name the code does not write (reads_implicitly)."""
    return (name in IMPLICIT or (name.startswith(_CONFIGURATIONS_PREFIX) and len(name) > len(_CONFIGURATIONS_PREFIX))
            or (name.startswith(_FLASK_PREFIX) and len(name) > len(_FLASK_PREFIX)) or "__" in name.strip("_"))


# pydantic-settings' nested keys: `env_nested_delimiter="__"` in a settings class (or its model_config)
_NESTED_DELIMITER = lazy(r"""\benv_nested_delimiter\s*[=:]\s*["']__["']""")
_ENV_PREFIX = lazy(r"""\benv_prefix\s*[=:]\s*["']([A-Za-z0-9_]*)["']""")
# django-configurations reads a `Configuration` class's `EMAIL_HOST = values.Value(...)` from DJANGO_EMAIL_HOST
_CONFIGURATIONS_PREFIX = "DJANGO_"
# Flask's `app.config.from_prefixed_env()` reads every FLASK_KEY into the config's KEY (its default prefix)
_FLASK_PREFIX = "FLASK_"
# Flask's default prefix: no first string and no `prefix=` naming another (`loads=json.loads` is no prefix)
_PREFIXED_ENV = lazy(r"""\.from_prefixed_env\((?![^()]*\bprefix\s*=\s*["'](?!FLASK["']))(?!\s*["'](?!FLASK["']))""")


def reads_by_prefix(name: str, text: str) -> bool:
    """Whether Python source `text` holds a pydantic-settings class whose `env_prefix` and field make the
    variable: polarsource/polar's config.py `env_prefix="polar_"` and `POLAR_API_URL: str = ...` read
    POLAR_POLAR_API_URL (case-insensitively, pydantic-settings' default), though no line writes that name.
    The field is one of that class's own (not another class's `url: str` in the file), read as written
    where the class says `case_sensitive=True`, and not one with an alias (which pydantic-settings reads
    instead of the prefixed name)."""
    if "env_prefix" not in text or "BaseSettings" not in text:
        return False
    for prefix in _ENV_PREFIX.finditer(text):
        if not prefix[1] or len(name) <= len(prefix[1]) or not name.lower().startswith(prefix[1].lower()):
            continue
        body = _class_body(text, prefix.start())
        if body is None:
            continue
        sensitive = re.search(r"\bcase_sensitive\s*[=:]\s*True\b", body) is not None
        if sensitive and not name.startswith(prefix[1]):
            continue
        field = re.escape(name[len(prefix[1]):])
        flags = re.MULTILINE if sensitive else re.MULTILINE | re.IGNORECASE
        indent = _body_indent(body)
        for line in re.finditer(rf"^{indent}{field}[ \t]*:[^\n]*", body, flags):
            if not re.search(r"\b(?:validation_)?alias\s*=", line[0]):
                return True
    return False


def _class_body(text: str, at: int) -> str | None:
    """The body of the class whose definition holds position `at` (its lines after the `class` line, to the
    first line indented no deeper than it); None outside a class."""
    heads = list(re.finditer(r"^([ \t]*)class[ \t]+(\w+)[^\n]*:[ \t]*(?:#[^\n]*)?$", text[:at], re.MULTILINE))
    config, config_indent = False, 0  # pydantic v1's nested `class Config:` holds the prefix of the class around it
    for head in reversed(heads):
        own = len(head[1])
        if config and own >= config_indent:
            continue
        start = text.find("\n", head.end()) + 1 if text.find("\n", head.end()) >= 0 else len(text)
        end = start
        for line in re.finditer(r"^([ \t]*)(\S)[^\n]*$", text[start:], re.MULTILINE):
            if len(line[1]) <= own and line[2] != "#":
                break
            end = start + line.end()
        if end >= at:  # `at` lies in this class's body (a nested class's own head comes later)
            if head[2] == "Config" and own and not config:
                config, config_indent = True, own
                continue
            return text[start:end]
    return None


def _body_indent(body: str) -> str:
    """The indentation of a class body's statements (its first line that is not blank or a comment)."""
    first = re.search(r"^([ \t]+)[^\s#]", body, re.MULTILINE)
    return re.escape(first[1]) if first is not None else r"[ \t]+"


def reads_implicitly(name: str, text: str) -> bool:
    """Whether Python source `text` reads the variable through a call that takes it by its library's
    default name (IMPLICIT): `env.db()` with django-environ imported reads DATABASE_URL; a django-configurations
    setting (`EMAIL_HOST = values.Value(None)` in a Configuration, openfun/joanie's settings) DJANGO_EMAIL_HOST,
    unless the call names its variable itself (`environ_name=`, `environ_prefix=`); a pydantic-settings
    class with `env_nested_delimiter="__"` reads KEY__FIELD into its field `key` (a model whose
    field is `field`: rafsaf's `database: Database` reads DATABASE__HOSTNAME, case-insensitively),
    the class's `env_prefix` first; Flask's `app.config.from_prefixed_env()` every FLASK_* key."""
    if "__" in name.strip("_") and "env_nested_delimiter" in text and _NESTED_DELIMITER.search(text):
        group = name.strip("_").split("__", 1)[0].lower()
        prefix = _ENV_PREFIX.search(text)
        if prefix is not None and prefix[1] and group.startswith(prefix[1].lower()):
            group = group[len(prefix[1]):]
        if group and re.search(rf"^[ \t]+{re.escape(group)}[ \t]*:", text, re.MULTILINE | re.IGNORECASE):
            return True
    if name.startswith(_CONFIGURATIONS_PREFIX) and "configurations" in text and "values." in text:
        setting = re.escape(name[len(_CONFIGURATIONS_PREFIX):])
        if re.search(r"^[ \t]*(?:from[ \t]+configurations[ \t]+import|import[ \t]+configurations)\b", text,
                     re.MULTILINE):
            for found in re.finditer(rf"^[ \t]+{setting}[ \t]*=[ \t]*values\.\w+[ \t]*{_ARGUMENTS}", text,
                                     re.MULTILINE):
                if not re.search(r"\benviron_(?:name|prefix)\s*=", found[1]):
                    return True
    if name.startswith(_FLASK_PREFIX) and "from_prefixed_env" in text and _PREFIXED_ENV.search(text):
        return True  # `app.config.from_prefixed_env()`: FLASK_MONGO_URI is the app's MONGO_URI
    for module, call, keyword in IMPLICIT.get(name, ()):
        if not re.search(rf"^[ \t]*(?:import|from)[ \t]+{module}\b", text, re.MULTILINE):
            continue
        for found in re.finditer(rf"{call}[ \t]*{_ARGUMENTS}", text):
            arguments = found[1]
            # no positional first argument (the variable's name) and no keyword naming one
            if _KEYWORD_FIRST.match(arguments) and not re.search(rf"(?<![\w.]){keyword}\s*=(?!=)", arguments):
                return True
    return False


def is_test(path: Path, folder: Path) -> bool:
    """A test's file (under a `tests`/`test`/`__tests__` folder below `folder`, `test_*.py`, `*_test.py`,
    `*.spec.ts`): that a test names a variable says less of what the app reads than its own code
    does. Only the folders below the one searched count: a checkout kept in ~/tests is no test."""
    name = path.name.lower()
    parts = path.relative_to(folder).parts if path.is_relative_to(folder) else path.parts
    return (any(part in ("tests", "test", "__tests__", "spec") for part in parts[:-1])
            or name.startswith("test_") or name.endswith(("_test.py", "_tests.py"))
            or ".test." in name or ".spec." in name)


_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_QUOTES = ("'", '"')


class _Name:
    """How a text names the variable: the name as a word (`word`); a Python line that only binds it
    (`CACHE_HOST = "cache"`, `CACHE_HOST = os.environ.get("REDIS_URL")`: no read of a variable of
    that name, whose key is written as a string where it is read, `env("CACHE_HOST")`, or as a
    settings class's field, `CACHE_HOST: str`: `unbind`); and the key as a quoted dict value
    (`{"name": "NAUTOBOT_REDIS_HOST", "valueFrom": ...}`, a Kubernetes pod spec's env entry in
    nautobot_config.py), which declares it for another program (`undeclare`).

    A plain name (ASCII letters, digits, `_`: every variable compose interpolates) is searched
    with string methods, as the patterns below would match it: a pattern spliced from a name is
    parsed and compiled anew on every run (~0.2 ms each, three per name), and never kept across
    runs (doctor.recache). Any other name, and the declared form once a text may hold it, use
    the patterns."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.plain = bool(name) and all(c in _WORD for c in name)
        self._patterns: list[re.Pattern[str]] = []

    def _compiled(self) -> list[re.Pattern[str]]:
        if not self._patterns:
            escaped = re.escape(self.name)
            self._patterns += [re.compile(rf"(?<![A-Za-z0-9_]){escaped}(?![A-Za-z0-9_])"),
                               re.compile(rf"^[ \t]*{escaped}[ \t]*=(?!=)", re.MULTILINE),
                               re.compile(rf"""["'][\w.-]+["'][ \t]*:[ \t]*["']{escaped}["']""")]
        return self._patterns

    def _at(self, text: str) -> Iterable[int]:
        """Where the name begins in `text`, left to right."""
        name, at = self.name, text.find(self.name)
        while at >= 0:
            yield at
            at = text.find(name, at + 1)

    def word(self, text: str) -> bool:
        """Whether `text` names it as a word (no letter, digit or `_` either side)."""
        if not self.plain:
            return self._compiled()[0].search(text) is not None
        size = len(self.name)
        return any((at == 0 or text[at - 1] not in _WORD) and text[at + size:at + size + 1] not in _WORD
                   for at in self._at(text))

    def unbind(self, text: str) -> str:
        """`text` without the start of each line that binds it (up to its `=`)."""
        if not self.plain:
            bound = self._compiled()[1]
            return bound.sub("", text) if bound.search(text) else text
        size, cuts = len(self.name), []
        for at in self._at(text):
            start = text.rfind("\n", 0, at) + 1
            if text[start:at].strip(" \t"):
                continue  # something else before it on its line (also a second mention of it there)
            after = at + size
            while text[after:after + 1] in (" ", "\t"):
                after += 1
            if text[after:after + 1] == "=" and text[after + 1:after + 2] != "=":
                cuts.append((start, after + 1))
        if not cuts:
            return text
        kept, last = [], 0
        for start, end in cuts:
            kept.append(text[last:start])
            last = end
        kept.append(text[last:])
        return "".join(kept)

    def undeclare(self, text: str) -> str:
        """`text` without each quoted dict key whose value is the quoted name."""
        if self.plain and not any(self._quoted_value(text, at) for at in self._at(text)):
            return text  # no `: "NAME"`: the pattern cannot match, and is not compiled
        return self._compiled()[2].sub("", text)

    def _quoted_value(self, text: str, at: int) -> bool:
        """Whether the name at `at` is quoted, after a `:` and blanks (`: "NAME"`)."""
        end = at + len(self.name)
        if text[at - 1:at] not in _QUOTES or text[end:end + 1] not in _QUOTES:
            return False
        before = at - 2
        while before >= 0 and text[before] in (" ", "\t"):
            before -= 1
        return before >= 0 and text[before] == ":"


class CodeText:
    """The source text under some folders, read once per run, searched for variable names."""

    def __init__(self) -> None:
        self._texts: dict[Path, list[tuple[Path, str]]] = {}
        self._go: dict[tuple[Path, ...], list[str]] = {}

    def reader_of(self, name: str, folders: Iterable[Path], command: str = "",
                  suffixes: frozenset[str] | None = None, runs: str = "", tests: bool = True) -> str | None:
        """Where the variable is read: 'its command', or a file path; None when nowhere.

        `suffixes` keeps to the files a service's runtime runs (a node asset builder that mounts the
        whole repo does not run the Django settings that name POSTGRES_HOST).

        A shell script the command does not name is the last resort: a repo bind-mounted whole
        holds every service's entrypoint script (`entrypoint-unit-tests.sh`), and naming one
        that this service never runs as its reader misleads. `runs`: the words of what the service
        runs beyond its compose command (its Dockerfile's ENTRYPOINT and CMD): a script named there is
        its reader too (flask-on-docker's `entrypoint.sh`, not the `entrypoint.prod.sh` beside it).
        `tests=False`: a test's file is never the answer (only the program's own code counts).
        Go code only `go test` compiles (a `_test.go` file, a function only tests call: doctor.project.go_tests)
        is no read unless the service runs `go test`.
        """
        # each form holds the name: a text without it holds none
        named = _Name(name)
        if name in command and named.word(command):
            return "its command"
        if name.startswith("SPRING_") and (config := _spring_reader(name, tuple(folders))) is not None:
            return str(config)  # Spring Boot's relaxed binding: SPRING_DATASOURCE_URL sets spring.datasource.url
        implicit = implied(name)
        script = test = mention = None
        folders = tuple(folders)
        go_tests: bool | None = None  # whether the service runs `go test`: asked at the first Go file
        for folder in folders:
            for path, text in self.files(folder):
                if suffixes is not None and path.suffix.lower() not in suffixes:
                    continue
                python, go = path.suffix == ".py", path.suffix == ".go" and _go_reads(name, text)
                # a pydantic-settings field under its class's env_prefix: a read though the name is not written
                settings = python and "_" in name and reads_by_prefix(name, text)
                found = False
                if name in text:
                    if python:
                        text = named.unbind(text)
                    if path.suffix.lower() in _DICT_LANGUAGES:
                        text = named.undeclare(text)
                    found = named.word(text)
                if found or go or settings or (python and implicit and reads_implicitly(name, text)):
                    if path.suffix == ".go":
                        from doctor.project.go_tests import is_go_test, only_tests_read, runs_go_test  # here: Go only

                        if go_tests is None:
                            go_tests = runs_go_test(f"{command} {runs}")
                        if not go_tests and (is_go_test(path.name) or (
                                found and only_tests_read(name, text, self._go_program(folders)))):
                            continue  # `go test`'s program, not the service's
                    if path.suffix.lower() in (".sh", ".bash") and path.name not in command \
                            and not _names(runs, path.name):
                        script = script or str(path)
                    elif is_test(path, folder):  # warehouse's tests/unit/test_config.py beside warehouse/config.py
                        test = test or str(path)
                    elif go or settings or _reads(name, text, python and implicit):
                        return str(path)  # a real read (`os.getenv("KEY")`) before a file that only names it
                    else:
                        mention = mention or str(path)
        return mention or (test if tests else None) or script

    def _go_program(self, folders: tuple[Path, ...]) -> list[str]:
        """The text of every Go file under the folders that is no test's, gathered once per set of folders."""
        from doctor.project.go_tests import is_go_test  # here: asked only of a Go file

        if folders not in self._go:
            self._go[folders] = [text for folder in folders for path, text in self.files(folder)
                                 if path.suffix == ".go" and not is_go_test(path.name)]
        return self._go[folders]

    def files(self, folder: Path) -> list[tuple[Path, str]]:
        """The source files under `folder` with their text, read once."""
        if folder not in self._texts:
            self._texts[folder] = list(self._read(folder))
        return self._texts[folder]

    def _read(self, folder: Path) -> Iterable[tuple[Path, str]]:
        if is_file(folder):  # guarded: a folder this user cannot reach is no crash (reading.is_dir)
            candidates: Iterable[Path] = [folder]
        elif is_dir(folder):
            candidates = self._walk(folder)
        else:
            return
        for path in candidates:
            try:
                if path.stat().st_size > MAX_BYTES:
                    continue
                text = read_text(path, MAX_BYTES)
                if path is not folder and path.suffix.lower() in ERB_YAML and "<%" not in text and "%env(" not in text:
                    continue
                yield path, text
            except OSError:
                continue

    def _walk(self, folder: Path) -> Iterable[Path]:
        count = 0
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
            for name in sorted(files):
                suffix = Path(name).suffix.lower()
                if suffix in SOURCE_SUFFIXES or (suffix in ERB_YAML and _in_config(root, folder)):
                    count += 1
                    if count > MAX_FILES:
                        return
                    yield Path(root) / name


def _spring_reader(name: str, folders: tuple[Path, ...]) -> Path | None:
    """spring_env.spring_reader, imported for a SPRING_ variable alone (a Java reader no other project needs)."""
    from doctor.project.spring_env import spring_reader

    return spring_reader(name, folders)


def _go_reads(name: str, text: str) -> bool:
    """go_env.go_reads, imported for a .go file alone (a Go reader no other project needs)."""
    from doctor.project.go_env import go_reads

    return go_reads(name, text)


def _in_config(root: str, folder: Path) -> bool:
    """Whether a walked folder is an app's config/ (Rails' database.yml) or Symfony's config/packages/ and
    its environments' folders under it (config/packages/dev/): never another folder below config/, whose
    YAML is data no app reads its environment through (Rails' config/locales/**, hundreds of files that
    would fill the walk's MAX_FILES before lib/'s code)."""
    parts = Path(os.path.relpath(root, folder)).parts
    if "config" not in parts:
        return False
    below = parts[len(parts) - parts[::-1].index("config"):]
    return not below or (below[0] == "packages" and len(below) <= 2)


_DICT_LANGUAGES = frozenset({".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".rb", ".php"})
_KEY = "\x00KEY\x00"  # the variable's name, in _READ's patterns
# how programs read an environment variable: `os.getenv("KEY")`, `os.environ["KEY"]`, `environ.get("KEY")`,
# `env("KEY")`, `env.str("KEY")`, `config("KEY")`, `process.env.KEY`, `ENV["KEY"]`, `ENV.fetch("KEY")`,
# `os.Getenv("KEY")`, `getenv('KEY')`, `System.getenv("KEY")`, `${KEY}` or `$KEY` in a script or config
_READ = lazy(
    r"""(?:getenv|Getenv|environ(?:\.get)?|\benv(?:\.\w+)?|\bconfig|ENV(?:\.fetch)?|LookupEnv|env_var)"""
    r"""\s*[(\[]\s*(?:\w+\s*=\s*)?["']\x00KEY\x00["']"""
    r"""|\benv\s*\.\s*\x00KEY\x00(?![A-Za-z0-9_])|\benv\s*\[\s*["']\x00KEY\x00["']"""
    r"""|\$\{?\x00KEY\x00(?![A-Za-z0-9_])|%env\((?:[\w.-]+:)*\x00KEY\x00\)%""")


def reads(name: str, text: str) -> bool:
    """Whether the source reads the variable as programs do (`os.getenv("KEY")`, `process.env.KEY`, `$KEY`, a
    helper whose name says env: `GetEnvString("KEY", "")`), not merely naming it (a comment, a line setting it)."""
    if name not in text:
        return False
    keyed = text.replace(name, _KEY)  # once, for both patterns (_reads' own reading without its library defaults)
    return _READ.search(keyed) is not None or _ENV_HELPER.search(keyed) is not None


# a helper whose name says env, the variable its first argument (PeerDB's `GetEnvString("PG_HOST", "localhost")`);
# never one that sets it (`os.Setenv`, `putenv`)
_ENV_HELPER = lazy(r"""\b(?![Ss]et[Ee]nv|[Pp]ut[Ee]nv|[Uu]nset[Ee]nv)\w*[Ee]nv\w*\s*\(\s*["']\x00KEY\x00["']""")


def _reads(name: str, text: str, implied: bool) -> bool:
    """Whether the source reads the variable as programs do (_READ), or by its library's default name."""
    return _READ.search(text.replace(name, _KEY)) is not None or (implied and reads_implicitly(name, text))


def _names(words: str, name: str) -> bool:
    """Whether the words name the file `name` (`/app/entrypoint.sh`, `./entrypoint.sh`, `entrypoint.sh`)."""
    return any(word.rsplit("/", 1)[-1] == name for word in words.split())
