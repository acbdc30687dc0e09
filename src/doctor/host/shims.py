"""The program a version manager's shim runs, read from the manager's files: a shim is never run.

An IDE runs with a version's own folder on PATH (`~/.asdf/installs/nodejs/20.11.0/bin`), the
terminal with the manager's shims (`~/.asdf/shims`); the two are one program where the shim picks
that version in the command's folder, as the manager would pick it:

- pyenv, rbenv, nodenv, goenv (their `*-rehash` writes `export PYENV_ROOT="..."` and `exec ".../pyenv"
  exec "$program"`): PYENV_VERSION, the nearest `.python-version` from the folder up, $PYENV_ROOT/version
  (`.ruby-version`, `.node-version`, `.go-version` for the others); for pyenv and goenv a prefix
  (`3.11`) is the newest 3.11.x installed, while rbenv and nodenv take only the name as written;
- asdf (`# asdf-plugin: nodejs 20.11.0` lines, then `exec asdf exec "yarn"`): ASDF_NODEJS_VERSION, the
  nearest `.tool-versions` naming the plugin (or, with ~/.asdfrc's `legacy_version_file = yes`, the
  plugin's own file: .nvmrc, .node-version), ~/.tool-versions; the version's
  `$ASDF_DATA_DIR/installs/PLUGIN/VERSION/bin`;
- mise (each shim a symlink to the mise binary): MISE_NODE_VERSION, the nearest mise.toml,
  .mise.toml, mise/config.toml, .config/mise.toml or .tool-versions naming the tool (or an .nvmrc
  for a tool its `idiomatic_version_file_enable_tools` setting names), the global
  ~/.config/mise/config.toml; `installs/TOOL/VERSION/bin` (mise links `20` to the newest 20.x installed);
- volta (`~/.volta/bin/node` a symlink to `volta-shim`): the nearest package.json's `volta` pins, else
  ~/.volta/tools/user/platform.json; `tools/image/node/VERSION/bin`.

A shim whose manager, version or program cannot be told from the files answers None: the shim itself
is then what is compared.
"""

from __future__ import annotations

import os
import re

from doctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

SHIM_READ = 4096  # a shim is a few lines; a config file is read up to CONFIG_READ
CONFIG_READ = 256 * 1024
# the rbenv family: the root variable a shim exports, and the version file each reads
ENV_FAMILY = {"PYENV": ".python-version", "RBENV": ".ruby-version", "NODENV": ".node-version",
              "GOENV": ".go-version"}
# rbenv-version-name and nodenv-version-name try the name as written (less `ruby-`, `node-`, `v`): no prefix
EXACT_FAMILY = frozenset(("RBENV", "NODENV"))
_ROOT_LINE = lazy(r'^export ([A-Z]+)_ROOT=(.*)$', re.M)
_ASDF_PLUGIN = lazy(r"^# asdf-plugin: (\S+)(?: (\S+))?", re.M)
_TOML_TABLE = lazy(r"^\s*\[([^\]]+)\]\s*$")
_TOML_PAIR = lazy(r'^\s*"?([A-Za-z0-9_:@/.-]+)"?\s*=\s*(.+?)\s*$')
_QUOTED = lazy(r'"([^"]*)"|\'([^\']*)\'')
# the files mise reads in each folder, the later one winning (mise's docs: "Configuration")
MISE_FILES = (".tool-versions", ".config/mise/config.toml", ".config/mise.toml", "mise/config.toml",
              ".mise/config.toml", "mise.toml", ".mise.toml", "mise.local.toml", ".mise.local.toml")
MISE_ALIASES = {"nodejs": "node", "golang": "go"}  # asdf's plugin names mise reads from .tool-versions
# the idiomatic version files of asdf's plugins (their list-legacy-filenames) and mise's tools
IDIOMATIC = {"nodejs": (".nvmrc", ".node-version"), "node": (".nvmrc", ".node-version"),
             "python": (".python-version",), "ruby": (".ruby-version",), "golang": (".go-version",),
             "go": (".go-version",), "java": (".java-version",)}


def shim_target(path: str, cwd: str, env: Mapping[str, str]) -> str | None:
    """The program the shim at `path` runs from `cwd`, or None for no shim or an answer files cannot give."""
    folder = os.path.dirname(path)
    if os.path.basename(folder) == "shims":
        if os.path.islink(path):
            return _mise(path, cwd, env) if _links_to(path, ("mise",)) else None
        text = _read(path, SHIM_READ)
        if text is None or not text.startswith("#!"):
            return None
        if "# asdf-plugin:" in text and "asdf exec " in text:
            return _asdf(path, text, cwd, env)
        return _env_family(path, text, cwd, env)
    if os.path.islink(path) and _links_to(path, ("volta-shim",)):
        from doctor.host.volta_pins import volta_target

        return volta_target(path, cwd)
    return None


def manager_of(path: str) -> str | None:
    """The version manager whose shim `path` is ('pyenv', 'asdf', 'mise', 'volta'...), or None."""
    if os.path.basename(os.path.dirname(path)) == "shims":
        if os.path.islink(path):
            return "mise" if _links_to(path, ("mise",)) else None
        text = _read(path, SHIM_READ) or ""
        if "# asdf-plugin:" in text:
            return "asdf"
        found = _ROOT_LINE.search(text)
        return found.group(1).lower() if found and found.group(1) in ENV_FAMILY else None
    return "volta" if os.path.islink(path) and _links_to(path, ("volta-shim",)) else None


def _links_to(path: str, names: tuple[str, ...]) -> bool:
    return os.path.basename(os.path.realpath(path)) in names


def _read(path: str, limit: int) -> str | None:
    from doctor.regular import decoded, read_bytes

    try:
        return decoded(read_bytes(path, limit, head=True))
    except OSError:
        return None


def _runnable(path: str) -> bool:
    return os.access(path, os.X_OK) and os.path.isfile(path)


def _upward(cwd: str) -> Iterator[str]:
    """`cwd` and each folder above it, to the root."""
    folder = os.path.abspath(cwd)
    while True:
        yield folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def _env_family(path: str, text: str, cwd: str, env: Mapping[str, str]) -> str | None:
    """pyenv, rbenv, nodenv, goenv: `pyenv exec` picks PYENV_VERSION, the nearest version file, the global one."""
    if " exec " not in text:
        return None
    found = _ROOT_LINE.search(text)
    if found is None or found.group(1) not in ENV_FAMILY:
        return None
    name, root = found.group(1), found.group(2).strip().strip("\"'")
    if not os.path.isabs(root) or "$" in root:
        return None
    versions = env.get(f"{name}_VERSION", "").replace(":", " ").split() or _version_file(cwd, root, ENV_FAMILY[name])
    language = ENV_FAMILY[name][1:].split("-")[0]  # python, ruby, node, go: `python-3.12.1` is 3.12.1
    for version in versions:
        if version == "system":
            return None
        for named in dict.fromkeys((version, version.removeprefix(f"{language}-"), version.removeprefix("v"))):
            chosen = _installed(os.path.join(root, "versions"), named, prefix=name not in EXACT_FAMILY)
            candidate = os.path.join(root, "versions", chosen, "bin", os.path.basename(path)) if chosen else ""
            if candidate and _runnable(candidate):
                return candidate
    return None


def _installed(versions: str, version: str, prefix: bool = True) -> str | None:
    """The folder of `versions` a version names: itself, else (a prefix, CTFd's `3.11`, where the manager
    takes one) the newest release under it as pyenv-latest picks it; pre-releases and other builds
    (`3.11.0rc1`) left out."""
    if os.path.isdir(os.path.join(versions, version)):
        return version
    if not prefix:
        return None
    try:
        names = os.listdir(versions)
    except OSError:
        return None
    releases = [n for n in names if n.startswith(version + ".") and n[len(version) + 1:].replace(".", "").isdigit()]
    return max(releases, key=lambda n: [int(part) for part in n.split(".") if part.isdigit()], default=None)


def _version_file(cwd: str, root: str, name: str) -> list[str]:
    """The versions the nearest `name` from `cwd` up lists, else the global $ROOT/version's."""
    for folder in _upward(cwd):
        found = _versions_in(os.path.join(folder, name))
        if found is not None:
            return found
    return _versions_in(os.path.join(root, "version")) or []


def _versions_in(path: str) -> list[str] | None:
    """The first word of each line of a version file, comments and paths left out; None for no file."""
    text = _read(path, SHIM_READ) if os.path.isfile(path) else None
    if text is None:
        return None
    words = [line.split()[0] for line in text.splitlines() if line.split()]
    return [w for w in words if not w.startswith("#") and ".." not in w and "/" not in w]


def _tool_versions(path: str) -> dict[str, list[str]]:
    """`.tool-versions` (asdf's, mise's): each tool's versions, in order, comments left out."""
    text = _read(path, CONFIG_READ) if os.path.isfile(path) else None
    found: dict[str, list[str]] = {}
    for line in (text or "").splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) > 1:
            found.setdefault(words[0], words[1:])
    return found


def _asdf(path: str, text: str, cwd: str, env: Mapping[str, str]) -> str | None:
    """asdf's shim: the plugins its comments name, each one's version as `asdf exec` picks it."""
    root = os.path.dirname(os.path.dirname(path))  # $ASDF_DATA_DIR: its shims/ holds the shim
    home = env.get("HOME", "")
    defaults = env.get("ASDF_DEFAULT_TOOL_VERSIONS_FILENAME", ".tool-versions")
    plugins = dict.fromkeys(found.group(1) for found in _ASDF_PLUGIN.finditer(text))
    legacy = _asdf_legacy(env)
    for plugin in plugins:
        versions = env.get(f"ASDF_{plugin.upper().replace('-', '_')}_VERSION", "").split()
        # `legacy_version_file = yes`: the plugin's own files (its list-legacy-filenames, read from a table, not
        # run), after .tool-versions; a plugin folder without that script has none
        plugin_bin = os.path.join(root, "plugins", plugin, "bin")
        lists = os.path.isfile(os.path.join(plugin_bin, "list-legacy-filenames")) or not os.path.isdir(plugin_bin)
        names = IDIOMATIC.get(plugin, ()) if legacy and lists else ()
        if not versions:
            for folder in _upward(cwd):
                versions = _tool_versions(os.path.join(folder, defaults)).get(plugin, [])
                versions = versions or next(filter(None, (_idiomatic(os.path.join(folder, n)) for n in names)), [])
                if versions:
                    break
        if not versions and home:
            versions = _tool_versions(os.path.join(home, defaults)).get(plugin, [])
        for version in versions:
            if version == "system":
                return None
            if version.startswith("path:"):
                candidate = os.path.join(version[5:], "bin", os.path.basename(path))
            else:
                folder = version.replace("ref:", "ref-", 1)
                candidate = os.path.join(root, "installs", plugin, folder, "bin", os.path.basename(path))
            if _runnable(candidate):
                return candidate
    return None


def _asdf_legacy(env: Mapping[str, str]) -> bool:
    """Whether asdf's config ($ASDF_CONFIG_FILE, ~/.asdfrc) says `legacy_version_file = yes`."""
    path = env.get("ASDF_CONFIG_FILE") or os.path.join(env.get("HOME", ""), ".asdfrc")
    text = _read(path, SHIM_READ) if env.get("HOME") or env.get("ASDF_CONFIG_FILE") else None
    for line in (text or "").splitlines():
        key, _, value = line.split("#", 1)[0].partition("=")
        if key.strip() == "legacy_version_file":
            return value.strip() == "yes"
    return False


def _idiomatic(path: str) -> list[str]:
    """The version an idiomatic file (.nvmrc, .python-version...) names, less `v` and `node-`; none for an
    alias doctor cannot resolve from files (`lts/iron`)."""
    words = _versions_in(path) or []
    version = words[0].removeprefix("node-").removeprefix("v") if words else ""
    return [version] if version[:1].isdigit() else []


def _mise(path: str, cwd: str, env: Mapping[str, str]) -> str | None:
    """mise's shim: the first tool mise has configured from `cwd` whose version's bin holds the program."""
    data = os.path.dirname(os.path.dirname(path))
    program = os.path.basename(path)
    for tool, versions in _mise_tools(cwd, env).items():
        for version in versions:
            if version == "system":
                break
            folder = _installed(os.path.join(data, "installs", tool), version.removeprefix("v"))
            candidate = os.path.join(data, "installs", tool, folder, "bin", program) if folder else ""
            if candidate and _runnable(candidate):
                return candidate
    return None


def _mise_tools(cwd: str, env: Mapping[str, str]) -> dict[str, list[str]]:
    """Each tool mise has configured from `cwd`, its versions: MISE_<TOOL>_VERSION, the nearest folder's
    files (a later file of a folder over an earlier one), the global config."""
    found: dict[str, list[str]] = {}
    home = env.get("HOME", "")
    config = env.get("MISE_CONFIG_DIR") or os.path.join(env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"),
                                                         "mise")
    idiomatic = _mise_idiomatic(config, env)
    for folder in _upward(cwd):
        here: dict[str, list[str]] = {}
        for tool in idiomatic:  # the idiomatic files first: a folder's mise files win over them
            pins = next(filter(None, (_idiomatic(os.path.join(folder, n)) for n in IDIOMATIC.get(tool, ()))), [])
            if pins:
                here[tool] = pins
        for name in MISE_FILES:
            here.update(_mise_file(os.path.join(folder, name)))
        for tool, versions in here.items():
            found.setdefault(tool, versions)
    for tool, versions in _mise_file(os.path.join(config, "config.toml")).items():
        found.setdefault(tool, versions)
    for tool in list(found):
        pinned = env.get(f"MISE_{tool.upper().replace('-', '_')}_VERSION")
        if pinned:
            found[tool] = [pinned]
    named: dict[str, list[str]] = {}
    for tool, versions in found.items():  # the nearest first: it wins over the same tool named otherwise
        named.setdefault(_mise_install_name(tool), versions)
    return named


def _mise_idiomatic(config: str, env: Mapping[str, str]) -> list[str]:
    """The tools whose idiomatic files (.nvmrc...) mise reads: MISE_IDIOMATIC_VERSION_FILE_ENABLE_TOOLS, else
    the global config's `idiomatic_version_file_enable_tools = ["node"]` under [settings]."""
    named = env.get("MISE_IDIOMATIC_VERSION_FILE_ENABLE_TOOLS")
    if named is not None:
        return [_mise_install_name(t.strip()) for t in named.split(",") if t.strip()]
    path = os.path.join(config, "config.toml")
    text = _read(path, CONFIG_READ) if os.path.isfile(path) else ""
    table = ""
    for line in (text or "").splitlines():
        heading = _TOML_TABLE.match(line)
        table = heading.group(1).strip() if heading else table
        pair = _TOML_PAIR.match(line) if table == "settings" and not heading else None
        if pair and pair.group(1) == "idiomatic_version_file_enable_tools":
            return [_mise_install_name(a or b) for a, b in _QUOTED.findall(pair.group(2).split("#", 1)[0])]
    return []


def _mise_install_name(tool: str) -> str:
    """The folder of installs/ a configured tool lives in: `core:node`, and asdf's `nodejs` in a
    .tool-versions, are mise's `node`; `npm:prettier` is `npm-prettier`."""
    tool = tool.removeprefix("core:")
    return MISE_ALIASES.get(tool, tool).replace(":", "-").replace("/", "-")


def _mise_file(path: str) -> dict[str, list[str]]:
    """The tools of one mise config file: a `.tool-versions`, or a TOML file's [tools] table (`node = "20"`,
    `python = ["3.12", "3.11"]`, `go = { version = "1.22" }`) and its sub-tables, mise's long form
    (`[tools.node]` with `version = "22"` and `postinstall = "corepack enable"`), read line by line."""
    if path.endswith(".tool-versions"):
        return _tool_versions(path)
    text = _read(path, CONFIG_READ) if os.path.isfile(path) else None
    found: dict[str, list[str]] = {}
    table = ""
    for line in (text or "").splitlines():
        heading = _TOML_TABLE.match(line)
        if heading:
            table = heading.group(1).strip()
            continue
        pair = _TOML_PAIR.match(line) if table == "tools" or table.startswith("tools.") else None
        if pair is None:
            continue
        value = pair.group(2)
        if table != "tools":  # `[tools.node]`: its `version` key is the tool's
            tool = table.removeprefix("tools.").strip().strip("\"'")
            if pair.group(1) != "version" or not tool:
                continue
        else:
            tool = pair.group(1)
            if value.startswith("{"):
                value = value.split("version", 1)[1] if "version" in value else ""
        versions = [a or b for a, b in _QUOTED.findall(value.split("#", 1)[0])]
        if versions:
            found[tool] = versions
    return found
