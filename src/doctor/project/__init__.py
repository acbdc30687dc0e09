"""The project: a pure, lazily computed model of the files (never network, never the engine)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import field, record
from doctor.project.image_builders import image_builders
from doctor.project.types import Build, ComposeModel, Dockerfile, EnvFile, Problem, Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    from doctor.config import Config
    from doctor.project.assemble import Parsed
    from doctor.project.codepaths import BuildPaths, CodeMap
    from doctor.project.features import FileFeatures
    from doctor.project.gitrepo import GitRepo
    from doctor.project.manifests import Manifest
    from doctor.project.recipe import Recipe
    from doctor.project.tasks import Command
    from doctor.project.yamlload import YMap

    T = TypeVar("T")

# how a committed template of an env file is named beside it: `.env.example`, kitsune's `.env-dist`,
# `.env_sample` (each spelling is in thousands of public repositories), the dot first; then in capitals
# (mobidata-bw/ipl-dagster-pipeline's `.env.EXAMPLE`), after every lower-case name, which wins where both are
TEMPLATE_TAILS = ("example", "sample", "dist", "template")
TEMPLATE_SUFFIXES = tuple(f"{sep}{tail}" for upper in (False, True) for sep in (".", "-", "_")
                          for tail in (t.upper() if upper else t for t in TEMPLATE_TAILS))


def template_names(name: str) -> tuple[str, ...]:
    """The names a committed template of the env file `name` goes by beside it, the usual first:
    `name` with a suffix (`.env.example`, `backend.env-dist`, `.env.EXAMPLE` after them); for `.env`
    also `env.example` (and umami's podman/`env.sample`, each tail), the word before `.env` (`example.env`, kutt's
    `.example.env`, shynet's `TEMPLATE.env`) and before `_env` (ChiefOnboarding's `.example_env`,
    `sample_env`)."""
    names = tuple(name + suffix for suffix in TEMPLATE_SUFFIXES)
    if name != ".env":
        return names
    return (*names, *(f"env.{tail}" for tail in TEMPLATE_TAILS),
            *(f"{word}.env" for tail in TEMPLATE_TAILS for word in (tail, f".{tail}", tail.upper())),
            *(f"{dot}{tail}_env" for tail in TEMPLATE_TAILS for dot in (".", "")))


# the names of the project's `.env` template, the one list (env-drift, compose-config, port-collision)
ENV_EXAMPLE_NAMES = template_names(".env")
# templates of `.env` for the docker setup beside the host app's (pixelfed's and snipe-it's `.env.docker`,
# Laravel Sail's `.env.example.sail`): chosen where they fit the compose files better (Project.env_example)
_URL_HOSTS = lazy(r"//([^/:\s]+):")  # `meilisearch` of MEILISEARCH_HOST=http://meilisearch:7700
DOCKER_TEMPLATE_NAMES = (".env.docker", ".env.docker.example", ".env.example.docker", ".env.example.sail",
                         ".env.sail.example")


@record
class ComposeDocuments:
    """One compose file as written: its YAML documents (None for an empty one) and its tag paths."""

    path: Path
    docs: tuple[YMap | None, ...]
    tags: tuple[tuple[tuple[str, ...], str], ...]


@record
class ProjectOptions:
    """How to find the project: like running `docker compose` with cwd = `path`.

    `path` may also be a compose file, which then acts as `-f path` from its directory.
    """

    path: Path
    files: tuple[Path, ...] = ()
    profiles: tuple[str, ...] = ()
    project_name: str | None = None
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    config: Config | None = None
    # --env-file: the files (absolute) that interpolate the compose files, instead of those
    # COMPOSE_ENV_FILES names or the `.env`; None when not given
    env_files: tuple[Path, ...] | None = None
    # where the user runs doctor (the console shows paths from there); None: paths in messages are
    # relative to the project directory, like the `file` of the JSON report
    cwd: Path | None = None
    # a dry run's scratch copy (doctor.dry_verdict.in_copy): (the copy, the folder it mirrors), whose path
    # the engine's compose labels name where the user's stack was started (Project.as_copied)
    mirrors: tuple[Path, Path] | None = None


def documents_of(files: Iterable[Path], parsed: dict[Path, Parsed]) -> list[ComposeDocuments]:
    """The documents of each readable file, from the loader's parses (a file not parsed yet is parsed)."""
    from doctor.project.assemble import Assembler

    found = []
    for path in files:
        done = parsed.get(path) or Assembler(None, parsed).parse(path)
        if done.docs is not None:
            found.append(ComposeDocuments(path, tuple(done.docs), tuple(done.tags)))
    return found


class Project:
    """Everything doctor knows from the project's files, each part computed once, on first use."""

    def __init__(self, options: ProjectOptions) -> None:
        self.options = options
        self._once: dict[str, object] = {}
        # the ids of the checks this run runs (doctor.engine), None where unknown: a check that leaves a
        # fault to another's finding asks whether that one runs at all
        self.checks_run: frozenset[str] | None = None

    def once(self, name: str, compute: Callable[[], T]) -> T:
        """`compute()`, computed at the first ask for `name` and kept with the project (a fact several
        checks read, such as the script finder: gone with the project, without weakref's import)."""
        if name not in self._once:
            self._once[name] = compute()
        return self._once[name]  # type: ignore[return-value]

    @cached_property
    def compose(self) -> ComposeModel:
        return self._loaded[0]

    @cached_property
    def _loaded(self) -> tuple[ComposeModel, FileFeatures | None]:
        # the model cache (modelcache.py) answers a warm run without importing the loader
        from doctor.cachedir import keep_out
        from doctor.project.modelcache import load_model

        loaded = load_model(self.options, self._parsed)
        keep_out(loaded[0].project_dir)  # no cache of this run is written in the project
        return loaded

    def compose_documents(self) -> list[ComposeDocuments]:
        """Each readable compose file's YAML documents and `!reset`/`!override` paths, as written
        (before interpolation and merge): parsed once, by the loader, for every reader (parsed
        here when the model came from the model cache; compose_features() needs no parse)."""
        return documents_of(self.compose.files, self._parsed)

    def compose_features(self) -> FileFeatures:
        """The versioned compose features and obsolete `version:` keys the files use, as written
        (stored with a cached model, so a warm run parses nothing)."""
        return self._features

    @cached_property
    def _features(self) -> FileFeatures:
        stored = self._loaded[1]
        if stored is not None:
            return stored
        from doctor.project.features import file_features

        return file_features(self.compose_documents())

    @cached_property
    def _parsed(self) -> dict[Path, Parsed]:
        return {}

    @property
    def root(self) -> Path:
        """The project directory (where compose resolves relative paths)."""
        return self.compose.project_dir

    def as_copied(self, folder: str) -> str:
        """`folder` (a container's compose working_dir label) as this run reads it: in a dry run's scratch
        copy, a folder of the project it mirrors is the copy's (the stack started there is the copy's own,
        as it is the project's), any other is itself."""
        if self.options.mirrors is None or not folder:
            return folder
        copy, original = self.options.mirrors[0], Path(os.path.realpath(self.options.mirrors[1]))
        resolved = Path(os.path.realpath(folder))
        if resolved != original and original not in resolved.parents:
            return folder
        return str(copy / resolved.relative_to(original))

    def repo(self) -> GitRepo | None:
        """The git checkout holding the project directory (doctor.project.gitrepo.find_repo), looked up
        once: a dozen readers ask it of that folder on each run, and a lookup resolves three paths and
        reads `.git` upwards (~0.3 ms each; the checkout's layout is not something a run changes)."""
        from doctor.project.gitrepo import find_repo

        return self.once("git-repo", lambda: find_repo(self.root))

    def shown(self, path: Path) -> str:
        """A path as a message or fix title names it: as it opens from the directory the user runs
        doctor in (options.cwd), like the console shows the finding's location (`docker/.env`
        from the repo root on a project in `docker/`); without one, relative to the project
        directory (`../.env` for the repo around it), like the JSON report's `file`."""
        from doctor.model import shown_path

        return shown_path(path, self.options.cwd or self.root)

    def compose_words(self, name: str | None = None) -> str:
        """`docker compose` as a hint in a message writes it for this project, run from where the
        user runs doctor, with what compose would not work out by itself there: `-p NAME` when the
        project's name is not the one compose gives these files in this environment (`docker compose
        -p track-b up -d`: a name given to doctor with -p, or the one `doctor why` found on the
        containers), `-f` for each compose file when compose would not find these files by itself
        there (`docker compose -f docker/dev.yml build web`), and the `--env-file` and `--profile`
        the run was given; else bare. `name`: another project name for the same files, written
        always (the one to use instead of a name compose refused)."""
        import shlex

        return shlex.join(["docker", "compose", *self._selecting(self.options.cwd or self.root, name)])

    def doctor_options(self) -> str:
        """What doctor's own commands (`doctor fix`, `preflight`, `ports`, `why`) take after their name, in a
        hint, to select this project from where the user runs doctor: PATH when it is another folder than
        that one (doctor reads its doctor.yaml there, as this run did), then compose_words' options, which
        they take with compose's meaning (`doctor fix -p track-b -f other.yml --ports`), the `-f` files
        where discovery from PATH would not find them; "" when a bare command finds the project itself."""
        import shlex

        from doctor.model import shown_path

        here = self.options.cwd or self.root
        given = self.options.path
        folder = given if given.is_dir() else given.parent  # a compose file as PATH: its folder, and it as -f
        path = [] if os.path.realpath(folder) == os.path.realpath(here) else [shown_path(folder, here)]
        return shlex.join([*path, *self._selecting(folder)])

    def _selecting(self, start: Path, name: str | None = None) -> list[str]:
        """The options (-p, -f, --env-file, --profile) that select this project for a command whose compose files
        would otherwise be found from `start`: compose_words, doctor_options."""
        words = []
        if name is not None:
            words += ["-p", name]
        elif self.options.project_name is not None and self.compose.project_name != self._derived_name:
            words += ["-p", self.compose.project_name]
        files = list(self.compose.files)
        if files and self._found_from(start) != files:
            words += [w for path in files for w in ("-f", self.shown(path))]
        words += [w for path in self.options.env_files or () for w in ("--env-file", self.shown(path))]
        words += [w for profile in self.options.profiles for w in ("--profile", profile)]
        return words

    def _found_from(self, start: Path) -> list[Path]:
        """The files a bare `docker compose` run in `start` reads: COMPOSE_FILE where the environment or
        the `.env` there (or the `--env-file` given) sets it (cookiecutter-django's documented `export
        COMPOSE_FILE=docker-compose.local.yml`), resolved against `start` as compose does, else those it
        finds from `start` upward."""
        from doctor.project.discover import discover

        return discover(ProjectOptions(path=start, env=self.options.env, env_files=self.options.env_files)).files

    @cached_property
    def _derived_name(self) -> str:
        """The name compose gives these files without -p (doctor.project.compose.derived_name)."""
        from doctor.project.compose import derived_name

        return derived_name(self.options, self._parsed)

    def shown_problem(self, problem: Problem) -> str:
        """A loader problem's message as a finding says it: the files it names (absolute, as compose
        resolves them) written the way `shown` writes paths (`env file docker/app.env not found`).
        Only the kinds whose paths doctor resolved (env files, discovery, reading, includes) and only
        paths in the project directory or below the current one: a message quoting the user's own
        text (a volume, a value) stays as it is. A missing env file's message names no text of the user's
        but the file: it is written as `shown` writes it wherever it lies (AdventureLog's docker/ compose
        loading `../.env.advanced`, as env-drift names it)."""
        from doctor.project.types import ProblemKind

        if problem.kind not in (ProblemKind.ENV_FILE, ProblemKind.UNREADABLE, ProblemKind.REFERENCE,
                                ProblemKind.DISCOVERY) or "/" not in problem.message:
            return problem.message
        import re

        places = [self.root, *([self.options.cwd] if self.options.cwd is not None else [])]
        # `env file PATH not found` (an include's, `couldn't find env file: PATH`): the path is doctor's
        missing_env_file = problem.kind is ProblemKind.ENV_FILE and "env file" in problem.message

        def rewritten(found: re.Match[str]) -> str:
            path = Path(found[0])
            inside = missing_env_file or any(path.is_relative_to(p) for p in places if p != Path(p.anchor))
            return self.shown(path) if inside else found[0]

        # the whole path of a missing env file, whatever it holds (a folder named with a blank or a
        # line break: the search below stops at one)
        whole = re.fullmatch(r"(env file )(/.*)( not found)|(couldn't find env file: )(/.*)", problem.message,
                             re.DOTALL) if missing_env_file else None
        if whole is not None:
            head, path, tail = (whole[1], whole[2], whole[3]) if whole[1] else (whole[4], whole[5], "")
            return f"{head}{self.shown(Path(path))}{tail}"
        return re.sub(r"(?<![^\s'\"(])/[^\s'\"]+", rewritten, problem.message)

    @cached_property
    def app_compose(self) -> ComposeModel:
        """The model with each service's environment extended by the env files bound onto its app's
        `.env` (doctor.project.mounted_env): what service-name-drift and leaked-host-port judge, made once."""
        from doctor.project.mounted_env import with_mounted_env

        return with_mounted_env(self)

    @cached_property
    def config(self) -> Config:
        """The effective doctor configuration (flags over doctor.yaml / [tool.doctor]) for checks."""
        if self.options.config is not None:
            return self.options.config
        from doctor.config import Config, ConfigError, load_config

        try:
            return load_config(self.root)
        except ConfigError:
            return Config()

    @property
    def services(self) -> Mapping[str, Service]:
        return self.compose.services

    @cached_property
    def dotenv(self) -> EnvFile | None:
        """The project directory's `.env`, read with compose's rules, or None when absent."""
        return self.env_file(self.root / ".env")

    @cached_property
    def interpolation_files(self) -> tuple[Path, ...]:
        """The env files compose interpolates the compose files from, in order (a later file's key
        wins): those `--env-file` or COMPOSE_ENV_FILES choose, else `.env` (none when
        COMPOSE_DISABLE_ENV_FILE turns it off)."""
        chosen = self.chosen_env_files
        return (self.root / ".env",) if chosen is None else tuple(Path(os.path.abspath(p)) for p in chosen)

    @property
    def variables_file(self) -> Path:
        """The env file a line setting a compose variable belongs in: the last file `--env-file` or
        COMPOSE_ENV_FILES choose (its key wins), else `.env` (also where COMPOSE_DISABLE_ENV_FILE
        turns env files off: the advice then needs its own words)."""
        files = self.interpolation_files
        return files[-1] if files else self.root / ".env"

    @cached_property
    def chosen_env_files(self) -> tuple[Path, ...] | None:
        """The env files `--env-file` or COMPOSE_ENV_FILES choose for interpolation (compose then
        reads no `.env`), () when COMPOSE_DISABLE_ENV_FILE turns `.env` off, None when compose
        reads the project's `.env` (the default)."""
        from doctor.project.discover import chosen_env_files

        return chosen_env_files(self.options)

    def env_file(self, path: Path) -> EnvFile | None:
        """An env file read with compose's rules (once per run), or None when it is no regular file."""
        if path not in self._env_files:
            self._env_files[path] = self._env_file(path)
        return self._env_files[path]

    @cached_property
    def _env_files(self) -> dict[Path, EnvFile | None]:
        return {}

    @cached_property
    def env_example(self) -> EnvFile | None:
        """The committed template of `.env` (`.env.example` and its usual aliases), if any; where the
        project also has one for its docker setup (`.env.docker`, Sail's `.env.example.sail`), the one
        that fits the compose files best: the most of the variables they interpolate, and of hosts
        naming their services (snipe-it's `.env.docker`: DB_HOST=db and MYSQL_ROOT_PASSWORD, where its
        `.env.example` is the host app's, DB_HOST=127.0.0.1)."""
        usual = next((t for name in ENV_EXAMPLE_NAMES if (t := self.env_file(self.root / name)) is not None), None)
        found = [*([usual] if usual is not None else []),
                 *(t for name in DOCKER_TEMPLATE_NAMES if (t := self.env_file(self.root / name)) is not None)]
        if len(found) < 2:
            return found[0] if found else None
        model = self.compose
        # a service's own env_file is no template, also where the service loads it through a link
        # (`docker/app.env -> ../.env.docker`)
        loaded = {real_path(p) for service in model.services.values() for p in service.env_files}
        found = [t for t in found if real_path(t.path) not in loaded] or found
        used = {u.name for u in model.variable_uses}
        services = {name.lower() for name in model.services}

        def fit(template: EnvFile) -> int:  # one set lookup per host a value names, not one scan per service
            hosts = sum(1 for e in template.entries if e.value and (
                e.value.lower() in services or not services.isdisjoint(_URL_HOSTS.findall(e.value.lower()))))
            return sum(1 for e in template.entries if e.key in used) + hosts

        return max(found, key=fit)  # the first of the best: the usual name wins a tie

    def _env_file(self, path: Path) -> EnvFile | None:
        if not is_file(path):  # this module's: False where the user may not reach it
            return None
        from doctor.project.envfile import remembered_env_file

        return remembered_env_file(path, self.options.env)

    def image_builder(self, service: Service) -> Service | None:
        """The service that builds the image this one runs, where it has no `build:` of its own and its
        `image:` is what exactly one service builds (doctor.project.image_builders), else None."""
        if service.build is not None or not service.image:
            return None
        builders = self.once("image-builders", lambda: image_builders(self.services))
        return builders.get(service.name)

    def build_of(self, service: Service) -> Build | None:
        """The build that makes the image the service runs: its own, else its image builder's. What the
        image holds (code, ENV, WORKDIR, ENTRYPOINT, CMD) is read from it; what is about the build
        itself (its errors, its inputs) stays with `service.build`."""
        if service.build is not None:
            return service.build
        builder = self.image_builder(service)
        return builder.build if builder is not None else None

    def image_recipe(self, service: Service) -> Recipe | None:
        """The build recipe of the image the service runs (build_of's Dockerfile), or None."""
        build = self.build_of(service)
        if build is None or build.dockerfile_path is None:
            return None
        return self.recipe(build.dockerfile_path, build.target)

    def dockerfile(self, service: Service) -> Dockerfile | None:
        """The parsed Dockerfile of the build that makes a service's image (build_of: its own, else its image
        builder's; its `build.target` stage), or None."""
        build = self.build_of(service)
        if build is None or build.dockerfile_path is None:
            return None
        path, target = build.dockerfile_path, build.target
        if (path, target) not in self._dockerfiles:
            from doctor.project.dockerfile import read_dockerfile

            self._dockerfiles[path, target] = read_dockerfile(path, target) if is_file(path) else None
        return self._dockerfiles[path, target]

    @cached_property
    def unreadable_inputs(self) -> tuple[Problem, ...]:
        """The build contexts, Dockerfiles and COPY'd files of local builds this user cannot read
        (compose's build stops there; the checks that read them saw less)."""
        from doctor.project.buildinputs import unreadable_build_inputs

        return unreadable_build_inputs(self)

    @cached_property
    def _dockerfiles(self) -> dict[tuple[Path, str | None], Dockerfile | None]:
        return {}

    def recipe(self, path: Path, target: str | None = None) -> Recipe | None:
        """The build recipe of a Dockerfile (its final stage, or `target`), read once however many
        services build from it; None when it is not a file."""
        if (path, target) not in self._recipes:
            from doctor.project.recipe import recipe_of

            self._recipes[path, target] = recipe_of(path, target)
        return self._recipes[path, target]

    @cached_property
    def _recipes(self) -> dict[tuple[Path, str | None], Recipe | None]:
        return {}

    def code_map(self, service: Service) -> CodeMap:
        """Where a service's code comes from (its binds, watch syncs, and the COPYs of the Dockerfile that
        builds its image: build_of's, an image builder's for `celery` on the image `app` builds), built once
        per service; the COPY part and `.dockerignore` once per build (context, Dockerfile)."""
        if service.name not in self._code_maps:
            from doctor.project.codepaths import code_map

            # every service's map asks its app markers through the run's one store: most services build from
            # one context (otel-demo's 20 from `.`)
            self._code_maps[service.name] = code_map(service, self.dockerfile(service), self._build_paths,
                                                     self.build_of(service), self.once("app-markers", dict))
        return self._code_maps[service.name]

    @cached_property
    def _code_maps(self) -> dict[str, CodeMap]:
        return {}

    @cached_property
    def _build_paths(self) -> BuildPaths:
        return {}

    def outer_folder(self) -> Path | None:
        """The folder above the project's that a service builds from or binds whole, the nearest: the repo
        around a `.devcontainer/` or `docker/` compose file (`..`), or deeper in it (InvoiceShelf's
        docker/development/, `context: ../../` and `../../:/var/www/html`); never above the checkout's top
        (without a checkout, the folder just above alone); None where no service takes one."""
        def compute() -> Path | None:
            used = {Path(os.path.normpath(s.build.context)) for s in self.services.values()
                    if s.build is not None and "://" not in s.build.context} | {
                Path(os.path.normpath(m.source)) for s in self.services.values() for m in s.volumes
                if m.type == "bind" and m.source}
            repo = self.repo()
            top = repo.top if repo is not None and repo.top in self.root.parents else None
            for outer in self.root.parents:
                if outer == outer.parent or (top is None and outer != self.root.parent):
                    return None
                if outer in used:
                    return outer
                if outer == top:
                    return None
            return None

        return self.once("outer-folder", compute)

    @cached_property
    def commands(self) -> tuple[Command, ...]:
        """The commands the project runs (Makefile, package.json, pre-commit, pyproject tools, compose)."""
        from doctor.model import Location
        from doctor.project.tasks import Command, CommandKind, read_commands, task_commands

        found = read_commands(self.root, self.compose.files)
        # a compose project in the repo's `.devcontainer/` or `docker/` that mounts or builds the repo
        # (`..`, or `../../` from docker/development/): the repo's own Makefile and package.json are what
        # the developer runs
        outer = self.outer_folder()
        if outer is not None:
            found += tuple(task_commands(outer))
        tools = self.config.tools
        where = Location(self.config.file or self.root / "doctor.yaml", tools.origin.line)
        listed = tuple(
            Command(tool, tool, CommandKind.CONFIG, where, f"'tools' in {where.path.name}", self.root, implied=True)
            for tool in tools.value
        )
        return found + listed

    def prepare_shared(self) -> None:
        """Read what the checks of both processes of a preflight read (doctor.forked calls this
        right before it forks its helper): the `.env`, and each local build's Dockerfile, recipe
        and code map. Each is then read once and shared by the fork, not once in each process
        (on otel-demo's 16 Dockerfiles, ~30 ms of CPU in a first run; the memo's answers in a
        later one). Raises what reading them raises: the caller leaves it to the checks."""
        _ = self.dotenv
        for service in self.services.values():
            build = service.build
            if build is not None and build.dockerfile_path is not None:
                self.recipe(build.dockerfile_path, build.target)
                self.code_map(service)

    def manifests(self, directory: Path) -> tuple[Manifest, ...]:
        """The dependency manifests (pyproject, requirements*.txt, package.json) in a folder, read once."""
        if directory not in self._manifests:
            from doctor.project.manifests import read_manifests

            self._manifests[directory] = read_manifests(directory)
        return self._manifests[directory]

    @cached_property
    def _manifests(self) -> dict[Path, tuple[Manifest, ...]]:
        return {}


def is_file(path: Path) -> bool:
    """Path.is_file, False where a folder on the way cannot be entered (PermissionError in 3.11)."""
    try:
        return path.is_file()
    except OSError:
        return False


def real_path(path: Path) -> str:
    """The file `path` names with every link on the way followed (a dangling link's last target:
    formbricks' `apps/web/.env -> ../../.env` is the root `.env`), for comparing two paths that may
    name one file; where a link loop or a bad name stops that, the path as written, made absolute."""
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):  # a loop (ELOOP, where realpath raises it) or a NUL in the name
        return os.path.abspath(path)
