"""The program volta's shim runs: `~/.volta/bin/yarn`, a link to `volta-shim`, runs the version the
nearest package.json's `volta` pins (a workspace's `"extends": "../../package.json"` followed), else
the user's default in ~/.volta/tools/user/platform.json, from `tools/image/TOOL/VERSION/bin`. Read
from those files (doctor.host.shims's reader for volta), never by running the shim."""

from __future__ import annotations

import os

from doctor.host.shims import CONFIG_READ, _read, _runnable, _upward

VOLTA_TOOLS = {"node": "node", "npx": "node", "npm": "npm", "yarn": "yarn", "pnpm": "pnpm"}


def volta_target(path: str, cwd: str) -> str | None:
    """volta's shim: the nearest package.json's `volta` pins, else the user's default platform."""
    tool = VOLTA_TOOLS.get(os.path.basename(path))
    if tool is None:
        return None  # a package's binary (`tsc`): volta's own records, not read here
    home = os.path.dirname(os.path.dirname(path))  # $VOLTA_HOME: its bin/ holds the shim
    pins = {**_volta_default(home), **_volta_project(cwd)}
    node = pins.get("node")
    if tool == "npm" and not pins.get("npm"):
        tool = "node"  # the npm node bundles
    version = node if tool == "node" else pins.get(tool)
    if not version:
        return None
    candidate = os.path.join(home, "tools", "image", tool, version, "bin", os.path.basename(path))
    return candidate if _runnable(candidate) else None


def _volta_project(cwd: str) -> dict[str, str]:
    """The `volta` pins of the nearest package.json (the project volta finds), over the user's default;
    a workspace's `"extends": "../../package.json"` followed, its own pins over those it extends."""
    for folder in _upward(cwd):
        manifest = os.path.join(folder, "package.json")
        if os.path.isfile(manifest):
            return _volta_pins(manifest, set())
    return {}


def _volta_pins(manifest: str, seen: set[str]) -> dict[str, str]:
    """One package.json's `volta` pins, with those of the file its `extends` names (relative to it)."""
    import json

    text = _read(manifest, CONFIG_READ)
    seen.add(os.path.realpath(manifest))
    try:
        pins = json.loads(text or "").get("volta")
    except (ValueError, AttributeError):
        return {}
    if not isinstance(pins, dict):
        return {}
    own = {k: v for k, v in pins.items() if isinstance(v, str) and k != "extends"}
    extends = pins.get("extends")
    if isinstance(extends, str) and extends:
        parent = os.path.normpath(os.path.join(os.path.dirname(manifest), extends))
        if os.path.realpath(parent) not in seen and len(seen) < 16:  # volta refuses a cycle; doctor stops at one
            return {**_volta_pins(parent, seen), **own}
    return own


def _volta_default(home: str) -> dict[str, str]:
    import json

    text = _read(os.path.join(home, "tools", "user", "platform.json"), CONFIG_READ)
    try:
        platform = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(platform, dict):
        return {}
    node = platform.get("node")
    node = node if isinstance(node, dict) else {}
    pins = {"node": node.get("runtime"), "npm": node.get("npm"), "yarn": platform.get("yarn"),
            "pnpm": platform.get("pnpm")}
    return {k: v for k, v in pins.items() if isinstance(v, str)}
