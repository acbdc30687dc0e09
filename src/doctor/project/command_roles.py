"""What a command does, where that changes how it is run in a service: installs packages, or serves.

djangoproject.com's Makefile: `install: python -m pip install --requirement requirements/dev.txt` was
advised as `docker compose run --rm web python -m pip install ...`, which installs into a container
`--rm` deletes (installing is the host's setup, or the image's build); `run: python -m manage runserver
0.0.0.0:8000` as `docker compose run --rm web ...`, which publishes no port (`run` publishes the
service's ports only with `--service-ports`), so the server is never reached from the host.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from pathlib import Path

from doctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.tasks import Command

_PYTHON_INSTALLERS = frozenset({"pip", "pip3", "uv", "poetry", "pipenv", "pdm"})
_NODE_INSTALLERS = frozenset({"npm", "pnpm", "yarn", "bun"})
_INSTALL_VERBS = frozenset({"install", "i", "ci", "add", "sync"})


def _installer(tool: str, arguments: Sequence[str]) -> tuple[str, list[str]]:
    """The installer a command runs and its words: `python -m pip ...` is pip's, `pip3.11` is `pip`, and
    `uv pip install` takes the words after `pip`."""
    name = posixpath.basename(tool)
    words = list(arguments)
    if name.startswith("python") and words[:1] == ["-m"] and len(words) > 1:
        name, words = words[1], words[2:]
    if name.startswith("pip") and name.rstrip("0123456789.") == "pip":
        name = "pip"
    if name == "uv" and words[:1] == ["pip"]:
        words = words[1:]
    return name, words


def installs_packages(tool: str, arguments: Sequence[str]) -> bool:
    """Whether the command installs packages (`pip install -r ...`, `python -m pip install`, `uv pip
    install`, `uv sync`, `poetry install`, `npm ci`, `yarn add`, a bare `yarn`)."""
    name, words = _installer(tool, arguments)
    verb = next((w for w in words if not w.startswith("-")), "")
    if name in _PYTHON_INSTALLERS:
        return verb in _INSTALL_VERBS and not (name == "pip" and verb == "sync")
    if name in _NODE_INSTALLERS:
        return verb in _INSTALL_VERBS or (name == "yarn" and not verb)
    return False


def installs_own_packages(tool: str, arguments: Sequence[str]) -> bool:
    """Whether the command installs the packages the folder declares (installs_packages, then): for Python, no
    package named beside them (`pip install -r requirements.txt`, `pip install --user -e .`, `uv sync`, `poetry
    install`; not `pip install --upgrade pip` nor `pip install --user pre-commit`, after which the folder's packages
    are still missing); for Node, any install but a global one (`npm ci`, a bare `yarn`, `pnpm i`, and `npm install
    -D typescript` or `yarn add x` too, which install the whole package.json tree; not `npm i -g pnpm`)."""
    if not installs_packages(tool, arguments):
        return False
    name, words = _installer(tool, arguments)
    if name in _NODE_INSTALLERS:
        return not any(w in ("-g", "--global") or w == "global" for w in words)
    verbs = [i for i, w in enumerate(words) if not w.startswith("-")]
    if verbs and words[verbs[0]] == "add":  # `poetry add x`, `uv add x`: a package of its own
        return False
    rest = words[verbs[0] + 1:] if verbs else []
    taken = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable"}
    named = [w for i, w in enumerate(rest) if not w.startswith("-") and (i == 0 or rest[i - 1] not in taken)]
    return all(w in (".", "./") or w.startswith((".[", "./")) for w in named)


# node's git hook managers and the verbs that install the hooks (`husky` alone: v9's `"prepare": "husky"`)
_HOOK_INSTALLERS = {"husky": ("", "install", "init"), "lefthook": ("install",), "simple-git-hooks": ("",)}


def sets_up_host(tool: str, arguments: Sequence[str]) -> str | None:
    """What the command sets up on the machine it runs on, which a container would set up in the wrong
    place (data-hub-api's `setup-flake8-hook`: `python3 -m venv env`, then `pre-commit install` and
    `git config` from that venv): "creates a virtualenv" (`python -m venv`, `virtualenv`, `uv venv`),
    "activates a virtualenv", "installs git hooks" (`pre-commit install`, a path into .git/hooks; husky's
    `husky install` and v9's bare `husky`, node-express-boilerplate's `"prepare": "husky install"`, whose
    image has no git; `lefthook install`, `simple-git-hooks`), "sets git config"; None for any other command."""
    name = posixpath.basename(tool)
    words = list(arguments)
    if name.startswith("python") and words[:1] == ["-m"] and len(words) > 1:
        name, words = words[1], words[2:]
    verb = next((w for w in words if not w.startswith("-")), "")
    if name in ("venv", "virtualenv") or (name == "uv" and verb == "venv"):
        return "creates a virtualenv"
    if name in (".", "source") and verb.endswith("/bin/activate"):
        return "activates a virtualenv"
    if (name == "pre-commit" and verb in ("install", "install-hooks")) or any(".git/hooks" in w for w in words) \
            or verb in _HOOK_INSTALLERS.get(name, ()):
        return "installs git hooks"
    if name == "git" and verb == "config":
        return "sets git config"
    return None


# programs that publish a release: they tag and push with the host's git and publish with its npm or
# GitHub credentials, which no service container holds (nestjs-boilerplate's `"release": "release-it"`)
_PUBLISHERS = frozenset({"release-it", "semantic-release", "standard-version", "commit-and-tag-version", "np"})
_PUBLISHING_VERBS = {"npm": "publish", "pnpm": "publish", "yarn": "publish", "bun": "publish",
                     "changeset": "publish", "changesets": "publish", "lerna": "publish"}


def publishes(tool: str, arguments: Sequence[str]) -> bool:
    """Whether the command publishes a release (release-it, semantic-release, standard-version, np,
    `changeset publish`, `npm publish`): the host's git and credentials, never a container's business."""
    name = posixpath.basename(tool)
    verb = next((w for w in arguments if not w.startswith("-")), "")
    return name in _PUBLISHERS or _PUBLISHING_VERBS.get(name) == verb


# programs that serve until stopped: a development server, an app server, a dev bundler's server
# (_nodemon_serves: nodemon restarts a node app on each change, node-express-boilerplate's `nodemon src/index.js`)
_SERVERS = frozenset({"uvicorn", "gunicorn", "hypercorn", "daphne", "granian", "waitress-serve",
                      "webpack-dev-server", "http-server", "serve", "nodemon"})
_SERVING_VERBS = {
    "manage": ("runserver", "runserver_plus"), "manage.py": ("runserver", "runserver_plus"),
    "django-admin": ("runserver",), "django": ("runserver",), "flask": ("run",), "fastapi": ("dev", "run"),
    "streamlit": ("run",),
    "mkdocs": ("serve",), "jupyter": ("notebook", "lab"), "next": ("dev", "start"), "nuxt": ("dev", "start"),
    "vite": ("", "dev", "serve", "preview"), "ng": ("serve",), "webpack": ("serve",),
    "react-scripts": ("start",), "http.server": ("",), "rails": ("s", "server"),
    "rspack": ("serve", "dev"), "rsbuild": ("dev", "preview"), "webpack-cli": ("serve",), "astro": ("dev", "preview"),
    "vue-cli-service": ("serve",), "parcel": ("", "serve"), "gatsby": ("develop", "serve"),
    # PHP's: Laravel's `php artisan serve`, the Symfony CLI's local server (`php -S` in _program_serves)
    "artisan": ("serve",), "symfony": ("serve", "server:start", "local:server:start"),
}
# where a command listens: `0.0.0.0:8000`, `--port 8000`, `--port=8000`, `-p 8000`, `--bind :8000`
_PORT = lazy(r"(?:^|\s)(?:--port[=\s]+|-p\s+)(\d{2,5})\b|(?:^|[\s=])(?:[\w.\[\]-]*):(\d{2,5})(?:\s|$)")


def serves(words: Sequence[str], scripts: PackageScripts | None = None, cwd: Path | None = None) -> bool:
    """Whether the command is a server that runs until stopped (`manage.py runserver`, `uvicorn app:app`,
    `flask run`, `vite`), or a package manager running a package.json script that starts one (`npm run
    dev` of `"dev": "vite"`: Flagsmith's frontend), looked up in `scripts` from `cwd`."""
    if scripts is not None and cwd is not None:
        return _serves(words, scripts, cwd, 0)
    return _program_serves(words)


def _serves(words: Sequence[str], scripts: PackageScripts, cwd: Path, depth: int) -> bool:
    name = started_script(words)
    if name is None or depth > 4:  # `"dev": "npm run start:dev"`: a few scripts deep at most
        return _program_serves(words)
    return any(_serves(_split(text), scripts, cwd, depth + 1) for text in scripts.at(cwd).get(name, ()))


def _split(text: str) -> list[str]:
    import shlex

    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


# commands of yarn, pnpm and bun themselves: `yarn NAME` runs the script NAME only when it is none of them
_MANAGER_COMMANDS = frozenset({"install", "i", "ci", "add", "remove", "rm", "up", "upgrade", "update", "exec", "dlx",
                               "x", "create", "init", "link", "unlink", "publish", "pack", "why", "info", "list",
                               "ls", "config", "cache", "global", "audit", "outdated", "import", "set", "node",
                               "workspace", "workspaces", "patch", "prune", "store", "env", "help"})
# npm's own shortcuts for a script of that name
_NPM_SCRIPT_COMMANDS = frozenset({"start", "test", "t", "tst", "restart", "stop"})


def started_script(words: Sequence[str]) -> str | None:
    """The package.json script a package manager runs: `npm run dev`, `npm start`, `yarn dev`,
    `pnpm run dev`, `bun run dev`; None for any other command."""
    tool = posixpath.basename(words[0]) if words else ""
    if tool not in _NODE_INSTALLERS:
        return None
    rest = [w for w in words[1:] if not w.startswith("-")]
    if not rest:
        return None
    if rest[0] in ("run", "run-script"):
        return rest[1] if len(rest) > 1 else None
    if tool == "npm":
        return rest[0] if rest[0] in _NPM_SCRIPT_COMMANDS else None
    return None if rest[0] in _MANAGER_COMMANDS else rest[0]


class PackageScripts:
    """The project's package.json scripts by folder (from its commands, read once), for `serves`."""

    def __init__(self, commands: Iterable[Command], root: Path) -> None:
        from doctor.project.tasks import CommandKind

        self.root = root
        self.by_folder: dict[Path, dict[str, tuple[str, ...]]] = {}
        for command in commands:
            if command.kind is CommandKind.NPM and command.name and not command.implied:
                scripts = self.by_folder.setdefault(command.location.path.parent, {})
                scripts[command.name] = (*scripts.get(command.name, ()), command.text)

    def at(self, cwd: Path) -> dict[str, tuple[str, ...]]:
        """The scripts `npm run` finds from `cwd`: the nearest package.json's at or above it, up to the root."""
        for folder in (cwd, *cwd.parents):
            found = self.by_folder.get(folder)
            if found is not None:
                return found
            if folder == self.root:
                break
        return {}


def _program_serves(words: Sequence[str]) -> bool:
    at = 0
    # `cross-env NODE_ENV=development nodemon ...`: cross-env sets the variables and runs the rest, as env does
    while at < len(words) and (words[at] in ("env", "cross-env", "exec", "uv", "poetry", "pipenv", "pdm", "run", "npx")
                               or ("=" in words[at] and not words[at].startswith("-"))):
        at += 1
    if at < len(words) and posixpath.basename(words[at]).startswith("python"):
        at += 1
        if at < len(words) and words[at] == "-m":
            at += 1
    elif at < len(words) and posixpath.basename(words[at]) == "php":  # `php -S localhost:8000`: its built-in server
        if "-S" in words[at + 1:]:
            return True
        at += 1
    if at >= len(words):
        return False
    program = posixpath.basename(words[at])
    if program == "nodemon":
        return _nodemon_serves(words[at + 1:])
    if program in _SERVERS:
        return True
    verbs = _SERVING_VERBS.get(program)
    if verbs is None:
        return False
    verb = next((w for w in words[at + 1:] if not w.startswith("-")), "")
    # a program that serves with no verb serves whatever else its words say: a port or a folder
    # (`python -m http.server 8000`, `vite --port 5173`), never a verb of its own (`vite build`)
    return verb in verbs or ("" in verbs and not verb.isalpha())


# what nodemon restarts that serves nothing: a test runner or linter it `--exec`s (`nodemon --exec "jest"`), a
# script named for a background job (`nodemon src/worker.js`)
_NOT_SERVING = frozenset({"jest", "mocha", "vitest", "ava", "tap", "karma", "eslint", "tsc", "prettier", "c8", "nyc"})
_JOB_NAME = lazy(r"(?:^|[/_.-])(?:workers?|jobs?|queues?|cron|consumers?|schedulers?|tasks?|tests?|specs?)(?:[/_.-]|$)")


def _nodemon_serves(rest: Sequence[str]) -> bool:
    """Whether nodemon restarts a server: one whose words name a port does; one that `--exec`s a test runner or
    linter (`--exec "jest"`, `-x "npm test"`) or runs a script named for a background job (`src/worker.js`,
    `jobs/cron.js`) does not; any other script is taken for the app's (node-express-boilerplate's `src/index.js`)."""
    if listening_port(" ".join(rest)) is not None:
        return True
    words = list(rest)
    for flag in ("--exec", "-x"):
        if flag in words[:-1]:
            executed = _split(words[words.index(flag) + 1])
            while executed and executed[0] in ("npx", "npm", "yarn", "pnpm", "run", "exec"):
                executed = executed[1:]
            if not executed or posixpath.basename(executed[0]) in _NOT_SERVING or executed[0] == "test":
                return False
    script = next((w for i, w in enumerate(words) if not w.startswith("-")
                   and (i == 0 or words[i - 1] not in ("--exec", "-x", "-w", "--watch", "-e", "--ext", "-i",
                                                       "--ignore", "--signal", "-d", "--delay", "--config"))), "")
    return _JOB_NAME.search(script) is None


def listening_port(text: str) -> int | None:
    """The port the command's own words name (`runserver 0.0.0.0:8000`, `--port 5173`), if any."""
    found = _PORT.search(text)
    if found is None:
        return None
    port = int(found.group(1) or found.group(2))
    return port if 0 < port < 65536 else None
