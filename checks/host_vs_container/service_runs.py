"""What a service itself runs, which `up` starts: commands host-vs-container does not advise."""

from __future__ import annotations

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.service_entrypoint import entrypoint_branch, entrypoint_final
from doctor.project.tasks import CommandKind

# a package manager running a package.json script: `npm start`, `yarn watch-${NODE_ENV}`, `pnpm run dev`
_RUNS_SCRIPT = lazy(r"(?:^|[\s;&|(])(?:npm|pnpm|yarn|bun)\s+(?:run(?:-script)?\s+)?(?P<name>[\w:.${}-]+)")
_VARIABLE = lazy(r"\$\{[^}]*\}|\$\w+")


def _service_runs(project: Project, service: str) -> set[str]:
    """The commands the service itself runs: its compose `command:` and `entrypoint:`, and its
    image's ENTRYPOINT and CMD where compose keeps them (a compose entrypoint drops both, a compose
    command the CMD), the entrypoint with the command it is given (shiori's `go run main.go server
    --log-level debug`, the process `up` starts), the program its entrypoint script ends in (a celery
    worker's `exec celery -A config worker`), and the package.json scripts those start (`yarn watch-production`
    runs `watch-production`), with every script of the same text (`start`: `node src/server.js`
    too), and each of them without its trailing options. `docker compose up` starts them; run
    again in the service they start a second server, so they are not advised."""
    spec = project.services.get(service)
    if spec is None:
        return set()
    texts: list[str] = []
    for value in (spec.entrypoint, spec.command, spec.command_template):
        if value:
            texts.append(value if isinstance(value, str) else " ".join(value))
    path = spec.build.dockerfile_path if spec.build is not None else None
    arguments: list[str] = []
    if spec.command:
        arguments = spec.command.split() if isinstance(spec.command, str) else list(spec.command)
    entrypoint = (spec.entrypoint.split() if isinstance(spec.entrypoint, str) else list(spec.entrypoint)) \
        if spec.entrypoint else []
    if path is not None and not spec.entrypoint:  # compose's entrypoint: the image's CMD is dropped too
        recipe = project.recipe(path, spec.build.target if spec.build is not None else None)
        if recipe is not None:
            texts += [" ".join(recipe.entrypoint)] + ([] if spec.command else [" ".join(recipe.cmd)])
            arguments = arguments or list(recipe.cmd)
            entrypoint = list(recipe.entrypoint)
    if entrypoint and arguments:  # the process itself: shiori's ENTRYPOINT `go run main.go` + `server ...`
        texts.append(" ".join([*entrypoint, *arguments]))
    # fastapi-react's run.sh: `case $1 in start) npm start | cat;;` is what CMD ["start"] runs
    texts += entrypoint_branch(project, service, arguments)
    # tilavarauspalvelu's worker.sh: `exec celery -A config worker --loglevel=INFO`, the worker `up` keeps running
    final = entrypoint_final(project, service)
    if final is not None:
        texts.append(final)
    import fnmatch

    runs = {" ".join(text.split()) for text in texts if text}
    # the same program with fewer options: the script `ng serve` where the image's CMD is `ng
    # serve --host 0.0.0.0` (awesome-compose's angular), `uvicorn app:app` before `--reload`; two
    # words at least (`pytest` is a test run, whatever options a service's watcher adds)
    runs |= {" ".join(words[:i]) for words in map(str.split, list(runs))
             for i in range(2, len(words)) if words[i].startswith("-") and not words[i - 1].startswith("-")}
    patterns = [_VARIABLE.sub("*", m.group("name")) for text in texts for m in _RUNS_SCRIPT.finditer(text)]
    if patterns:
        runs |= {c.text for c in project.commands if c.kind is CommandKind.NPM and c.name and not c.implied
                 and any(fnmatch.fnmatchcase(c.name, pattern) for pattern in patterns)}
    return runs
