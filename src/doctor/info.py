"""`doctor info`: the facts a bug report needs, in one object, with every secret masked.

Versions (doctor, Python, platform, docker CLI, compose, engine), where doctor runs, which
engine endpoint it talks to and whether it answers, the two PATH views (inherited and login
shell) with their difference, and the checks that loaded (plugins that failed to load are
named with their distribution). Every probe has a short timeout and says why when it cannot
answer; nothing here raises for a missing tool or a dead engine.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence

from doctor import __version__
from doctor.lazyre import lazy
from doctor.model import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

    from doctor.host import Host
    from doctor.redact import Redactor

INFO_VERSION = 1
TOOL_TIMEOUT = 2.0
_VERSION = lazy(r"\bversion\s+v?(?P<version>[0-9][^\s,]*)", re.IGNORECASE)


@record
class ToolVersion:
    """What `TOOL --version` said: the version, or why there is none (`error`)."""

    command: str
    version: str | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"command": self.command, "version": self.version, "error": self.error}


def run_version(argv: Sequence[str], env: Mapping[str, str], timeout: float = TOOL_TIMEOUT) -> ToolVersion:
    """Run a version command (stdin closed, `timeout` seconds); its version or one line why not."""
    command = " ".join(argv)
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=timeout, env=dict(env))
    except subprocess.TimeoutExpired:
        return ToolVersion(command, error=f"no answer in {timeout:g} s")
    except OSError as exc:
        return ToolVersion(command, error=f"cannot run: {exc.strerror or exc}")
    lines = (done.stdout.strip() or done.stderr.strip()).splitlines()
    first = lines[0].strip() if lines else ""
    if done.returncode != 0:
        said = f": {first[:200]}" if first else ""
        return ToolVersion(command, error=f"exit {done.returncode}{said}")
    if not first:
        return ToolVersion(command, error="printed nothing")
    found = _VERSION.search(first)
    version = found.group("version") if found else first.removeprefix("v")
    return ToolVersion(command, version=version)


def docker_versions(env: Mapping[str, str], timeout: float = TOOL_TIMEOUT) -> tuple[ToolVersion, ToolVersion]:
    """The docker CLI's version, and compose's (the CLI plugin, else a standalone docker-compose)."""
    path = env.get("PATH", "")
    docker = shutil.which("docker", path=path)
    standalone = shutil.which("docker-compose", path=path)
    cli = ToolVersion("docker", error="not found on PATH")
    if docker:
        cli = run_version([docker, "--version"], env, timeout)
    compose = ToolVersion("docker compose", error="not found (no docker CLI plugin, no docker-compose on PATH)")
    if docker:
        compose = run_version([docker, "compose", "version", "--short"], env, timeout)
    if compose.version is None and standalone:
        compose = run_version([standalone, "version", "--short"], env, timeout)
    return cli, compose


def engine_facts(host: Host) -> dict[str, object]:
    """The endpoint the docker CLI would use, whether it answered, and the server's versions."""
    from doctor.model import Unavailable

    engine = host.engine
    endpoint = engine.endpoint
    facts: dict[str, object] = {
        "endpoint": endpoint.url if endpoint else None,
        "source": endpoint.source if endpoint else None,
        "product": endpoint.product if endpoint else None,
        "available": engine.available,
        "reason": engine.reason or None,
    }
    if not engine.available:
        return facts
    try:
        version = engine.get_json("/version")
        facts["reason"] = None
        if isinstance(version, dict):
            facts.update(server_version=version.get("Version"), api_version=version.get("ApiVersion"),
                         os=version.get("Os"), arch=version.get("Arch"))
        facts["operating_system"] = engine.info.get("OperatingSystem")
        facts["rootless"] = engine.rootless
    except Unavailable as exc:  # it answered the ping, then not /version: say so, keep the rest
        facts["reason"] = exc.reason
    return facts


def path_facts(host: Host) -> dict[str, object]:
    """Both PATH views and their difference (what the login shell adds, what only the parent had)."""
    shell = host.shell
    inherited = [entry for entry in shell.inherited if entry]
    login = shell.login
    entries = [entry for entry in login.entries if entry]
    return {
        "shell": login.shell,
        "inherited": inherited,
        "login": entries if login.ok else None,
        "login_error": login.error or None,
        "only_in_login": [e for e in entries if e not in inherited] if login.ok else None,
        "only_inherited": [e for e in inherited if e not in entries] if login.ok else None,
    }


def check_facts() -> dict[str, object]:
    """The check ids that loaded, and every plugin that did not (with its distribution)."""
    from doctor.engine import load_registry

    registry = load_registry()
    return {
        "loaded": sorted(registry.checks),
        "plugin_errors": [{"name": e.name, "distribution": e.distribution, "message": e.message}
                          for e in registry.errors],
    }


def collect_info(env: Mapping[str, str] | None = None, timeout: float = TOOL_TIMEOUT,
                 host: Host | None = None, project_root: str | None = None) -> dict[str, object]:
    """Every fact `doctor info --json` prints, secrets masked; each probe bounded by `timeout`."""
    from pathlib import Path

    from doctor.host import Host
    from doctor.redact import Redactor

    env = dict(os.environ) if env is None else dict(env)
    host = host or Host(env=env, timeout=timeout)
    cli, compose = docker_versions(env, timeout)
    context = host.context
    facts: dict[str, object] = {
        "version": INFO_VERSION,
        "doctor": {"version": __version__, "package": os.path.dirname(os.path.abspath(__file__))},
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable,
        },
        "platform": {
            "system": platform.system(),
            "release": platform.release(),
            "machine": platform.machine(),
            "description": platform.platform(),
        },
        "host_platform": host.platform.as_dict(Path(project_root or os.getcwd())),
        "context": {"description": context.describe(), **context.as_dict()},
        "docker": {"cli": cli.as_dict(), "compose": compose.as_dict()},
        "engine": engine_facts(host),
        "path": path_facts(host),
        "checks": check_facts(),
    }
    masked: dict[str, object] = mask(facts, Redactor.from_environment(env))
    return masked


def mask(value: Any, redactor: Redactor) -> Any:
    """The same structure with every string passed through the redactor (URL passwords, known secrets)."""
    if isinstance(value, str):
        return redactor.text(value)
    if isinstance(value, dict):
        return {key: mask(item, redactor) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask(item, redactor) for item in value]
    return value


def render_info(info: Mapping[str, Any]) -> str:
    """The facts as aligned `name  value` lines, for pasting into an issue."""
    docker, engine, path, checks = info["docker"], info["engine"], info["path"], info["checks"]
    python, plat = info["python"], info["platform"]
    rows = [
        ("doctor", f"{info['doctor']['version']} ({info['doctor']['package']})"),
        ("python", f"{python['version']} ({python['implementation']}, {python['executable']})"),
        ("platform", plat["description"]),
        ("host", info["host_platform"]["description"]),
        ("context", info["context"]["description"]),
        ("docker CLI", _tool(docker["cli"])),
        ("compose", _tool(docker["compose"])),
        ("engine", _engine(engine)),
        ("login shell", path["shell"]),
        ("PATH", ":".join(path["inherited"]) or "(empty)"),
    ]
    if path["login_error"]:
        rows.append(("login PATH", f"unknown: {path['login_error']}"))
    else:
        rows.append(("login adds", ":".join(path["only_in_login"]) or "(nothing)"))
        rows.append(("login lacks", ":".join(path["only_inherited"]) or "(nothing)"))
    rows += _platform_rows(info["host_platform"])
    rows.append(("checks", ", ".join(checks["loaded"])))
    rows += [("plugin error", f"{e['name']} from {e['distribution']} {e['message']}") for e in checks["plugin_errors"]]
    width = max(len(name) for name, _ in rows)
    return "".join(f"{name:<{width}}  {value}\n" for name, value in rows)


def _tool(tool: Mapping[str, Any]) -> str:
    return str(tool["version"]) if tool["version"] else f"unknown ({tool['command']}: {tool['error']})"


def _platform_rows(facts: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The platform's own facts: a repo on a Windows drive, a Windows docker.exe, launchd's PATH."""
    rows = []
    mount = facts.get("windows_mount")
    if mount:
        rows.append(("windows drive", mount["advice"]))
    if facts.get("windows_docker"):
        rows.append(("docker.exe", f"{facts['windows_docker']} talks to Windows' engine, not this distro's"))
    if facts.get("launchd_path") is not None:
        rows.append(("launchd PATH", ":".join(facts["launchd_path"]) + " (apps started from the Dock)"))
    return rows


def _engine(engine: Mapping[str, Any]) -> str:
    where = f"{engine['endpoint']} ({engine['source']})" if engine["endpoint"] else "no endpoint"
    if engine.get("product"):
        where += f", {engine['product']}"
    if not engine["available"]:
        return f"{where}: unavailable: {engine['reason']}"
    parts = [f"server {engine.get('server_version')}", f"API {engine.get('api_version')}",
             f"{engine.get('os')}/{engine.get('arch')}"]
    if engine.get("rootless"):
        parts.append("rootless")
    if engine.get("reason"):
        parts.append(f"but: {engine['reason']}")
    return f"{where}: available, {', '.join(parts)}"


def show_info(as_json: bool = False, out: TextIO | None = None, env: Mapping[str, str] | None = None) -> int:
    """`doctor info [--json]`: print the facts (one JSON object, or aligned lines); always exit 0."""
    out = sys.stdout if out is None else out
    info = collect_info(env)
    out.write(json.dumps(info, indent=2) + "\n" if as_json else render_info(info))
    return 0
