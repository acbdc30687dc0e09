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
# where the docker CLI looks for `docker-compose` (cli-plugins/manager, unix), after the user's folder
SYSTEM_PLUGIN_DIRS = (
    "/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins",
    "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins",
    "/Applications/Docker.app/Contents/Resources/cli-plugins",
)


def _stamp(path: str) -> list[object]:
    try:
        info = os.stat(path)
    except OSError as exc:
        return [path, exc.errno]
    return [path, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def key_material(env: Mapping[str, str], programs: Mapping[str, str | None]) -> list[object]:
    """Everything the version depends on that doctor can see without running a program."""
    home = env.get("HOME", "")
    config = env.get("DOCKER_CONFIG") or (os.path.join(home, ".docker") if home else "")
    folders = [os.path.join(config, "cli-plugins")] if config else []
    config_file = os.path.join(config, "config.json") if config else ""
    if config_file:
        import json

        try:
            with open(config_file, encoding="utf-8") as handle:
                extra = json.load(handle).get("cliPluginsExtraDirs")
            if isinstance(extra, list):
                folders += [str(f) for f in extra]
        except (OSError, ValueError, AttributeError):
            pass
    folders += SYSTEM_PLUGIN_DIRS
    return [
        sorted((name, _stamp(path) if path else None) for name, path in programs.items()),
        _stamp(config_file) if config_file else None,
        [_stamp(os.path.join(folder, "docker-compose")) for folder in folders],
    ]


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
