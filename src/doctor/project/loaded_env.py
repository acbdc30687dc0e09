"""The variables a service's app loads from a `.env` in its container, as values of its environment.

A Node app's dotenv (node_dotenv: `dotenv.config()` in the files it runs, `node -r dotenv/config`,
dotenv-cli, env-cmd), a Python app's loaders (python_calls: python-dotenv's `load_dotenv()`,
pydantic-settings' `env_file`, django-environ's `read_env()`, python-decouple's `config()`) and a
Laravel app's phpdotenv (laravel_env), a Symfony app's symfony/dotenv (symfony_env) and a Rails app's
dotenv railtie (ruby_dotenv.rails_loads: `gem "dotenv-rails"` in its Gemfile) read a `.env`
that reaches the container through a bind mount (and a Rails app's config/*.yml fall back on its `ENV.fetch`
defaults: rails_env, a Spring Boot app's application.properties / application.yml: spring_env, and a
Go app's own defaults, `envDefault:"localhost"`: go_env, and a Rust app's dotenvy `dotenv()`: rust_dotenv)
or a COPY: what they set is the address the app dials, as if compose had set it, though compose
never reads the file for the container. Each loader's own rule holds: a variable compose (or the
image's ENV) sets stays, unless a Node call overrides (`override: true`, env-cmd); pydantic-settings
and decouple read only the keys they ask for, and never beat the process. Each variable is placed at
its `.env` line. A Python load is read only in a service that runs Python (a python image, a dev container's
too, or a Dockerfile or command naming it; never a server image mounting the code), and not where the call
sits in a `try:` that goes on without the package (the image may lack it), nor where it overrides:
dotenv-override reports that one, with the fix that works (dropping the flag). service-name-drift
and leaked-host-port judge these with compose's own values (Project.app_compose).
"""

from __future__ import annotations

from doctor.project.app_markers import (
    code_folders,
    go_module,
    node_manifest,
    php_app,
    rails_app,
    rust_crate,
    spring_app,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from doctor.model import Location
    from doctor.project import Project
    from doctor.project.appenv import DotenvCall, DotenvEffect
    from doctor.project.codepaths import CodeMap
    from doctor.project.types import EnvVar, Service


def loaded_env(project: Project, service: Service) -> dict[str, EnvVar]:
    """The keys the service's Node, Python or Laravel app sets from a `.env` in its container, over
    what compose and the image's ENV give it (only where the loader overrides those)."""
    from doctor.project.appenv import dotenv_effects, image_env
    from doctor.project.python_calls import python_calls, runs_python
    from doctor.project.types import EnvSource, EnvVar

    codes = project.code_map(service)
    if not codes.live and not codes.copies:
        # a Spring Boot build packs its config in the jar (a Go build its code in the binary), which a
        # later stage copies from the first
        return _code_vars(project, service, codes) if codes.context is not None else {}
    dockerfile = project.dockerfile(service)
    workdir = service.working_dir or (dockerfile.workdir if dockerfile else None)
    environ = image_env(project, service)
    found: dict[str, EnvVar] = {}
    # a Python load that overrides (load_dotenv(override=True), read_env(overwrite=True)) is left to
    # dotenv-override, whose fix (drop the flag) is the one that works: compose's value set by
    # leaked-host-port's fix would lose to the file again
    python = tuple(c for c in python_calls(project, service) if not c.optional and not c.override) if runs_python(
        project, service) else ()
    folders = code_folders(codes)
    rails = rails_app(codes)
    calls = (*python, *_node_calls(project, service, codes, workdir), *go_loads(project, service, folders),
             *rust_loads(folders, marks=codes.marks), *(_rails_loads(project, service, codes) if rails else ()))
    if calls:
        effects = tuple(dotenv_effects(service, calls, codes, workdir, environ,
                                       dockerfile.path if dockerfile else None))
        project.once(f"loaded-env-effects:{service.name}", lambda: effects)
        for effect in effects:
            found[effect.key] = EnvVar(effect.key, effect.app_value, effect.env_location, EnvSource.ENV_FILE,
                                       raw=effect.app_value)
        for key, var in _code_vars(project, service, codes).items():  # a Go default under godotenv's .env
            found.setdefault(key, var)
        if rails:  # and a Rails app's config/*.yml fallbacks for what its `.env` leaves unset
            from doctor.project.rails_env import rails_env

            process = {**environ, **{n: v.value for n, v in service.environment.items() if v.value is not None}}
            for key, value, where in rails_env(project, service, codes, process):
                found.setdefault(key, EnvVar(key, value, where, EnvSource.ENV_FILE, raw=value))
        return found
    process = {**environ, **{n: v.value for n, v in service.environment.items() if v.value is not None}}
    if php_app(codes):
        from doctor.project.laravel_env import laravel_env
        from doctor.project.symfony_env import symfony_env

        for key, value, where in laravel_env(project, service, codes, process):
            found[key] = EnvVar(key, value, where, EnvSource.ENV_FILE, raw=value)
        for key, value, where in symfony_env(project, service, codes, process) if not found else ():
            found[key] = EnvVar(key, value, where, EnvSource.ENV_FILE, raw=value)
    if rails:
        from doctor.project.rails_env import rails_env

        for key, value, where in rails_env(project, service, codes, process):
            found.setdefault(key, EnvVar(key, value, where, EnvSource.ENV_FILE, raw=value))
    for key, var in _code_vars(project, service, codes).items():
        found.setdefault(key, var)
    return found


def _code_vars(project: Project, service: Service, codes: CodeMap) -> dict[str, EnvVar]:
    """The dials of a Spring Boot app's application.properties / .yml, and the defaults a Go app's code reads
    its variables with, that compose and the image leave unset."""
    folders = (*(p.host for p in codes.live), *((codes.context,) if codes.context is not None else ()))
    go, spring = go_module(folders, codes.marks), spring_app(folders, codes.marks)
    if not go and not spring:  # neither reader has a file to read: no command words, no Dockerfile parsed
        return {}
    from doctor.project.appenv import image_env
    from doctor.project.code_sites import keep_sites, service_host_names
    from doctor.project.script_finder import run_words
    from doctor.project.types import EnvSource, EnvVar

    process = {**image_env(project, service),
               **{n: v.value for n, v in service.environment.items() if v.value is not None}}
    dockerfile = project.dockerfile(service)
    workdir = service.working_dir or (dockerfile.workdir if dockerfile else None) or "/"
    spring_vars: tuple[tuple[str, str, Location], ...] = ()
    if spring:
        from doctor.project.spring_env import spring_env

        spring_vars = tuple(spring_env(folders, process, " ".join(run_words(project, service)),
                                       tuple(m.target for m in service.volumes), workdir))
    sites: dict[str, list[EnvVar]] = {}  # a Go variable's every default, the one its app dials first
    if go:
        from doctor.project.go_build import go_targets
        from doctor.project.go_env import go_env

        for key, value, where in go_env(folders, process, go_targets(project, service),
                                        service_host_names(project)):
            sites.setdefault(key, []).append(EnvVar(key, value, where, EnvSource.ENV_FILE, raw=value))
    keep_sites(project, service, {key: tuple(found) for key, found in sites.items()})
    dials = {key: EnvVar(key, value, where, EnvSource.ENV_FILE, raw=value) for key, value, where in spring_vars}
    return {**dials, **{key: found[0] for key, found in sites.items()}}


def _node_calls(project: Project, service: Service, codes: CodeMap, workdir: str | None) -> tuple[DotenvCall, ...]:
    """The `.env` loads of the service's Node app (node_dotenv), where its working dir's package.json reaches it."""
    if not node_manifest(codes, workdir):
        return ()
    from doctor.project.node_dotenv import service_calls

    return service_calls(project, service, codes, workdir)


def _rails_loads(project: Project, service: Service, codes: CodeMap) -> tuple[DotenvCall, ...]:
    """The dotenv railtie's load of the service's Rails app that overwrites nothing (ruby_dotenv.rails_loads),
    where a Rails app (config/application.rb) reaches it (rails_app, which loaded_env asks); its overwriting load is
    dotenv-override's."""
    from doctor.project.ruby_dotenv import rails_loads

    return rails_loads(project, service, codes)


def go_loads(project: Project, service: Service, folders: tuple[Path, ...],
             overriding: bool = False) -> tuple[DotenvCall, ...]:
    """godotenv's loads of the service's Go app, where a code folder is a Go module (its go.mod), which go_env and
    go_dotenv_calls read from: only then are its build's targets worth finding (the Dockerfile's RUN lines, its
    command's words). `overriding`: its `godotenv.Overload()` calls alone (dotenv-override's), else `Load()`'s."""
    if not go_module(folders, project.code_map(service).marks):
        return ()
    from doctor.project.go_build import go_targets
    from doctor.project.go_env import go_dotenv_calls

    return tuple(go_dotenv_calls(folders, go_targets(project, service), overloads=overriding))


def rust_loads(folders: tuple[Path, ...], overriding: bool = False,
               marks: dict[str, bool] | None = None) -> tuple[DotenvCall, ...]:
    """dotenvy's loads of the service's Rust app (rust_dotenv), where a code folder holds Cargo.toml;
    `overriding`: its `dotenv_override()` forms alone (dotenv-override's), else the plain ones. `marks`: the
    markers this run found already (app_markers.marked)."""
    if not rust_crate(folders, marks):
        return ()
    from doctor.project.rust_dotenv import rust_dotenv_calls

    return tuple(rust_dotenv_calls(folders, overrides=overriding))


def loaded_over_compose(project: Project, service: Service, var: EnvVar) -> DotenvEffect | None:
    """The load that gives the service `var` from a `.env` its image COPYs or a bind mount brings, where
    that loader beats compose's environment (env-cmd, dotenv's `override: true`): a value set in a dev
    override loses to the file again (brocoders/nestjs-boilerplate's `env-cmd -- ts-node ...` in the
    startup script's `npm run migration:run`, its `.env` COPYed with the code; express-rest-boilerplate's
    `require('dotenv').config({ path, override: true })` under `.:/app`); None for any other."""
    loaded_env(project, service)  # its effects are kept with the project as it reads them
    effects: tuple[DotenvEffect, ...] = project.once(f"loaded-env-effects:{service.name}", tuple)
    return next((e for e in effects if e.key == var.name and e.env_location == var.location
                 and e.app_value == var.value and e.call.override), None)
