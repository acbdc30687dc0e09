"""`doctor exec` of a server typed by hand, as preflight advises the same in a Makefile.

`bin/rails server`, `mix phx.server`, `python manage.py runserver`, `uvicorn ...` or `npm run dev` (of
`"dev": "vite"`) typed by hand went as any command: an `exec` into the service when it is up, a second
server beside the one its start runs, on the port that one holds (docker-rails-example's `doctor exec --
bin/rails server` with 'web' up). preflight advises a server as `docker compose run --rm --service-ports
SERVICE ...` (or `-p PORT:PORT` where the service publishes no port), with "stop SERVICE first": doctor
exec does that where the service is down, and where it is up runs nothing and says so, and what to do, unless
the service's own start serves nothing (a dev container's `command: sleep infinity`): the server is then
`exec`'d into it, told 0.0.0.0 (start_serves).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from doctor.project import Project
from doctor.project.command_home import runner_started
from doctor.project.command_roles import PackageScripts, listening_port, serves, started_script
from doctor.project.server_binds import reachable, script_reachable, script_unreached
from doctor.project.toolchains import runtime_server


def starts_server(words: Sequence[str], cwd: Path, project: Project) -> bool:
    """Whether the command (its program first) starts a server that runs until stopped: Python's and
    Node's (command_roles.serves, a package.json script that starts one too) or Ruby's, Elixir's and
    Java's (toolchains.runtime_server: `bin/rails server`, `mix phx.server`)."""
    started = list(runner_started(words))
    return bool(started) and (runtime_server(started) or serves(started, package_scripts(project, cwd), cwd))


def package_scripts(project: Project, cwd: Path) -> PackageScripts:
    """The package.json scripts `npm run` finds from `cwd`: the project's (its top folder's and first-level
    folders'), and the nearest package.json at or above `cwd` where that is deeper (openfun/joanie's
    src/frontend/admin, `"dev": "next dev -p 8072"`)."""
    from doctor.project.tasks import task_commands

    scripts = PackageScripts(project.commands, project.root)
    folder = next((f for f in (cwd, *cwd.parents) if (f / "package.json").is_file()), None)
    if folder is None or folder in scripts.by_folder or not folder.is_relative_to(project.root):
        return scripts
    return PackageScripts((*project.commands, *task_commands(folder)), project.root)


def published_ports(project: Project, service: str) -> list[str]:
    """The host ports the service publishes, as `up` binds them (`127.0.0.1:8000`), in order."""
    found = project.services.get(service)
    ports = found.ports if found is not None else ()
    return [f"{p.host_ip}:{p.published}" if p.host_ip else str(p.published) for p in ports if p.published]


def port_beside(project: Project, service: str, words: Sequence[str]) -> int | None:
    """The port the server's own words name (`runserver 0.0.0.0:8001`, `--port 8001`) where the service
    publishes no host port of that number: a `run` publishing it alone starts beside the running service."""
    port = listening_port(" ".join(words))
    taken = {address.rpartition(":")[2] for address in published_ports(project, service)}
    return port if port is not None and str(port) not in taken else None


def publish_options(project: Project, service: str, words: Sequence[str], *, beside: bool = False) -> list[str]:
    """What a `run` of the server adds to publish it as preflight advises: `--service-ports` (the service's
    own `ports:`, as `up` publishes them), else `-p PORT:PORT` of the port the command names, else nothing;
    `beside` the running service, its own port alone (port_beside); nothing in another's network (shared_network),
    whose owner publishes the ports."""
    port = listening_port(" ".join(words))
    if shared_network(project, service):  # mvj's `network_mode: service:postgres`: compose refuses a `-p` there
        return []
    if published_ports(project, service) and not beside:
        return ["--service-ports"]
    return ["-p", f"{port}:{port}"] if port is not None else []


def second_server(shown: str, service: str, project: Project) -> str:
    """What doctor says instead of starting `shown` in `service`, which is up: its own server holds the port."""
    ports = published_ports(project, service)
    held = f"the port{'s' if len(ports) > 1 else ''} it publishes ({', '.join(ports)})" if ports else "its port"
    compose = project.compose_words()
    return (f"doctor exec: {shown!r} starts a server, and {service!r} is up, serving on {held}: a second server "
            f"there could not bind {'them' if len(ports) > 1 else 'it'}; nothing was run\n"
            f"  stop it first, `{compose} stop {service}`, then run this again (doctor runs it as a `run "
            f"--rm{' --service-ports' if ports else ''}`, as preflight advises), or use the one that runs")


def shared_network(project: Project, service: str) -> bool:
    """Whether the service runs in another's network (`network_mode: host`, `service:db`, `container:x`), where
    a `run -p PORT:PORT` cannot publish a port: compose refuses one, the network's owner publishes them."""
    found = project.services.get(service)
    mode = found.network_mode or "" if found is not None else ""
    return mode == "host" or mode.startswith(("service:", "container:"))


def idle_note(shown: str, service: str, project: Project) -> str:
    """What doctor says as it `exec`s `shown` into `service`, which is up and whose own start serves nothing."""
    ports = published_ports(project, service)
    found = project.services.get(service)
    mode = found.network_mode if found is not None else None
    where = (f"the port{'s' if len(ports) > 1 else ''} it publishes ({', '.join(ports)})" if ports else
             "the host's network" if mode == "host" else f"the network it shares (network_mode: {mode})"
             if shared_network(project, service) else "no published port")
    return (f"{service!r} is up and its own start runs no server: {shown!r} runs in it by `exec`, on 0.0.0.0, "
            f"reached through {where}")


def reachable_words(words: Sequence[str], typed: Sequence[str], cwd: Path, project: Project) -> list[str]:
    """`words` (the server's, as run in the service) told to listen where a published port reaches it
    (server_binds.reachable: `runserver` -> `runserver 0.0.0.0:8000`); a package.json script's, `npm run dev`
    of `"dev": "vite"`, through what the script ends in (`npm run dev -- --host`). `typed`: as typed in `cwd`."""
    name = started_script(list(runner_started(typed)))
    if name is None:
        return reachable(words, cwd)
    scripts = package_scripts(project, cwd)
    folder = next((f for f in (cwd, *cwd.parents) if f in scripts.by_folder), cwd)
    texts = scripts.at(cwd).get(name, ())
    script = texts[0] if len(texts) == 1 else None
    unreached = script_unreached(words, script, folder)
    if unreached is not None:  # `"dev": "vite & tsc --watch"`: words after `--` would reach tsc
        import sys

        print(f"doctor: note: {' '.join(typed)!r} runs `{unreached}`, which listens on localhost unless told "
              "otherwise, and not at the end of the script, where what follows `--` would reach it: tell it 0.0.0.0 "
              "in package.json", file=sys.stderr)
    return script_reachable(words, script, folder)


def start_serves(project: Project, service: str, cwd: Path) -> bool:
    """Whether what the service's own start runs is a server, holding the port a second one would need: its
    compose `command:`/`entrypoint:`, else its image's CMD/ENTRYPOINT (and what its entrypoint script's `case $1`
    branch runs for that CMD, and any line of that script), as starts_server judges a command typed by hand.
    False for a dev container's `command: sleep infinity`; True where doctor cannot tell (a pulled image's CMD,
    a base image's where the Dockerfile sets none): it never starts a second server blind."""
    from doctor.project.service_entrypoint import entrypoint_branch, entrypoint_script

    spec = project.services.get(service)
    if spec is None:
        return True
    texts = [value if isinstance(value, str) else _joined(value) for value in (spec.entrypoint, spec.command) if value]
    arguments = list(spec.command) if isinstance(spec.command, (list, tuple)) else _split_text(spec.command or "")
    path = spec.build.dockerfile_path if spec.build is not None else None
    recipe = project.recipe(path, spec.build.target if spec.build is not None else None) if path is not None else None
    if recipe is not None and spec.entrypoint is None:  # compose's entrypoint drops the image's CMD too
        texts += [_joined(recipe.entrypoint)] + ([] if spec.command else [_joined(recipe.cmd)])
        arguments = arguments or list(recipe.cmd)
        if not recipe.entrypoint and not recipe.cmd and not spec.command:
            # the base image's CMD (`FROM node:alpine`: node's REPL, which exits at once): what keeps it up is
            # another compose file's `command:` (node-express-boilerplate's dev file, `yarn dev -L`)
            return True
    elif not texts:
        return True  # a pulled image's CMD
    texts += entrypoint_branch(project, service, arguments)
    script = entrypoint_script(project, service)
    if script is not None:  # CTFd's docker-entrypoint.sh ends in `exec gunicorn ...`
        from doctor.project.reading import read_regular_text

        texts += (read_regular_text(script, 256 * 1024) or "").splitlines()
    steps = [words for text in texts for words in _steps(text)]
    if any(starts_server(words, cwd, project) for words in steps):
        return True
    # `node src/index.js` (an express app) is a server doctor cannot name: one publishing ports holds them
    return not all(_idle(words) for words in steps) and bool(spec.ports or spec.network_mode == "host")


# what a dev container's start runs to stay up doing nothing: `sleep infinity`, `tail -f /dev/null`, VS Code's
# `/bin/sh -c "while sleep 1000; do :; done"`, a shell or a language's REPL given no script
_IDLE = frozenset({"sleep", "tail", "cat", "true", ":", "while", "until", "do", "done", "wait", "read", "trap",
                   "sh", "bash", "ash", "dash", "zsh", "python", "python3", "node", "irb", "iex", "bun", "deno"})


def _idle(words: Sequence[str]) -> bool:
    name = words[0].rpartition("/")[2]
    return name in _IDLE and (name in ("sleep", "tail", "cat", "while", "until", "do", "done", "wait", "trap", ":",
                                       "true", "read") or all(w.startswith("-") for w in words[1:]))


def _joined(words: Sequence[str] | str | None) -> str:
    import shlex

    return words if isinstance(words, str) else shlex.join(words or ())


def _split_text(text: str) -> list[str]:
    import shlex

    try:
        return shlex.split(text, comments=True)
    except ValueError:
        return text.split()


def _steps(text: str, depth: int = 0) -> list[list[str]]:
    """The commands of a shell line: `sh -c "a && exec b"` -> [a], [b], `exec` and wrappers dropped."""
    import re

    from doctor.project.tasks import WRAPPERS

    whole = _split_text(text)
    if len(whole) > 2 and whole[0].rpartition("/")[2] in ("sh", "bash", "ash", "dash", "zsh") \
            and "-c" in whole[1:-1] and depth < 2:
        return _steps(whole[whole.index("-c") + 1], depth + 1)
    steps = []
    for step in re.split(r"&&|\|\||[;&|]", text):
        words = _split_text(step)
        while words and (words[0] in WRAPPERS or words[0] == "exec"):
            words = words[1:]
        if words:
            steps.append(words)
    return steps
