"""The defaults a Go service's code reads its variables with, where compose leaves them unset.

A Go app written for the host keeps `localhost` as the fallback of its settings: caarlos0/env's
struct tags (`env:"DB_HOST" envDefault:"localhost"`; `env:"URL"` in a struct a field of the same file nests
under `envPrefix:"DATABASE_"` is DATABASE_URL, and one nested from another file is not read),
cleanenv's (`env:"DB_HOST" env-default:"localhost"`),
a helper returning a fallback for an unset variable (`getEnv("DB_HOST", "localhost")`: a function whose
name says env, called with an upper-case variable and a string literal; never `os.Setenv` nor viper's
BindEnv), `cmp.Or(os.Getenv("DB_HOST"), "localhost")`, and viper's `SetDefault("db.host", "localhost")` in
a file that calls AutomaticEnv (the variable: SetEnvPrefix's prefix, the key upper-cased, dots to
underscores under `SetEnvKeyReplacer(strings.NewReplacer(".", "_"))`), unless the config file its
ReadInConfig reads (SetConfigFile's, or SetConfigName's in its AddConfigPath folders) sets the key, and
none where doctor cannot tell which file that is. In its container, with nothing setting the
variable, the fallback is what the app dials: a value of its environment as much as an `.env` line
would be, placed at the Go line. Read (never built or run) in the `.go` files, not tests nor those under
vendor/, testdata/, examples/, e2e/ or hack/, of a folder with go.mod that is the service's build context or
a bind mount into it: its packages that are no `package main`, and the main package its build or command
names (`go build ./cmd/${CMD}` with the build's args; the root one where none is named), not another
program of the module (a `cmd/worker` beside the `cmd/api` built, a host-side CLI); where the build names
several (`go build -o /out/ ./cmd/...`), the one whose binary the service runs (`command: ["/bin/api"]`: the
`-o` file's name, else the package folder's), and none where that is unknown. joho/godotenv's
`godotenv.Load(...)` (and its autoload import) loads a `.env` in the container as Node's dotenv does.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.env_hosts import host_refs, might_name_host
from doctor.project.reading import is_file, read_regular_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.appenv import DotenvCall
    from doctor.project.go_build import GoBuild

MAX_FILES = 400
MAX_BYTES = 256 * 1024
# not the service's program: vendored code, test data, examples and dev tooling beside it
SKIP_DIRS = frozenset({"vendor", "testdata", "node_modules", "examples", "example", "e2e", "hack", "docs"})
# a struct tag's variable and default, either order: `env:"DB_HOST" envDefault:"localhost"`, `env-default`
TAG = lazy(r"""`[^`\n]*?\benv:"(?P<key>[A-Za-z_]\w*)[^"]*"[^`\n]*?\benv-?[Dd]efault:"(?P<value>[^"]*)"|"""
           r"""`[^`\n]*?\benv-?[Dd]efault:"(?P<value2>[^"]*)"[^`\n]*?\benv:"(?P<key2>[A-Za-z_]\w*)[^"]*\"""")
# `getEnv("DB_HOST", "localhost")`, `env.GetOr("DB_HOST", "localhost")`; `cmp.Or(os.Getenv("K"), "d")`
HELPER = lazy(r"""\b(?P<fn>\w*[Ee]nv\w*)\(\s*"(?P<key>[A-Z_][A-Z0-9_]*)"\s*,\s*"(?P<value>[^"\n]*)"\s*\)""")
CMP_OR = lazy(r"""\bcmp\.Or\(\s*os\.Getenv\(\s*"(?P<key>[A-Za-z_]\w*)"\s*\)\s*,\s*"(?P<value>[^"\n]*)"\s*\)""")
VIPER_DEFAULT = lazy(r"""\bviper\.SetDefault\(\s*"(?P<key>[\w.-]+)"\s*,\s*"(?P<value>[^"\n]*)"\s*\)""")
# a key viper reads: `viper.GetString("db.host")`, `GetInt`, `IsSet`, `SetDefault`
VIPER_KEY = lazy(r"""\bviper\.(?:Get\w*|IsSet|SetDefault)\(\s*"([\w.-]+)"\s*[,)]""")
VIPER_PREFIX = lazy(r"""\bviper\.SetEnvPrefix\(\s*"(\w*)"\s*\)""")
VIPER_DOTS = lazy(r"""\bviper\.SetEnvKeyReplacer\(\s*strings\.NewReplacer\(\s*"\."\s*,\s*"_"\s*""")
SETTERS = frozenset({"setenv", "unsetenv", "bindenv"})  # they set or name a variable: no fallback
# joho/godotenv: `godotenv.Load()` (.env in the working dir), `godotenv.Load(".env.local", ".env")`; and its autoload
LOAD = lazy(r"""\bgodotenv\.(Load|Overload)\(([^()\n]*)\)""")
AUTOLOAD = '"github.com/joho/godotenv/autoload"'
STRING = lazy(r"""^\s*"([^"\\\n]+)"\s*$""")
MODULE = lazy(r"(?m)^module\s+(\S+)")
# viper reading a config file: which one
VIPER_READS = lazy(r"\bviper\.(?:ReadInConfig|MergeInConfig|SetConfigFile)\(")
VIPER_LITERAL = lazy(r'\s*"([^"\n]*)"\s*\)')
# caarlos0/env's nesting: `type DBConfig struct {`, an inline `struct {`, a field `DB DBConfig `envPrefix:"DB_"``
STRUCT = lazy(r"(?:\btype\s+(?P<name>\w+)\s+)?\bstruct\s*\{")
INLINE_PREFIX = lazy(r'[ \t]*`[^`\n]*\benvPrefix:"([^"]*)"')
FIELD_PREFIX = lazy(r'^[ \t]*\w+[ \t]+\*?(?P<type>[\w.]+)[ \t]+`[^`\n]*\benvPrefix:"(?P<prefix>[^"]*)"', re.M)
PACKAGE_MAIN = lazy(r"(?m)^package\s+main\b")


def go_env(service_folders: tuple[Path, ...], environ: Mapping[str, str], build: GoBuild | None = None,
           known: frozenset[str] = frozenset()) -> Iterator[tuple[str, str, Location]]:
    """The (variable, default, line) the service's Go code falls back to, for the variables `environ`
    (compose's over the image's ENV) leaves unset, where the default may name a host. `build`: the
    packages its build or command names (go_targets), None where unknown. Every site of a variable, the
    one its environment holds first: of the sites giving it a default, the first naming a host outside
    `known` (the project's service and container names), else the first; then the others in file order
    (awesome-compose's nginx-golang-postgres with a_store.go's `getEnv("DB_HOST", "postgresserver")` and
    migrate.go's `"postgres-server"`: doctor.project.code_sites keeps them, each judged and fixed at once)."""
    for folder in dict.fromkeys(service_folders):
        if not is_file(folder / "go.mod"):
            continue
        texts = {path: read_regular_text(path, MAX_BYTES) or "" for path in _program_files(folder, build)}
        prefixed = prefixed_types(texts.values())
        sites: dict[str, list[tuple[str, Location]]] = {}
        for path, text in texts.items():
            for key, value, line in _defaults(text, prefixed, folder):
                if key not in environ and might_name_host(key, value):
                    sites.setdefault(key, []).append((value, Location(path, line)))
        for key, found in sites.items():
            first = next((site for site in found if not _resolves(key, site[0], known)), found[0])
            for value, where in (first, *(site for site in found if site is not first)):
                yield key, value, where
        return


def _resolves(key: str, value: str, known: frozenset[str]) -> bool:
    hosts = [ref.host for ref in host_refs(key, value)]
    return bool(hosts) and all(host in known for host in hosts)


def go_dotenv_calls(service_folders: tuple[Path, ...], build: GoBuild | None = None,
                    overloads: bool = False) -> Iterator[DotenvCall]:
    """joho/godotenv's loads in a Go service's code, as calls appenv.dotenv_effects follows: the files it
    names (else `.env`) in the process's working dir, each one that exists, none overriding what compose set
    (`godotenv.Overload` does, and is left out: setting the key in compose would not win over it; so is a
    path doctor cannot read, a variable's). With `overloads`, the `godotenv.Overload` calls alone, overriding:
    dotenv-override's."""
    from doctor.project.appenv import DotenvCall

    for folder in dict.fromkeys(service_folders):
        if not is_file(folder / "go.mod"):
            continue
        for path in _program_files(folder, build):
            text = read_regular_text(path, MAX_BYTES) or ""
            if "godotenv" not in text:
                continue
            for match in LOAD.finditer(text):
                if (match[1] == "Overload") != overloads:
                    continue
                args = [a for a in match[2].split(",") if a.strip()]
                names = [m[1] for a in args if (m := STRING.match(a)) is not None]
                if len(names) == len(args):
                    yield DotenvCall(Location(path, _line(text, match)), overloads,
                                     tuple(("cwd", n) for n in names or [".env"]), match[0], every=True,
                                     loader="godotenv")
            if (at := text.find(AUTOLOAD)) >= 0 and not overloads:
                yield DotenvCall(Location(path, text.count("\n", 0, at) + 1), False, (("cwd", ".env"),), AUTOLOAD,
                                 loader="godotenv")
        return


def _program_files(folder: Path, build: GoBuild | None) -> Iterator[Path]:
    """The .go files of the service's program: its packages that are no `package main` (libraries it may
    import), and of the main packages only those it builds (`build`), else the module's root one: a
    `cmd/worker` beside the `cmd/api` built, a host-side CLI, is another program. Where the build names
    several (`go build -o /out/ ./cmd/...`), the one whose binary the service runs (doctor.project.go_build);
    none where that stays unknown."""
    from doctor.project.go_build import matches

    module = MODULE.search(read_regular_text(folder / "go.mod", MAX_BYTES) or "")
    module_path = module[1] if module else ""
    files = list(_go_files(folder))
    mains: dict[str, bool] = {}
    for path in files:
        relative = path.parent.relative_to(folder).as_posix()
        if relative not in mains:
            mains[relative] = any(PACKAGE_MAIN.search(read_regular_text(f, MAX_BYTES) or "") is not None
                                  for f in path.parent.glob("*.go") if not f.name.endswith("_test.go"))
    named: dict[str, set[str]] = {}  # a main package built -> its binaries' names
    for package, name in build.built if build is not None else ((".", None),):
        pattern = _in_module(package, module_path)
        for relative in (r for r, main in mains.items() if main and matches(r, pattern)):
            named.setdefault(relative, set()).add(
                name or posixpath.basename(relative if relative != "." else module_path))
    if build is not None and len(named) > 1:
        named = {relative: names for relative, names in named.items() if names & build.runs}
    for path in files:
        relative = path.parent.relative_to(folder).as_posix()
        if not mains[relative] or relative in named:
            yield path


def _in_module(package: str, module: str) -> str:
    """A package as a folder of the module: `./cmd/api`, `github.com/o/r/cmd/api` under module github.com/o/r."""
    if module and (package == module or package.startswith(module + "/")):
        package = "." + package[len(module):]
    return posixpath.normpath(package.removeprefix("./")) if package not in (".", "./") else "."


def _go_files(folder: Path) -> Iterator[Path]:
    count = 0
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".go") and not name.endswith("_test.go"):
                count += 1
                if count > MAX_FILES:
                    return
                yield Path(top) / name


def _defaults(text: str, prefixed: frozenset[str] = frozenset(),
              folder: Path | None = None) -> Iterator[tuple[str, str, int]]:
    """The (variable, default, line) of a file; `prefixed`: the struct types some file of the program nests
    under caarlos0/env's `envPrefix` (a tag of such a type the file cannot prefix itself is left out);
    `folder`: the module's, where viper's config file is looked for (None: a SetDefault is read as is)."""
    if "env" not in text.lower():
        return
    layout = _structs(text) if "envPrefix" in text or prefixed else ([], [])
    for match in TAG.finditer(text):
        key, value = match["key"] or match["key2"], match["value"] if match["key"] else match["value2"]
        for prefix in _prefixes(layout, match.start(), prefixed, 0):
            yield prefix + key, value, _line(text, match)
    for match in HELPER.finditer(text):
        if match["fn"].lower() not in SETTERS:
            yield match["key"], match["value"], _line(text, match)
    for match in CMP_OR.finditer(text):
        yield match["key"], match["value"], _line(text, match)
    config = _viper_config(text, folder) if folder is not None and "viper.AutomaticEnv()" in text else {}
    if "viper.AutomaticEnv()" in text and config is not None:
        for match in VIPER_DEFAULT.finditer(text):
            if (variable := _viper_variable(match["key"], text)) is not None and not _sets(config, match["key"]):
                yield variable, match["value"], _line(text, match)


def _viper_config(text: str, folder: Path) -> dict[str, object] | None:
    """What the config file viper reads sets (`SetConfigFile("config.yaml")`, else SetConfigName's name, or
    `config`, as .json/.toml/.yaml/.yml in each AddConfigPath folder, from the module's folder); {} where the
    code reads none; None where doctor cannot tell which (a variable, an absolute path, none on disk)."""
    if VIPER_READS.search(text) is None:
        return {}
    files, names, folders = (_literals(call, text) for call in ("SetConfigFile", "SetConfigName", "AddConfigPath"))
    if files is None or names is None or folders is None:
        return None  # one names its file by a variable: which file, doctor cannot tell
    candidates = files[-1:] or [posixpath.join(folder_name, f"{(names or ['config'])[-1]}.{ext}")
                                for folder_name in folders for ext in ("json", "toml", "yaml", "yml")]
    for candidate in candidates:
        if not candidate.startswith("/") and is_file(path := folder / candidate):
            return _parsed(path)
    return None


def _literals(call: str, text: str) -> list[str] | None:
    """The string literal each `viper.<call>(...)` of the text passes; None where one passes anything else."""
    found = []
    for match in re.finditer(rf"\bviper\.{call}\(", text):
        literal = VIPER_LITERAL.match(text, match.end())
        if literal is None or "$" in literal[1]:
            return None
        found.append(literal[1])
    return found


def _parsed(path: Path) -> dict[str, object] | None:
    import json
    import tomllib

    from doctor.project.yamlimport import yaml

    text = read_regular_text(path, MAX_BYTES)
    if text is None:
        return None
    try:
        found = json.loads(text) if path.suffix == ".json" else tomllib.loads(text) if path.suffix == ".toml" \
            else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError, RecursionError):
        return None
    return found if isinstance(found, dict) else None


def _sets(config: dict[str, object], key: str) -> bool:
    """Whether the config sets the dotted key (viper's keys ignore case)."""
    node: object = config
    for part in key.lower().split("."):
        if not isinstance(node, dict):
            return False
        node = next((v for k, v in node.items() if str(k).lower() == part), None)
        if node is None:
            return False
    return True


Span = tuple[int, int, str, str | None]  # a struct's braces (start, end), its type name, an inline one's envPrefix


def _structs(text: str) -> tuple[list[Span], list[tuple[int, str, str]]]:
    """Each struct of the file: its braces' span, its type name ("" for an inline one) and, for an inline one,
    the `envPrefix` of the field it is the type of; and each field naming a type under an `envPrefix`
    (its place, the type, the prefix)."""
    spans: list[Span] = []
    for match in STRUCT.finditer(text):
        depth, end = 0, len(text)
        for at in range(match.end() - 1, len(text)):
            depth += {"{": 1, "}": -1}.get(text[at], 0)
            if depth == 0:
                end = at
                break
        after = INLINE_PREFIX.match(text, end + 1)
        spans.append((match.end(), end, match["name"] or "", after[1] if after else None))
    return spans, [(m.start(), m["type"].rpartition(".")[2], m["prefix"]) for m in FIELD_PREFIX.finditer(text)]


def _prefixes(layout: tuple[list[Span], list[tuple[int, str, str]]], at: int, prefixed: frozenset[str],
              depth: int) -> list[str]:
    """The envPrefix chains that lead to a tag at `at`: the innermost struct holding it, prefixed by the
    field of its type (inline, or a field of this file naming the type), and so on outward; [] where only
    another file prefixes the holder's type (doctor cannot tell the chain), [""] for no prefix."""
    spans, fields = layout
    holders = [span for span in spans if span[0] <= at < span[1]]
    if not holders or depth > 4:
        return [""]
    start, _, name, inline = max(holders)  # the innermost
    if not name:
        return [p + (inline or "") for p in _prefixes(layout, start - 1, prefixed, depth + 1)]
    chains = [p + prefix for place, kind, prefix in fields if kind == name
              for p in _prefixes(layout, place, prefixed, depth + 1)]
    return chains or ([] if name in prefixed else [""])


def prefixed_types(texts: Iterable[str]) -> frozenset[str]:
    """The struct types some file nests under caarlos0/env's `envPrefix:"DATABASE_"`."""
    return frozenset(m["type"].rpartition(".")[2] for text in texts if "envPrefix" in text
                     for m in FIELD_PREFIX.finditer(text))


def go_reads(name: str, text: str) -> bool:
    """Whether Go source reads the variable under a name it never writes whole: viper's (viper_reads), or a
    caarlos0/env tag under an `envPrefix` (`env:"URL"` in a struct nested under `envPrefix:"DATABASE_"`)."""
    return viper_reads(name, text) or ("envPrefix" in text and any(key == name for key, _, _ in _defaults(text)))


def viper_reads(name: str, text: str) -> bool:
    """Whether Go source reads the variable through viper's AutomaticEnv: `viper.GetString("db.host")`
    reads APP_DB_HOST under `SetEnvPrefix("app")` and a `.` to `_` key replacer (the name never written)."""
    return "AutomaticEnv()" in text and name in _viper_names(text)


@functools.lru_cache(maxsize=64)
def _viper_names(text: str) -> frozenset[str]:
    return frozenset(v for m in VIPER_KEY.finditer(text) if (v := _viper_variable(m[1], text)) is not None)


def _viper_variable(key: str, text: str) -> str | None:
    """The variable AutomaticEnv reads for a key: SetEnvPrefix's prefix, the key upper-cased, dots to
    underscores under its key replacer (a key keeping a dot reaches no variable)."""
    prefix = VIPER_PREFIX.search(text)
    name = key.upper().replace(".", "_") if VIPER_DOTS.search(text) is not None else key.upper()
    return None if "." in name else f"{prefix[1].upper()}_{name}" if prefix and prefix[1] else name


def _line(text: str, match: re.Match[str]) -> int:
    return text.count("\n", 0, match.start()) + 1
