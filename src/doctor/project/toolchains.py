"""Programs of a runtime whose packages doctor does not read (Elixir's `mix`, Ruby's `bundle`, PHP's
`composer`, Go, Java's build tools): which service's image has them, for `doctor exec`.

doctor knows what a Python or Node image installs (doctor.project.service_home); of another runtime
it knows only the image a service runs on. nickjj/docker-phoenix-example's `doctor exec -- mix test`
went to 'js', the asset watcher whose code (`.:/app`) covers the folder too, on `node:22`: no mix
there. The program goes to a service whose image is of its runtime (its build stage's FROM, else its
`image:`, a Dev Containers image by its own name), and never to one whose image is of another known runtime;
a service that builds nothing is a home by its binds (miniflux's .devcontainer 'app' binds the checkout).
Of the services on that runtime, one whose own start runs a program of it comes first: nickjj/docker-rails-
example's 'js' and 'css' build an `assets` stage on `ruby` too, but run `yarn build`; `bin/rails db:migrate`
and `bundle exec rspec` go to 'web' (`rails s`), as the project's `./run rails` and `./run bundle` do.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping, Sequence
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.env_hosts import image_basename
from doctor.project.manifests import Language
from doctor.project.reading import is_dir, read_bytes
from doctor.project.service_home import ServiceHome
from doctor.project.types import Service
from doctor.regular import text_lines

# the programs of a runtime (`bin/rails` is `rails`: a project's binstub needs the same Ruby)
# foreman's Procfile (`foreman start -f Procfile.dev`), else `Procfile`
_PROCFILE = lazy(r"foreman\s+start\b[^\n]*?(?:-f|--procfile)[ =]+([\w./-]+)")
TOOL_RUNTIMES = {
    **dict.fromkeys(("mix", "iex", "elixir", "elixirc", "erl", "rebar3"), "elixir"),
    **dict.fromkeys(("bundle", "bundler", "rails", "rake", "rspec", "ruby", "gem", "irb", "rubocop"), "ruby"),
    # FrankenPHP and PHP-FPM serve the app's PHP: symfony-docker's `frankenphp run` is a start of PHP
    **dict.fromkeys(("php", "composer", "artisan", "phpunit", "pest", "frankenphp", "php-fpm"), "php"),
    **dict.fromkeys(("go", "gofmt"), "go"),
    **dict.fromkeys(("mvn", "mvnw", "gradle", "gradlew", "java", "javac"), "java"),
    **dict.fromkeys(("cargo", "rustc"), "rust"),
}
# official images by their own name (`hexpm/elixir` too), and the ones of the two runtimes doctor reads
IMAGE_RUNTIMES = {
    **dict.fromkeys(("elixir", "erlang"), "elixir"),
    **dict.fromkeys(("ruby", "jruby"), "ruby"),
    **dict.fromkeys(("php", "composer", "frankenphp"), "php"),
    **dict.fromkeys(("golang",), "go"),
    **dict.fromkeys(("eclipse-temurin", "openjdk", "amazoncorretto", "maven", "gradle", "sapmachine"), "java"),
    **dict.fromkeys(("rust",), "rust"),
    **dict.fromkeys(("node",), "node"),
    **dict.fromkeys(("python", "pypy"), "python"),
}


# the Dev Containers project's images (`mcr.microsoft.com/devcontainers/go:1-trixie`, miniflux/v2's
# .devcontainer; `vscode/devcontainers/...` before): the runtime is the image's own name
DEVCONTAINER_RUNTIMES = {
    **dict.fromkeys(("go",), "go"),
    **dict.fromkeys(("ruby", "ruby-rails"), "ruby"),
    **dict.fromkeys(("php",), "php"),
    **dict.fromkeys(("java",), "java"),
    **dict.fromkeys(("rust",), "rust"),
    **dict.fromkeys(("javascript-node", "typescript-node"), "node"),
    **dict.fromkeys(("python", "anaconda", "miniconda"), "python"),
}


def toolchain_runtime(image: str) -> str | None:
    """The runtime an image reference is of: an official image by its name (`golang:1.22`), a Dev
    Containers image by its own (`mcr.microsoft.com/devcontainers/go`), else None. Wider than
    runtimes.image_runtime, which names only the python and node images a version is read from."""
    name = image_basename(image)
    folders = image.split("@")[0].lower().split("/")[:-1]
    if folders[-1:] == ["laravelsail"]:  # `laravelsail/php84-composer`, the image Sail's docs install with
        return "php"
    return (DEVCONTAINER_RUNTIMES if folders[-1:] == ["devcontainers"] else IMAGE_RUNTIMES).get(name)


def tool_runtime(tool: str) -> str | None:
    """The runtime a program needs (`mix`: elixir; `./bin/rails`: ruby), None for any other."""
    return TOOL_RUNTIMES.get(posixpath.basename(tool))


def script_interpreter(path: Path) -> str | None:
    """The program a project script's `#!` line starts (`#!/usr/bin/env php`, `#!/usr/bin/env -S php -d
    memory_limit=-1`, `#!/usr/local/bin/ruby`: its name), None where it has none or is not read."""
    try:
        head = read_bytes(path, 256, head=True).removeprefix(b"\xef\xbb\xbf")
    except OSError:
        return None
    if not head.startswith(b"#!"):
        return None
    words = head[2:].split(b"\n", 1)[0].decode("utf-8", "replace").split()
    if words and posixpath.basename(words[0]) == "env":
        words = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
    return posixpath.basename(words[0]) if words else None


def script_runtime(path: Path) -> str | None:
    """The runtime a project script's `#!` line starts (symfony-docker's `bin/console`: php; Rails'
    `bin/setup`: ruby), None for a shell's or one not read."""
    interpreter = script_interpreter(path)
    return tool_runtime(interpreter) if interpreter else None


def service_runtime(project: Project, service: Service) -> str | None:
    """The runtime of the image the service runs on: its build stage's base, else its `image:`; PHP for an
    OS image a RUN of its stage's chain installs PHP's packages on (Sail's runtimes: `FROM ubuntu:22.04`,
    `apt-get install -y php8.3-cli ...`)."""
    from doctor.project.runtimes import service_base

    image = service_base(project, service)
    runtime = toolchain_runtime(image) if image else None
    if runtime is None and image and service.build is not None:  # Sail's `FROM ubuntu` with `php8.3-cli`
        from doctor.project.php_images import installs_php

        runtime = "php" if installs_php(project, service) else None
    return runtime


def foreign_home(project: Project, tool: str, cwd: Path, chosen: ServiceHome | None,
                 here: str | None = None) -> ServiceHome | None:
    """Where `tool`, of a runtime doctor reads no packages of, runs: `chosen` (the home whose code holds
    `cwd`) unless its image is of another known runtime, else the service on the tool's runtime whose
    code holds `cwd` most closely (a bind mount before a COPY), not `here` (the one doctor runs in);
    `chosen` as it is for any other tool."""
    needs = tool_runtime(tool) or (script_runtime(cwd / tool) if "/" in tool else None)
    if needs is None:
        return chosen
    kept = None
    if chosen is not None:
        service = project.services.get(chosen.service)
        if service is None or service_runtime(project, service) is None:
            return chosen
        if service_runtime(project, service) == needs and _provides(project, service, tool):
            if starts_runtime(project, service, needs):
                return chosen
            kept = chosen  # docker-rails-example's 'js' on ruby runs `yarn build`: 'web' runs `rails s`
    found = [home for service in project.services.values()
             if service.name != here and service_runtime(project, service) == needs
             and _provides(project, service, tool) and (kept is None or starts_runtime(project, service, needs))
             and (home := _home(project, service, tool)) is not None and home.container_path(cwd) is not None]
    return max(found, key=lambda h: (starts_runtime(project, project.services[h.service], needs), h.live,
                                      len(str(h.source))), default=kept)


def _provides(project: Project, service: Service, tool: str) -> bool:
    """Whether the service's image has `tool` beyond its runtime: `composer`, which no official php image
    ships (laravel-docker-examples' 'php-fpm' lacks it, 'workspace' installs it); any other program, yes."""
    if posixpath.basename(tool) != "composer":
        return True
    from doctor.project.php_images import installs_composer

    return installs_composer(project, service)


# node's programs: doctor reads the packages of an image that installs a package.json, not of a bare node image
NODE_PROGRAMS = frozenset({"node", "npm", "npx", "yarn", "pnpm", "corepack"})


def node_image_home(project: Project, tool: str, cwd: Path, here: str | None = None) -> ServiceHome | None:
    """Where a node program this machine lacks runs when no image installs the folder's package.json: the
    service on a node image whose code holds `cwd` (openfun/joanie's 'admin-dev', `image: node:20.18` binding
    ./src/frontend/admin, where its Makefile's `docker compose run --rm admin-dev yarn install` puts the
    node_modules), the closest such, not `here`; None: there is none, and it runs here."""
    if posixpath.basename(tool) not in NODE_PROGRAMS:
        return None
    found = [home for service in project.services.values()
             if service.name != here and service_runtime(project, service) == "node"
             and (home := _home(project, service, tool)) is not None and home.container_path(cwd) is not None]
    return max(found, key=lambda h: (h.live, len(str(h.source))), default=None)


def app_home(project: Project, cwd: Path, chosen: ServiceHome | None, here: str | None = None) -> ServiceHome | None:
    """Where a shell given no script opens, "a shell in the app's container": the service whose own start
    runs its image's runtime (symfony-docker's 'php', `frankenphp run`; docker-rails-example's 'web', `rails
    s`, not 'js', the asset watcher on the same ruby image running `yarn build`) and whose code holds `cwd`,
    the closest such (a bind mount before a COPY); else `chosen`, the home of the packages the host lacks
    (a Python or Node service: the runtimes whose starts this does not read), or None: the host."""
    found = []
    for service in project.services.values():
        runtime = service_runtime(project, service) if service.name != here else None
        if runtime is None or not starts_runtime(project, service, runtime):
            continue
        home = _home(project, service, "sh")
        if home is not None and home.container_path(cwd) is not None:
            found.append(home)
    if chosen is not None and any(home.service == chosen.service for home in found):
        return chosen
    return max(found, key=lambda h: (h.live, len(str(h.source))), default=chosen)


def starts_runtime(project: Project, service: Service, runtime: str) -> bool:
    """Whether what the service runs at start names a program of `runtime` (`rails s`, `bundle exec
    sidekiq`, `mix phx.server`; a shell's `-c` text by its words), as an asset watcher's `yarn build`
    on the same Ruby image does not."""
    from doctor.project.service_start import past_init, started_words

    words = started_words(project, service)
    said = [w for word in past_init(words) for w in (word.split() if " " in word else (word,))]
    return any(tool_runtime(word) == runtime for word in said) or any(
        _script_starts(project, word, runtime) for word in said if "/" in word and not word.startswith("/"))


def _script_starts(project: Project, word: str, runtime: str) -> bool:
    """Whether a project script a service starts by its relative path runs `runtime`: its `#!` line's (Rails
    8's `bin/dev`, `#!/usr/bin/env ruby`, exec-ing bin/rails server), or, for a shell script running foreman
    (Rails 7's `bin/dev`: `exec foreman start -f Procfile.dev`), a program of a Procfile line."""
    from doctor.project.reading import is_file, read_regular_text

    for base in dict.fromkeys((project.compose.project_dir, project.root)):
        path = base / word
        if not is_file(path):
            continue
        if script_runtime(path) == runtime:
            return True
        text = read_regular_text(path, 64 * 1024) or ""
        if "foreman" not in text:
            return False
        named = _PROCFILE.search(text)
        procfile = (path.parent.parent if path.parent.name == "bin" else path.parent) / (
            named[1] if named else "Procfile")
        lines = text_lines(read_regular_text(procfile, 64 * 1024) or "")
        return any(tool_runtime(posixpath.basename(w)) == runtime or ("/" in w and script_runtime(
            procfile.parent / w) == runtime) for line in lines if ":" in line for w in line.split(":", 1)[1].split())
    return False


def _home(project: Project, service: Service, tool: str) -> ServiceHome | None:
    """The service as a home of `tool`: the project's code it carries (binds, syncs, COPYs; of a service
    that builds nothing, its binds: miniflux's devcontainer 'app' binds `..:/workspace`)."""
    if service.build is not None and "://" in service.build.context:
        return None
    codes = project.code_map(service)
    root, outer = project.root, project.outer_folder()
    # the project's folder, or the checkout around a `.devcontainer/` or `docker/` compose file it mounts whole
    carriers = tuple(dict.fromkeys(c for c in (*codes.live, *(codes.copies if service.build else ()))
                                   if (c.host.is_relative_to(root) or c.host in (root.parent, outer))
                                   and is_dir(c.host)))
    if not carriers:
        return None
    if service.build is None:
        compose = service.location.path if service.location is not None else root
        return ServiceHome(service.name, root, carriers, Language.OTHER, compose, (tool,), service.working_dir)
    context = Path(os.path.normpath(service.build.context))
    dockerfile = project.dockerfile(service)
    workdir = service.working_dir or (dockerfile.workdir if dockerfile else None)
    manifest = service.build.dockerfile_path or context
    return ServiceHome(service.name, context, carriers, Language.OTHER, manifest, (tool,), workdir)



# a task that picks its own environment unless the variable is set: Mix runs `mix test` in :test where
# MIX_ENV is unset, and in the environment MIX_ENV names where it is set (Mix.Tasks.Test checks
# `System.get_env("MIX_ENV") == nil` before its own refusal): an .env's `export MIX_ENV=dev`, loaded
# by every service (nickjj/docker-phoenix-example), runs the tests against config/dev.exs. Rails' test
# helpers do the same (`ENV["RAILS_ENV"] ||= "test"`: test_helper.rb, rspec-rails' rails_helper.rb):
# docker-rails-example's .env `export RAILS_ENV=development` runs `rails test` against the development
# database, which its `./run test` avoids with `-e RAILS_ENV=test`. A task ending in ':' takes its
# subtasks too (`rails test:system`, `rake spec:models`); "" is any task (rspec's words are paths).
TASK_ENVS = {
    ("mix", "test"): ("MIX_ENV", "test"),
    **{(program, task): ("RAILS_ENV", "test")
       for program in ("rails", "rake") for task in ("test", "test:", "spec", "spec:")},
    ("rspec", ""): ("RAILS_ENV", "test"),
}


def task_env(project: Project, service_name: str, words: Sequence[str]) -> tuple[str, str, str] | None:
    """(variable, value, why) the command's task must run with where the service's own environment sets
    that variable to another value (`-e MIX_ENV=test`, as the project's `./run test` passes it), else None."""
    if len(words) > 2 and posixpath.basename(words[0]) in ("bundle", "bundler") and words[1] in ("exec", "exe"):
        words = words[2:]  # `bundle exec rspec`: the program bundler starts
    if not words:
        return None
    program = posixpath.basename(words[0])
    task = next((w for w in words[1:] if not w.startswith("-")), None) or ""
    head = task.split(":")[0] + ":" if ":" in task else task
    wanted = TASK_ENVS.get((program, task)) or TASK_ENVS.get((program, head)) or TASK_ENVS.get((program, ""))
    service = project.services.get(service_name)
    if wanted is None or service is None:
        return None
    name, value = wanted
    setting = service.environment.get(name)
    if setting is None or setting.value is None or setting.value == value:
        return None
    where = setting.location
    at = "" if where is None else f" ({project.shown(where.path)}{'' if where.line is None else f':{where.line}'})"
    said = " ".join((words[0], task)) if (program, "") not in TASK_ENVS else words[0]
    return name, value, (f"the service's environment sets {name}={setting.value}{at}, which `{said}` "
                         f"would run in instead of its {value} environment")


# the runtimes whose programs a developer runs on the host in place of the service's (a Makefile's `bundle
# exec rails test`, `mix test`, `go test ./...`, `./mvnw test`), each with the interpreter the host must
# have for any program of it (a `bin/rails` binstub, `./gradlew`: java, or JAVA_HOME's)
HOST_RUNTIMES = {"ruby": "ruby", "elixir": "elixir", "go": "go", "java": "java", "php": "php"}


def runtime_program(tool: str) -> bool:
    """Whether `tool` may be a program of a runtime in HOST_RUNTIMES (`bundle`, `mix`, `go`; a project
    script by its path, whose `#!` line host_lacks reads)."""
    return tool_runtime(tool) in HOST_RUNTIMES or "/" in tool


def host_lacks(tool: str, cwd: Path, env: Mapping[str, str]) -> str | None:
    """The program this machine lacks to run `tool` (`bundle`; `ruby` for a `bin/rails` binstub, or where
    bundle is there and ruby is not), None where it has both the program and its runtime's interpreter
    (on `env`'s PATH; java in JAVA_HOME too) or `tool` is of no runtime in HOST_RUNTIMES. Read from PATH
    alone: nothing is run (gems or deps/ the host may lack are not judged: it has the toolchain)."""
    import shutil

    name = posixpath.basename(tool)
    runtime = tool_runtime(tool) or (script_runtime(cwd / tool) if "/" in tool else None)
    if runtime not in HOST_RUNTIMES:
        return None
    path = env.get("PATH")
    if "/" not in tool and shutil.which(name, path=path) is None:
        return name
    interpreter = HOST_RUNTIMES[runtime]
    home = env.get("JAVA_HOME") if interpreter == "java" else None
    if shutil.which(interpreter, path=path) is not None or (home and os.path.isfile(os.path.join(home, "bin", "java"))):
        return None
    return interpreter


def runtime_home(project: Project, tool: str, cwd: Path, here: str | None = None) -> ServiceHome | None:
    """The service a program of Ruby, Elixir, Go or Java belongs in where this machine cannot run it
    (host_lacks): the one on the program's runtime whose code holds `cwd` (foreign_home: 'web', which
    starts `rails s`, before the asset watcher on the same image), else None: the host runs it."""
    if host_lacks(tool, cwd, project.options.env) is None:
        return None
    return foreign_home(project, tool, cwd, None, here)


_FROM = lazy(r"(?im)^[ \t]*FROM[ \t]+(?:--\S+[ \t]+)*(\S+)(?:[ \t]+AS[ \t]+(\S+))?")


def build_stage_only(project: Project, tool: str, cwd: Path) -> str | None:
    """Why no service runs `tool` although one builds with its runtime, said where this machine lacks it
    (host_lacks) and runtime_home found no service: a multi-stage build whose stage of the runtime (awesome-
    compose's spring-postgres: `FROM maven:3.8.5-eclipse-temurin-17 AS builder`) no compose service targets,
    its image running another stage, with the build's output alone (a JRE, distroless, alpine); None else."""
    from doctor.project.reading import read_regular_text
    from doctor.project.runtimes import service_base

    needs = tool_runtime(tool) or (script_runtime(cwd / tool) if "/" in tool else None)
    lacked = host_lacks(tool, cwd, project.options.env) if needs in HOST_RUNTIMES else None
    if needs is None or lacked is None:
        return None
    for service in project.services.values():
        path = service.build.dockerfile_path if service.build is not None else None
        text = read_regular_text(path, 256 * 1024) if path is not None else None
        found = next((m for m in _FROM.finditer(text or "") if toolchain_runtime(m[1]) == needs), None)
        if path is None or found is None:
            continue
        stage = f"stage {found[2]!r}" if found[2] else "a build stage"
        line = (text or "").count("\n", 0, found.start()) + 1
        runs = service_base(project, service) or "another stage"
        if runs == found[1]:  # it runs that stage (nginx-golang's `target: builder`), its code elsewhere
            continue
        target = f"`target: {found[2]}`" if found[2] else "a `target:` of that stage"
        return (f"this machine has no {lacked!r}; {service.name!r} builds with {found[1]} ({stage}, "
                f"{project.shown(path)}:{line}) but runs {runs}, which holds the build's output alone, not the "
                f"code: no service runs {tool!r}; install {RUNTIME_NAMES.get(needs, needs)} here, or add a compose "
                f"service with {target} to run it there")
    return None


RUNTIME_NAMES = {"ruby": "Ruby", "elixir": "Elixir", "go": "Go", "java": "Java", "php": "PHP"}  # as messages name them


# the servers of those runtimes a developer starts by hand (`bin/rails server`, `mix phx.server`, `iex -S mix
# phx.server`, `mvn spring-boot:run`, `./gradlew bootRun`), by program and word ("" any word: puma's)
_SERVER_WORDS = {"rails": ("s", "server"), "mix": ("phx.server",), "iex": ("phx.server",), "puma": ("",),
                 "unicorn": ("",), "mvn": ("spring-boot:run",), "mvnw": ("spring-boot:run",),
                 "gradle": ("bootRun",), "gradlew": ("bootRun",)}


def runtime_server(words: Sequence[str]) -> bool:
    """Whether a program of those runtimes starts a server: one the service's own start already runs,
    whose port a second one by `exec` finds taken. A Gradle task by its project path counts as the task
    (`./gradlew :app:bootRun`, `gradle service:api:bootRun`): the last `:`-separated part is compared."""
    if len(words) > 2 and posixpath.basename(words[0]) in ("bundle", "bundler") and words[1] in ("exec", "exe"):
        words = words[2:]
    program = posixpath.basename(words[0]) if words else ""
    wanted = _SERVER_WORDS.get(program)
    if wanted is None:
        return False
    tasks = [w.rpartition(":")[2] if program in ("gradle", "gradlew") else w for w in words[1:]]
    return "" in wanted or any(task in wanted for task in tasks)
