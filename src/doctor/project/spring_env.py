"""The addresses a Spring Boot app's application.properties / application.yml dial, as env values.

A Spring Boot app reads `src/main/resources/application.properties` (or `.yml`/`.yaml`, the .properties
winning a key both set) from its jar, then its `config/application.*` over them,
then the `application-<profile>.*` of each profile SPRING_PROFILES_ACTIVE (or the file's own
`spring.profiles.active`) names, a later one winning, those `spring.profiles.include` adds first and each
profile's `spring.profiles.group.<name>` members after it; a document (YAML's `---`, a .properties file's
`#---` / `!---`) under `spring.config.activate.on-profile` (or the older `spring.profiles`) counts only where
its profiles (a list, or an expression: `!docker`, `local & !docker`, `dev | local`) match, and one under a
condition doctor cannot read (`on-cloud-platform`, a malformed expression) never does.
An environment variable beats the file by relaxed binding: SPRING_DATASOURCE_URL sets
`spring.datasource.url` (dots to underscores, dashes dropped, upper case; a dashed key by its legacy
form too, SPRING_DATASOURCE_HIKARI_JDBC_URL for `jdbc-url`). So a file written for
the host (`spring.datasource.url=jdbc:postgresql://localhost:5432/app`, awesome-compose's
spring-postgres moved from `db`) is what the app dials in its container while compose sets no
SPRING_DATASOURCE_URL: a value of its environment as much as an `.env` line would be, placed at the
file's line under the variable that would replace it. A `${DB_HOST:localhost}` placeholder takes its
default where neither compose nor the file sets DB_HOST; a value built from a variable compose sets
is judged at compose's line (not here), and one with a placeholder nothing fills (no default) stops
the app at start, which is no dial. Where the app is pointed at config beside its jar (SPRING_CONFIG_LOCATION,
SPRING_CONFIG_ADDITIONAL_LOCATION, SPRING_CONFIG_IMPORT, as variables or options or in the file itself,
`spring.config.import=configserver:...`, or a mount into its working
dir's `config/` or `/config`), that config may set any key: nothing is said from the packaged files.
Read, never run: only the connection settings of Spring's own
clients (datasource, r2dbc, flyway, liquibase, data.*, redis, rabbitmq, kafka, elasticsearch, mongodb,
neo4j, cassandra, mail, activemq, artemis), in a folder with a Maven or Gradle build naming
spring-boot, that is the service's build context or a bind mount into it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from itertools import accumulate
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.app_markers import SPRING_RESOURCES as RESOURCES
from doctor.project.app_markers import SPRING_SUFFIXES as SUFFIXES
from doctor.project.env_hosts import might_name_host
from doctor.project.reading import is_dir, is_file, read_regular_text
from doctor.regular import text_lines

BUILD_FILES = ("pom.xml", "build.gradle", "build.gradle.kts")
# within one location .properties wins over YAML (Spring Boot's reference, Externalized Configuration: "If
# you have configuration files with both .properties and YAML format in the same location, .properties takes
# precedence"; its loaders are tried properties, then yml, then yaml): merged last to first
PRECEDENCE = (".yaml", ".yml", ".properties")
MAX_BYTES = 256 * 1024
MAX_DEPTH = 4  # placeholders naming placeholders
MAX_NODES = 50_000  # YAML nodes met in one file, aliases expanded: a bound on an alias bomb
# the connection settings of Spring Boot's own clients (keys in canonical form: lower case, no dashes)
DIAL_KEY = lazy(r"spring\.(?:datasource|r2dbc|flyway|liquibase|data\.\w+|redis|rabbitmq|kafka|elasticsearch|"
                r"mongodb|neo4j|cassandra|mail|activemq|artemis|couchbase|influx)\.(?:[\w.]*\.)?"
                r"(?:url|uri|uris|jdbcurl|host|hosts|addresses|bootstrapservers|brokerurl|endpoints)$")
# `key=value`, `key: value` or `key value` of a .properties line (no continuation, no escapes in the key)
PROPERTY = lazy(r"^\s*([A-Za-z][\w.\[\]-]*)\s*(?:[=:]\s*|\s+)(.*?)\s*$")
# `--spring.profiles.active=docker`, `-Dspring.profiles.active=docker` in the command or JAVA_OPTS
ARGUMENT_PROFILES = lazy(r"spring\.profiles\.active=['\"]?([\w,-]+)")
ESCAPE = lazy(r"\\([:=#! \\])")  # a .properties value's escaped separator
# the properties that point Spring at config beside the jar's (canonical: dashes dropped)
ELSEWHERE = ("spring.config.location", "spring.config.additionallocation", "spring.config.import")
PROFILE_TOKEN = lazy(r"[!&|()]|[^\s!&|()]+")  # a profile expression's operators and names
GROUP_INDEX = lazy(r"\[\d+\]$")  # `spring.profiles.group.prod[0]=docker`
PLACEHOLDER = lazy(r"\$\{([^${}:]+)(?::([^${}]*))?\}")
Entry = tuple[str, int]  # (value, line)


def spring_env(service_folders: tuple[Path, ...], environ: Mapping[str, str], runs: str = "",
               mounts: tuple[str, ...] = (), workdir: str = "/") -> Iterator[tuple[str, str, Location]]:
    """The (variable, value, line) a Spring Boot app's config dials where `environ` (compose's over the
    image's ENV) sets neither the variable nor a placeholder the value takes. `runs`: the words the
    service runs (command, entrypoint, the image's): a `--spring.datasource.url=` or `-D` there (or in
    JAVA_OPTS, JAVA_TOOL_OPTIONS, SPRING_APPLICATION_JSON) beats the file, and a profile named there counts.
    `mounts`: the container paths the service mounts, `workdir` its working dir (config_elsewhere)."""
    if "SPRING_APPLICATION_JSON" in environ:
        return  # its keys beat the file's, read by no one here
    given = " ".join((runs, *environ.values())).lower()
    if config_elsewhere(environ, given, mounts, workdir):
        return
    for folder in dict.fromkeys(service_folders):
        resources = folder / RESOURCES
        if not is_dir(resources) or not _boot_build(folder):
            continue
        base: dict[str, Entry] = {}
        for place in _places(resources):
            base.update(_read_files(place, "application", ()))
        if any(key in base for key in ELSEWHERE):
            return  # `spring.config.import=configserver:...` in the file: config doctor does not read may win
        named = ARGUMENT_PROFILES.search(given)
        active = named[1] if named is not None else environ.get("SPRING_PROFILES_ACTIVE")
        if active is None:
            active = base.get("spring.profiles.active", ("", 0))[0]
        profiles = _profiles(environ.get("SPRING_PROFILES_INCLUDE", base.get("spring.profiles.include", ("", 0))[0]),
                             active, base)
        effective: dict[str, tuple[str, int, Path]] = {}
        legacy = _legacy_names(environ)
        for name in ("application", *(f"application-{p}" for p in profiles)):
            for place in _places(resources):
                for path, entries in _files(place, name, profiles):
                    for key, (value, line) in entries.items():
                        effective[key] = (value, line, path)
        for key, (value, line, path) in effective.items():
            if not DIAL_KEY.search(key):
                continue
            variable = env_name(key)
            if variable in environ or key in environ or _legacy_set(key, legacy) or _argument(key, given):
                continue  # relaxed binding (or an argument): compose's value wins, judged at compose's line
            resolved = _resolve(value, effective, environ, 0)
            if resolved is not None and might_name_host(variable, resolved):
                yield variable, resolved, Location(path, line)
        return


def _places(resources: Path) -> tuple[Path, Path]:
    """The packaged locations Spring Boot reads, the later winning: `classpath:/` then `classpath:/config/`
    (Spring Boot's reference, Externalized Configuration, External Application Properties: "From the classpath:
    The classpath root, The classpath /config package", a list "ordered by precedence (with values from lower
    items overriding earlier ones)"); a profile's files over every location's application.* (Profile Specific
    Files: "profile-specific files always overriding the non-specific ones")."""
    return resources, resources / "config"


def _profiles(include: str, active: str, base: Mapping[str, Entry]) -> tuple[str, ...]:
    """The profiles in force, a later one's files winning: `spring.profiles.include`'s before the active ones,
    each followed by the members of its `spring.profiles.group.<name>` (spring-boot's Profiles: the included as
    its additional profiles, `asUniqueItemList(active, additional)` putting them first, then `expandProfiles`
    pushing each group's members after it)."""
    groups: dict[str, list[str]] = {}
    for key, (value, _) in base.items():
        if key.startswith("spring.profiles.group."):
            name = GROUP_INDEX.sub("", key.removeprefix("spring.profiles.group."))
            groups.setdefault(name, []).extend(p.strip() for p in value.split(",") if p.strip())
    found: dict[str, None] = {}
    todo = [p.strip() for p in f"{include},{active}".split(",") if p.strip()][::-1]
    while todo and len(found) < 64:
        profile = todo.pop()
        if profile not in found:
            found[profile] = None
            todo += groups.get(_canonical(profile), [])[::-1]
    return tuple(found)


def spring_reader(variable: str, folders: tuple[Path, ...]) -> Path | None:
    """The config of the Spring Boot app in `folders` that reads the variable by relaxed binding, where it
    names a connection setting of Spring's clients (SPRING_DATASOURCE_URL: its application.properties, or
    the build file where the app has none)."""
    if not DIAL_KEY.search(variable.lower().replace("_", ".")):
        return None
    for folder in dict.fromkeys(folders):
        if is_dir(folder / RESOURCES) and _boot_build(folder):
            resources = folder / RESOURCES
            found = [p for p in (resources / f"application{s}" for s in SUFFIXES) if is_file(p)]
            return found[0] if found else next(folder / n for n in BUILD_FILES if is_file(folder / n))
    return None


def _argument(key: str, given: str) -> bool:
    """Whether the command line or a JVM option sets the property (`--spring.datasource.url=`, `-D...`)."""
    return f"{key}=" in given.replace("-", "").replace("_", "")


def config_elsewhere(environ: Mapping[str, str], given: str, mounts: tuple[str, ...], workdir: str) -> bool:
    """Whether config doctor does not read may set the app's keys over its packaged files: a location or
    import Spring is told of (SPRING_CONFIG_LOCATION, SPRING_CONFIG_ADDITIONAL_LOCATION, SPRING_CONFIG_IMPORT,
    or `--spring.config.location=` / `-Dspring.config.import=` in the command or JVM options), or a mount into
    the working dir's `config/` (Spring's `file:./config/`, read over the jar's) or `/config`."""
    legacy = _legacy_names(environ)
    if any(env_name(key) in environ or _legacy_set(key, legacy) or _argument(key, given) for key in ELSEWHERE):
        return True
    folders = ("/config", posixpath.join(workdir, "config"))
    return any(posixpath.normpath(target) == folder or posixpath.normpath(target).startswith(folder + "/")
               for target in mounts for folder in folders)


def _legacy_names(environ: Mapping[str, str]) -> dict[str, list[str]]:
    """The SPRING_* variables by their name without underscores: the legacy form of a property's name keeps
    its dashes as underscores (SPRING_DATASOURCE_HIKARI_JDBC_URL sets `spring.datasource.hikari.jdbc-url`;
    spring-boot's SystemEnvironmentPropertyMapper.convertLegacyName maps each element `-` to `_` beside
    convertName's dashes dropped)."""
    found: dict[str, list[str]] = {}
    for name in environ:
        if name.startswith("SPRING_") and "_" in name:
            found.setdefault(name.replace("_", ""), []).append(name)
    return found


def _legacy_set(key: str, legacy: Mapping[str, list[str]]) -> bool:
    """Whether a variable sets the property in its legacy form: its words, glued, spell the key's elements,
    each element ending at an underscore."""
    elements = env_name(key).split("_")
    ends = set(accumulate(len(element) for element in elements))
    return any(ends <= set(accumulate(len(word) for word in name.split("_")))
               for name in legacy.get("".join(elements), ()))


def env_name(key: str) -> str:
    """The environment variable that sets a property by relaxed binding (`spring.datasource.url` ->
    SPRING_DATASOURCE_URL, `spring.kafka.bootstrap-servers` -> SPRING_KAFKA_BOOTSTRAPSERVERS)."""
    return key.replace("-", "").replace(".", "_").replace("[", "_").replace("]", "").upper()


def _boot_build(folder: Path) -> bool:
    return any("spring-boot" in (read_regular_text(folder / name, MAX_BYTES) or "") for name in BUILD_FILES)


def _resolve(value: str, effective: Mapping[str, tuple[str, int, Path]], environ: Mapping[str, str],
             depth: int) -> str | None:
    """The value with its placeholders filled from the file's other keys or their defaults; None where
    one takes compose's value (judged there) or has none (the app does not start)."""
    if depth > MAX_DEPTH:
        return None
    failed = False
    authority = _authority_end(value)

    def fill(match: re.Match[str]) -> str:
        nonlocal failed
        name, default = match[1].strip(), match[2]
        given = environ.get(name, environ.get(env_name(name)))
        if given is not None:
            failed = failed or match.start() < authority  # the host compose sets: judged at its line
            return given
        own = effective.get(_canonical(name))
        if own is not None:
            inner = _resolve(own[0], effective, environ, depth + 1)
            if inner is not None:
                return inner
        if default is None:
            failed = True
            return ""
        return str(default)

    text = PLACEHOLDER.sub(fill, value)
    return None if failed or "${" in text else text


def _authority_end(value: str) -> int:
    """Where a URL's host and port end (`jdbc:postgresql://db:5432/${POSTGRES_DB}`: before `/`); the
    whole value where it is no URL."""
    start = value.find("://")
    if start < 0:
        return len(value)
    ends = [i for i in (value.find(c, start + 3) for c in "/?;") if i >= 0]
    return min(ends, default=len(value))


def _canonical(key: str) -> str:
    return key.strip().lower().replace("-", "").replace("_", "")


def _files(resources: Path, name: str, profiles: tuple[str, ...]) -> Iterator[tuple[Path, dict[str, Entry]]]:
    for suffix in PRECEDENCE:
        path = resources / f"{name}{suffix}"
        if is_file(path):
            text = read_regular_text(path, MAX_BYTES) or ""
            found: dict[str, Entry] = {}
            for leaves in (_properties(text) if suffix == ".properties" else _yaml(text)):
                if _applies(leaves, profiles):
                    found.update(leaves)
            yield path, found


def _read_files(resources: Path, name: str, profiles: tuple[str, ...]) -> dict[str, Entry]:
    merged: dict[str, Entry] = {}
    for _, entries in _files(resources, name, profiles):
        merged.update(entries)
    return merged


def _applies(leaves: dict[str, Entry], profiles: tuple[str, ...]) -> bool:
    """Whether a document counts: no condition, or its `on-profile` (the older `spring.profiles`) matching the
    active profiles; a condition doctor cannot read (`on-cloud-platform`, a malformed expression) never applies."""
    if any(key.startswith("spring.config.activate.") and key != "spring.config.activate.onprofile" for key in leaves):
        return False
    only = leaves.get("spring.config.activate.onprofile") or leaves.get("spring.profiles")
    return only is None or profile_matches(only[0], frozenset(profiles)) is True


def profile_matches(expression: str, active: frozenset[str]) -> bool | None:
    """Spring's Profiles.of: any of the comma-separated expressions matches, each of names, `!`, `&`, `|` and
    parentheses (`&` and `|` not mixed without them); None where the text is no such expression."""
    results = [_expression(PROFILE_TOKEN.findall(part), active) for part in expression.split(",") if part.strip()]
    return None if not results or None in results else any(results)


def _expression(tokens: list[str], active: frozenset[str]) -> bool | None:
    value, rest = _operand(tokens, active)
    operator = ""
    while value is not None and rest:
        if rest[0] not in "&|" or operator not in ("", rest[0]):
            return None
        operator = rest[0]
        right, rest = _operand(rest[1:], active)
        value = None if right is None else (value and right) if operator == "&" else (value or right)
    return value


def _operand(tokens: list[str], active: frozenset[str]) -> tuple[bool | None, list[str]]:
    if not tokens:
        return None, []
    if tokens[0] == "!":
        value, rest = _operand(tokens[1:], active)
        return (None if value is None else not value), rest
    if tokens[0] == "(":
        depth = 0
        for at, token in enumerate(tokens):
            depth += {"(": 1, ")": -1}.get(token, 0)
            if depth == 0:
                return _expression(tokens[1:at], active), tokens[at + 1:]
        return None, []
    return (tokens[0] in active, tokens[1:]) if tokens[0] not in "&|)" else (None, [])


def _properties(text: str) -> list[dict[str, Entry]]:
    """The documents of a .properties file (split at `#---` / `!---` lines), each `key=value` with its line."""
    documents: list[dict[str, Entry]] = [{}]
    joined = False
    # lines as doctor numbers them (str.splitlines also breaks at \x0c, \x1c, \x85 or \u2028, which Java's
    # Properties reads as blanks or a value's text: a later line's number would be off)
    for number, line in enumerate(text_lines(text), 1):
        continued, joined = joined, line.endswith("\\")
        if not continued and line.rstrip() in ("#---", "!---"):
            documents.append({})
            continue
        if continued or line.lstrip().startswith(("#", "!")):
            continue
        match = PROPERTY.match(line)
        if match is not None and not joined:
            documents[-1][_canonical_dotted(match[1])] = (ESCAPE.sub(r"\1", match[2]), number)  # `jdbc\:postgresql\://`
    return documents


def _canonical_dotted(key: str) -> str:
    return ".".join(_canonical(part) for part in key.split("."))


def _yaml(text: str) -> list[dict[str, Entry]]:
    """The scalar leaves of each document, as dotted keys with their line (a list of scalars joined with
    commas, as Spring binds `[local, test]`); none from a file whose aliases expand past MAX_NODES (a billion
    laughs: SnakeYAML refuses it, the app does not start)."""
    from doctor.project.yamlbytes import pyyaml_lines
    from doctor.project.yamlimport import yaml

    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return []
    budget = [MAX_NODES]
    found: list[dict[str, Entry]] = []
    table = pyyaml_lines(text)
    lines = [line for line, _ in table] if table is not None else []
    for document in documents:
        leaves: dict[str, Entry] = {}
        if not _flatten(document, "", leaves, 0, budget, lines):
            return []
        found.append(leaves)
    return found


def _flatten(node: object, prefix: str, leaves: dict[str, Entry], depth: int, budget: list[int],
             lines: list[int]) -> bool:
    """Gather the scalar leaves under `node`, each at its line; `lines`: doctor's line of each line PyYAML
    counts, where it counts otherwise (at a NEL, LS, PS or lone CR too), [] where alike; False once the
    file's nodes met (aliases expanded, as doctor.project.yamlload counts them) pass the budget."""
    from doctor.project.yamlimport import yaml

    budget[0] -= 1
    if budget[0] < 0:
        return False
    if depth > 32:
        return True
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and not _flatten(
                    value, f"{prefix}{_canonical_dotted(str(key.value))}.", leaves, depth + 1, budget, lines):
                return False
    elif isinstance(node, yaml.ScalarNode) and prefix:
        leaves[prefix[:-1]] = (str(node.value), _line(node, lines))
    elif isinstance(node, yaml.SequenceNode) and prefix and node.value:
        budget[0] -= len(node.value)
        if all(isinstance(item, yaml.ScalarNode) for item in node.value):
            leaves[prefix[:-1]] = (",".join(str(item.value) for item in node.value), _line(node, lines))
    return budget[0] >= 0


def _line(node: object, lines: list[int]) -> int:
    """A node's line counted at "\\n" alone, as doctor counts lines (`lines` []: PyYAML's count agrees)."""
    line = int(node.start_mark.line)  # type: ignore[attr-defined]
    return lines[line] if line < len(lines) else line + 1
