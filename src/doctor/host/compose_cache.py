"""A cache of the installed compose's version, so a preflight need not run `docker compose version`.

Starting the docker CLI and its compose plugin takes ~130 ms (as much as doctor's whole run on
a small project), and compose-version and port-collision ask for it whenever the project uses
a versioned feature. An entry is used only while the programs it came from are unchanged: the
stat (inode, size, mtime, ctime) of the `docker` and `docker-compose` that PATH finds, of every
place the docker CLI looks for its compose plugin (DOCKER_CONFIG's or ~/.docker's cli-plugins,
the system plugin folders, the `cliPluginsExtraDirs` of its config.json) and of that
config.json; and for MAX_AGE seconds at most. It lives next to the login-PATH cache
($XDG_CACHE_HOME/doctor, else ~/.cache/doctor); DOCTOR_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping

MAX_AGE = 3600.0
FILE = "compose-version.json"
# where the docker CLI looks for `docker-compose` after its config.json's cliPluginsExtraDirs and
# its config folder's cli-plugins, in its order (docker/cli cli-plugins/manager, unix)
UNIX_PLUGIN_DIRS = (
    "/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins",
    "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins",
)
# stamped too: Docker Desktop's own folder (its config.json names it, but a key may as well see it)
SYSTEM_PLUGIN_DIRS = (*UNIX_PLUGIN_DIRS, "/Applications/Docker.app/Contents/Resources/cli-plugins")
PLUGIN = "docker-compose"
# the first bytes of a compiled program (ELF; Mach-O 64-bit, both byte orders; a universal binary)
PROGRAM_MAGIC = (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"\xca\xfe\xba\xbe")


def _stamp(path: str) -> list[object]:
    try:
        info = os.stat(path)
    except OSError as exc:
        return [path, exc.errno]
    return [path, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def _config(env: Mapping[str, str]) -> tuple[str, list[str], bool]:
    """The docker CLI's config.json ("" when there is no config folder), its cliPluginsExtraDirs,
    and whether it sets something that changes how `docker compose` runs (an alias).

    As docker/cli reads it: DOCKER_CONFIG, else ~/.docker with HOME, else the passwd entry's home;
    the keys matched without regard to case, the last one winning (Go's encoding/json); a file
    that does not parse is ignored (the CLI warns and goes on without it).
    """
    config = env.get("DOCKER_CONFIG") or ""
    if not config:
        home = env.get("HOME") or _passwd_home()
        config = os.path.join(home, ".docker") if home else ""
    config_file = os.path.join(config, "config.json") if config else ""
    extra: list[str] = []
    aliased = False
    try:
        with open(config_file, encoding="utf-8") as handle:  # open("") fails: no config folder
            text = handle.read()
        import json  # only for a config.json there is

        found = json.loads(text)
        for key, value in found.items() if isinstance(found, dict) else ():
            lowered = key.lower()
            if lowered == "clipluginsextradirs":
                extra = [str(f) for f in value] if isinstance(value, list) else []
            elif lowered == "aliases" and value:
                aliased = True  # the CLI refuses all but `builder`, and may rewrite the command
    except (OSError, ValueError, TypeError):
        pass
    return config_file, extra, aliased


def _passwd_home() -> str:
    """The user's home from the passwd database (docker/cli's fallback when HOME is unset)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_dir
    except (ImportError, KeyError, OSError):
        return ""


def plugin_folders(env: Mapping[str, str]) -> list[str]:
    """Where the docker CLI looks for its compose plugin, in its order: config.json's
    cliPluginsExtraDirs, then DOCKER_CONFIG's (else ~/.docker's) cli-plugins, then the system folders."""
    config_file, extra, _ = _config(env)
    return _folders(config_file, extra)


def _folders(config_file: str, extra: list[str]) -> list[str]:
    own = [os.path.join(os.path.dirname(config_file), "cli-plugins")] if config_file else []
    return [*extra, *own, *UNIX_PLUGIN_DIRS]


def _every_folder(config_file: str, extra: list[str]) -> list[str]:
    """Every folder a docker CLI may take its compose plugin from, Docker.app's included."""
    return [*_folders(config_file, extra), SYSTEM_PLUGIN_DIRS[-1]]


def key_material(env: Mapping[str, str], programs: Mapping[str, str | None]) -> list[object]:
    """Everything the version depends on that doctor can see without running a program."""
    config_file, extra, _ = _config(env)
    folders = _every_folder(config_file, extra)
    return [
        sorted((name, _stamp(path) if path else None) for name, path in programs.items()),
        _stamp(config_file) if config_file else None,
        [_stamp(os.path.join(folder, PLUGIN)) for folder in folders],
    ]


def plugin(env: Mapping[str, str], docker: str | None) -> str | None:
    """The compose plugin `docker compose` would run, when doctor can tell it for sure; else None.

    Asking the plugin itself (`docker-compose docker-cli-plugin-metadata`, what the docker CLI
    asks a plugin before it runs it) costs a third of `docker compose version`, where the CLI
    starts, asks compose for that metadata, then starts compose again. Only for a `docker` that
    is the docker CLI: a compiled program named `docker` (podman's `docker` is a script or
    podman itself), on a unix, with no alias in its config.json. As docker/cli's
    PluginRunCommand: the first `docker-compose` in plugin_folders that stat() does not call
    absent is the one; when it is not an executable regular file (a folder, a symlink loop, a
    file it may not run), the CLI tries it and fails, so that is left to the CLI too.
    """
    if docker is None or not _is_docker_cli(docker):
        return None
    config_file, extra, aliased = _config(env)
    if aliased:
        return None
    import stat

    for folder in _folders(config_file, extra):
        candidate = os.path.join(folder, PLUGIN)
        try:
            mode = os.stat(candidate).st_mode
        except FileNotFoundError:
            continue  # absent (a broken symlink too): the CLI looks on
        except OSError:
            return None
        return candidate if stat.S_ISREG(mode) and os.access(candidate, os.X_OK) else None
    return None


def _is_docker_cli(docker: str) -> bool:
    """Whether `docker` is the docker CLI itself: a compiled program named `docker`, on a unix
    (podman's `docker` is a script or podman itself)."""
    if os.name != "posix":
        return False
    try:
        real = os.path.realpath(docker)
        if os.path.basename(real) != "docker":
            return False
        with open(real, "rb") as handle:
            return handle.read(4) in PROGRAM_MAGIC
    except OSError:
        return False


def compose_cli(env: Mapping[str, str]) -> tuple[str, ...]:
    """How compose is run on this machine, for the commands doctor prints and runs: `docker
    compose`, or `docker-compose` where that is the only compose: a standalone `docker-compose` on
    PATH (compose v1, or v2 without the plugin) and no docker CLI, or a docker CLI none of whose
    plugin folders holds compose (there `docker compose` fails: "'compose' is not a docker
    command"). Where doctor cannot tell (podman's `docker`, which runs a compose provider of its
    own), and where there is no compose at all (compose-version says so), `docker compose`."""
    from doctor.host.which import which_on

    path = env.get("PATH")
    if which_on("docker-compose", path) is None:
        return ("docker", "compose")
    docker = which_on("docker", path)
    if docker is not None:
        if not _is_docker_cli(docker):
            return ("docker", "compose")
        config_file, extra, _ = _config(env)
        if any(os.path.lexists(os.path.join(folder, PLUGIN)) for folder in _every_folder(config_file, extra)):
            return ("docker", "compose")
    return ("docker-compose",)


def has_plugin(env: Mapping[str, str]) -> bool:
    """Whether `docker compose` works here: a docker CLI on PATH with the compose plugin in one of
    its plugin folders (read, nothing run)."""
    from doctor.host.which import which_on

    docker = which_on("docker", env.get("PATH"))
    if docker is None or not _is_docker_cli(docker):
        return False
    config_file, extra, _ = _config(env)
    return any(os.path.lexists(os.path.join(folder, PLUGIN)) for folder in _every_folder(config_file, extra))


def lacks_plugin(env: Mapping[str, str]) -> bool:
    """Whether the docker CLI itself is on PATH without the compose plugin in any of its plugin folders
    (`docker compose` is then an unknown command); False for no docker or another program called so."""
    from doctor.host.which import which_on

    docker = which_on("docker", env.get("PATH"))
    return docker is not None and _is_docker_cli(docker) and not has_plugin(env)


def cache_file(env: Mapping[str, str]) -> str | None:
    from doctor.cachedir import cache_dir

    folder = cache_dir(env)
    return os.path.join(folder, FILE) if folder else None


def load(env: Mapping[str, str], material: list[object]) -> tuple[int, int, int] | bool | None:
    """The cached version (None: neither program answered), or False when there is no valid entry."""
    from doctor.cachedir import read_json

    path = cache_file(env)
    entry = read_json(path) if path is not None else None
    import json

    if not isinstance(entry, dict) or entry.get("key") != json.loads(json.dumps(material)):
        return False
    at = entry.get("at")
    if not isinstance(at, (int, float)) or not 0 <= time.time() - at <= MAX_AGE:
        return False
    version = entry.get("version")
    if version is None:
        return None
    if isinstance(version, list) and len(version) == 3 and all(isinstance(v, int) for v in version):
        return (version[0], version[1], version[2])
    return False


def store(env: Mapping[str, str], material: list[object], version: tuple[int, int, int] | None) -> None:
    """Remember the version; a cache that cannot be written is simply not used."""
    from doctor.cachedir import write_json

    path = cache_file(env)
    if path is not None:
        write_json(path, {"at": time.time(), "key": material, "version": list(version) if version else None})
