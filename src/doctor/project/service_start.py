"""What a service's container runs when it starts: the program (is it node?) and the folders it
installs into before that program runs.

The start is what compose runs: the service's entrypoint, else the image's ENTRYPOINT, then its
command, else the image's CMD unless the service sets an entrypoint (docker drops the image's CMD
then). A project script it starts (`docker/ol-covers-start.sh`, `./docker/start.sh`) is read from
the host file behind it, through the service's code map.

`not_node`: the program, where it is known not to be node (nautobot's `nautobot-server`, a start
script that names no node tool): a node_modules hidden from it is missed by no node command it starts.

`start_installs`: a dev service often installs its dependencies each time it starts. AdventureLog's
dev `web` runs `sh -c "... pnpm install --frozen-lockfile && pnpm exec vite dev ..."` under
`./frontend:/app`, and BookStack's `node` starts `dev/docker/entrypoint.node.sh`, which runs `npm
install` before `exec npm run watch`. A bind over the image's /app/node_modules hides the image's
copy, but the container never runs without the start putting one there again (into the bind, so
onto the host, or into a volume there). Past an init (`tini --`) or `gosu USER`, a shell's `-c` text
is read as doctor.project.filled reads a RUN line (`npm ci`, `yarn install`, `pnpm install`, `uv
sync`, `composer install`, in the working folder or the one a `cd` names), and so is the project
script the start runs (`./docker/start.sh`, `sh docker/start.sh`, `/app/entrypoint.sh`). A `cd` to a
folder doctor cannot place (`cd "$APP_DIR"`) before the install, or a yarn running a script (`yarn
dev`), installs nothing known.
"""

from __future__ import annotations

import posixpath
import shlex

from doctor.lazyre import lazy
from doctor.project.types import words_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.recipe import Recipe
    from doctor.project.types import Service

# an init that starts the rest of the words (`/bin/tini -- ./run.sh`: tubearchivist's CMD), and the tools that
# start them as another user (`gosu app ./start.sh`)
_INITS = frozenset(("tini", "tini-static", "dumb-init", "catatonit"))
_AS_USER = frozenset(("gosu", "su-exec"))
_SHELLS = frozenset(("sh", "bash", "ash", "dash", "zsh"))
_SCRIPT_LIMIT = 64 * 1024  # a start script is a page or two: a bigger file is not read
# a `cd` (or pushd) whose folder is a variable, a home or a command's output: where the install runs is not known
_UNPLACED_CD = lazy(r"(?:^|[;&|({'\"]|\bthen|\bdo|\belse)\s*(?:cd|pushd)(?:\s+[\"']?[$`~]|\s*(?:$|[;&|)]))")


def past_init(words: list[str]) -> list[str]:
    """`words` past an init and its options (`tini -g --`) or a `gosu USER`: the program it starts."""
    while words and posixpath.basename(words[0]) in _INITS:
        words = words[1:]
        while words and words[0].startswith("-"):
            flag, words = words[0], words[1:]
            if flag == "--":
                break
    if len(words) > 2 and posixpath.basename(words[0]) in _AS_USER:
        words = words[2:]
    return words


def start_words(svc: Service, recipe: Recipe) -> list[str]:
    """The words the container starts with, as compose makes them from the service and its image;
    a string split as a shell splits it (compose's shellwords)."""
    entrypoint = _words(svc.entrypoint) if svc.entrypoint is not None else list(recipe.entrypoint)
    command = _words(svc.command) if svc.command is not None else list(recipe.cmd) if svc.entrypoint is None else []
    return entrypoint + command


def started_words(project: Project, svc: Service) -> list[str]:
    """The words the service starts with: `start_words` over its image where its Dockerfile is read, else
    compose's entrypoint and command alone, split as a shell splits them."""
    build = svc.build
    recipe = project.recipe(build.dockerfile_path, build.target) if build and build.dockerfile_path else None
    return start_words(svc, recipe) if recipe is not None else [*_words(svc.entrypoint), *_words(svc.command)]


def start_installs(project: Project, svc: Service, recipe: Recipe) -> frozenset[str]:
    """The folders (absolute, in the container) the service's start installs into before its program
    runs: those of its shell text and of the project script it starts."""
    from doctor.project.filled import filled_paths, installed
    from doctor.project.recipe import Step
    from doctor.records import replace

    home = posixpath.normpath(svc.working_dir or recipe.workdir or "/")
    texts = [text for text in _start_texts(project, svc, recipe, home) if not _UNPLACED_CD.search(text)]
    if not texts:
        return frozenset()
    steps = tuple(Step(text, index, home) for index, text in enumerate(texts))
    return frozenset(f.path for f in installed(project, svc, filled_paths(replace(recipe, runs=steps, built=()))))


def _words(value: tuple[str, ...] | str | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, tuple):
        return list(value)
    try:
        return shlex.split(value)
    except ValueError:  # an unclosed quote: compose would refuse it too
        return value.split()


def _start_texts(project: Project, svc: Service, recipe: Recipe, home: str) -> list[str]:
    """The shell texts the start runs: a shell's `-c` text, or the words themselves, and the text of
    the project script it starts (its lines joined as one shell line)."""
    words = past_init(start_words(svc, recipe))
    if not words:
        return []
    if posixpath.basename(words[0]) in _SHELLS:
        at = 1
        while at < len(words) and words[at].startswith("-"):  # `sh -c`, `bash -lc`, `sh -e ./start.sh`
            at += 1
        if any("c" in flag for flag in words[1:at] if not flag.startswith("--")):
            return words[at:at + 1]  # `sh -c TEXT NAME ARGS`: TEXT is what runs
        words = words[at:]
    if not words:
        return []
    texts = [shlex.join(words)]
    program = words[0]
    if "/" in program or program.endswith(".sh"):  # a script by its path (a bare name is looked up in PATH)
        script = _script_text(project, svc, program if program.startswith("/") else posixpath.join(home, program))
        if script is not None:
            texts.append(script)
    return texts


def _script_text(project: Project, svc: Service, inside: str) -> str | None:
    """The script at a container path as one shell line: comments left out, its lines joined with `;`
    (so a `cd` on a line of its own is read as one)."""
    text = _read_script(project, svc, inside)
    if not text:
        return None
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return " ;\n".join(lines)


def _read_script(project: Project, svc: Service, inside: str) -> str | None:
    """The text of the host file behind a container path of the service; None where none is, or unread."""
    from doctor.project.reading import read_regular_text

    found = project.code_map(svc).to_host(inside)
    return read_regular_text(found[0], _SCRIPT_LIMIT) if found is not None else None


# what a service running node starts: a word naming one of them in its command or entrypoint
NODE_PROGRAMS = frozenset(("node", "nodejs", "npm", "npx", "yarn", "pnpm", "pnpx", "bun", "bunx", "corepack",
                           "nodemon", "next", "nuxt", "nuxi", "vite", "webpack", "webpack-dev-server", "ng",
                           "react-scripts", "ts-node", "tsx", "gulp", "grunt", "pm2", "pm2-runtime", "turbo",
                           "nx", "remix", "astro", "expo", "storybook", "jest", "vitest", "ember", "vue-cli-service"))
_WRAPPERS = frozenset(("sh", "bash", "ash", "dash", "zsh", "exec", "env", "tini", "dumb-init", "gosu", "su-exec",
                       "s6-svscan", "supervisord", "make", "just", "task", "foreman", "overmind", "honcho",
                       "hivemind"))
_SHELLS_AND_EXEC = frozenset((*_SHELLS, "exec", "env"))  # what hands the script to no other program


def not_node(svc: Service, image: Recipe, project: Project | None = None) -> str | None:
    """The program the service runs when it is known not to be node (nautobot's `nautobot-server`:
    its CMD's program, no node tool in its command or entrypoint; openlibrary's
    `docker/ol-covers-start.sh`, a project script that names no node tool, runs no other script
    and is read from the host); None when it may run node (a node tool named, a shell, a wrapper,
    a script that cannot be read or hands over to another, nothing known)."""
    entrypoint = words_of(svc.entrypoint) if svc.entrypoint is not None else list(image.entrypoint)
    command = words_of(svc.command) if svc.command is not None else list(image.cmd) if svc.entrypoint is None else []
    words = entrypoint + command
    if any(posixpath.basename(w) in NODE_PROGRAMS for w in words):
        return None
    # the command's program; with no command, the entrypoint's own (nautobot's celery_beat runs
    # `watchmedo auto-restart ... -- nautobot-server celery beat` as its compose entrypoint)
    first = command[0] if command else entrypoint[0] if entrypoint else ""
    if ("/" in first and not first.startswith(("/bin/", "/usr/", "/sbin/"))) or first.endswith(".sh"):
        # a project script by its path: what it runs, where its text says (a Rails `bin/dev` runs
        # foreman, which runs yarn: it may run node)
        return _script_not_node(svc, image, project, first) if project is not None else None
    program = posixpath.basename(first)
    if not program or program in _WRAPPERS or "." in program or program.startswith(("$", "-")):
        return None  # a script (`start.sh`, `server.js`), a shell or wrapper: what it starts is not read here
    return program


_SCRIPT_WORD = lazy(r"[\w./+-]+")
_HANDS_OVER = lazy(r"(?m)^\s*(?:\.|source)\s")  # `. ./env.sh`, `source venv/bin/activate`


def _script_not_node(svc: Service, image: Recipe, project: Project, script: str) -> str | None:
    """`script` as the service's start script when its text names no node tool, no wrapper that
    may start one (make, foreman, supervisord) and no other script; None otherwise or unread."""
    home = svc.working_dir or image.workdir
    text = _read_script(project, svc, script if script.startswith("/") else posixpath.join(home, script))
    if not text or _HANDS_OVER.search(text):
        return None
    for line in text.splitlines()[1:] if text.startswith("#!") else text.splitlines():
        for word in _SCRIPT_WORD.findall(line.split("#", 1)[0] if not line.lstrip().startswith("#") else ""):
            name = posixpath.basename(word)
            if name in NODE_PROGRAMS or (name in _WRAPPERS and name not in _SHELLS_AND_EXEC) or (
                    word != script and (name.endswith((".sh", ".js", ".mjs", ".ts")) or word.startswith("./"))):
                return None
    return script
