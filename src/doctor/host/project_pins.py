"""Whether two versions one manager installed (nvm's, fnm's, mise's, asdf's) differ because the
project pins one of them: a manager's per-folder switch put it on this PATH, while the login shell,
started in HOME, has the default. Read from the project's version files, nothing run."""

from __future__ import annotations

import os

from doctor.host.shims import SHIM_READ, _mise_install_name, _mise_tools, _read, _upward
from doctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

# a version's own folder: nvm's, fnm's (a per-shell link resolved to it), mise's and asdf's
_VERSION_FOLDERS = (
    lazy(r"^(?P<root>.+)/versions/(?P<tool>node)/v?(?P<version>[^/]+)/bin$"),
    lazy(r"^(?P<root>.+)/node-versions/v?(?P<version>[^/]+)/installation/bin$"),
    lazy(r"^(?P<root>.+)/installs/(?P<tool>[^/]+)/v?(?P<version>[^/]+)/bin$"),
)
NODE_FILES = (".nvmrc", ".node-version")  # nvm's and fnm's per-project version files


def project_pick(here: str, there: str, cwd: str, env: Mapping[str, str]) -> bool:
    """Whether `here` and `there` are two versions one manager installed (nvm's, fnm's, mise's,
    asdf's), `here` the one the project pins from `cwd` (.nvmrc, .node-version, .tool-versions,
    mise.toml): the manager's per-folder switch (`mise activate`, `fnm env --use-on-cd`, an `nvm
    use` hook) put it on this PATH, while the login shell, started in HOME, has the default."""
    mine, theirs = _version_folder(here), _version_folder(there)
    if mine is None or theirs is None or mine[:2] != theirs[:2] or mine[2] == theirs[2]:
        return False
    _, tool, version = mine
    pins: list[str] = []
    if tool in ("node", "nodejs"):
        for folder in _upward(cwd):
            pins = next(filter(None, (_node_pin(os.path.join(folder, name)) for name in NODE_FILES)), [])
            if pins:
                break
    if not pins:
        pins = _mise_tools(cwd, env).get(_mise_install_name(tool), [])  # asdf's nodejs folder: mise's node
    return any(_pins(pin, version) for pin in pins)


def _node_pin(path: str) -> list[str]:
    """The version an .nvmrc or .node-version names (its first word: `20`, `v18.19.0`, `lts/iron`)."""
    text = _read(path, SHIM_READ) if os.path.isfile(path) else None
    words = [line.split()[0] for line in (text or "").splitlines() if line.split() and not line.startswith("#")]
    return words[:1]


def _version_folder(path: str) -> tuple[str, str, str] | None:
    """(the manager's folder, the tool, the version) of a program in a version's own folder; a
    per-shell link (fnm's) followed to the version it links."""
    folder = os.path.realpath(os.path.dirname(path))
    for pattern in _VERSION_FOLDERS:
        found = pattern.match(folder)
        if found:
            return found.group("root"), found.groupdict().get("tool") or "node", found.group("version")
    return None


def _pins(pin: str, version: str) -> bool:
    """Whether a project's version `pin` (`22`, `v18.19.0`, `node-20`) names `version`; an alias doctor
    cannot resolve from files (`lts/iron`, `latest`) is taken as naming it (the manager chose it)."""
    pin = pin.removeprefix("node-").removeprefix("v")
    if pin == "system":
        return False
    if not pin[:1].isdigit():
        return True
    return version == pin or version.startswith(pin + ".")
