"""host-vs-container's finding for a program of Ruby, Elixir, Go or Java that this machine cannot run
(doctor reads no packages of those runtimes: what it lacks is the program, or the runtime itself), and
the `docker compose exec|run` line of the service on that runtime whose code holds the command's folder."""

from __future__ import annotations

from doctor.model import Check, Finding, Fix, Safety
from doctor.project import Project
from doctor.project.command_home import compose_argv, mapped_words
from doctor.project.command_roles import listening_port, serves
from doctor.project.server_binds import config_loopback, reachable
from doctor.project.service_entrypoint import dispatching_entrypoint, program_entrypoint
from doctor.project.service_home import ServiceHome
from doctor.project.task_twins import twin_of
from doctor.project.tasks import Command
from doctor.project.toolchains import RUNTIME_NAMES, host_lacks, runtime_server, script_runtime, task_env, tool_runtime

from .command_line import _mapped_pipeline, _short, command_words, env_options, shell_form


def runtime_belongs(check: Check, project: Project, command: Command, home: ServiceHome, running: bool | None,
                    cli: tuple[str, ...]) -> Finding:
    """`check`'s finding for `command` (`bundle exec rails test`, `mix test`), whose runtime this machine
    lacks, in `home`: a `-e NAME=value` where the service's environment sets the variable the command's
    task must run with to another value (toolchains.task_env: .env's `RAILS_ENV=development`)."""
    words = list(command_words(command.text))
    # a server (`mix phx.server`, `bin/rails server`): a `run` publishing the service's ports, as for Python's
    runtime = tool_runtime(command.tool) or script_runtime(command.cwd / command.tool) or ""
    # PHP's (`php artisan serve`, `php -S localhost:8000`, `symfony serve`), read as the Python and Node ones are
    server = runtime_server(words) or (runtime == "php" and serves(words))
    verb = "run" if running is False or server else "exec"
    shelled = shell_form(command)  # `go run main.go >/tmp/x.log 2>&1 &`: a shell reads the `>` and `&`
    if shelled is not None:
        mapped = _mapped_pipeline(("sh", "-c", shelled), command.cwd, home)
    else:
        mapped = mapped_words(words, command.cwd, home)
        mapped = reachable(mapped, command.cwd) if server else mapped  # `rails server` -> `-b 0.0.0.0`
    argv = compose_argv(project, verb, home, command.cwd, mapped, tty=True, cli=cli)
    at = len(argv) - len(mapped) - 1  # the service's name: miniflux's `GOOS=darwin GOARCH=arm64 go build` as `-e`s
    argv[at:at] = env_options(command) if shelled is None else []
    service = project.services.get(home.service)
    # a PHP server's port (artisan's and the Symfony CLI's default 8000) that the service does not publish
    # (laravel-docker-examples' 'php-fpm' publishes none, Sail's 80 is its own `artisan serve --port=80`)
    beside = server and runtime == "php" and service is not None and (listening_port(" ".join(mapped)) or 8000) \
        not in {p.target for p in service.ports}
    if beside:
        port = listening_port(" ".join(mapped)) or 8000
        argv[argv.index("run") + 1:argv.index("run") + 1] = ["-p", f"{port}:{port}"]
    elif server and service is not None and service.ports:
        argv.insert(len(argv) - len(mapped) - 1, "--service-ports")
    pinned = task_env(project, home.service, words)
    if pinned is not None:
        at = argv.index(verb) + 1
        argv[at:at] = ["-e", f"{pinned[0]}={pinned[1]}"]
    shown = _short(argv, verb)
    title = f"run it as `{shown}`" if "'" in shown else f"run it as '{shown}'"
    if server and running is not False and not beside:  # it may be up, serving on the ports the run needs
        title += (f" (stop {home.service!r} first, `{project.compose_words()} stop {home.service}`, if it is up: "
                  "its ports are taken)")
    elif running is None and verb == "exec":
        run = "run --rm" if home.bound else "run --build --rm"
        # shiori's ENTRYPOINT ["go", "run", "main.go"] would take `go fmt ...` for its arguments
        if program_entrypoint(project, home.service) or dispatching_entrypoint(project, home.service):
            title += f" (use `{run} --entrypoint ''` instead of 'exec' if it is not up)"
        else:
            title += f" (use '{run}' instead of 'exec' if it is not up)"
    bound = config_loopback(words, command.cwd) if server else None
    if bound is not None:  # phx.new's config/dev.exs: `http: [ip: {127, 0, 0, 1}, ...]`
        title += (f" ({bound} has it listen on 127.0.0.1, which the published port never reaches in the container: "
                  "set `ip: {0, 0, 0, 0}` there)")
    if pinned is not None:
        title += f" ({pinned[2]})"
    twin = twin_of(project, command, home) if pinned is None else None
    if twin is not None:  # the project's own `docker-test` target: it says how to run it there
        at_line = f"{project.shown(twin.location.path)}:{twin.location.line}"
        title = f"run `{twin.shown}`, the project's own target for it ({at_line}), or " + title.removeprefix("run it ")
        argv = list(twin.invocation)
    lacked = host_lacks(command.tool, command.cwd, project.options.env) or command.tool
    # `composer install`: Composer is a program of its own, which a host with PHP may lack too
    needs = "Composer" if command.tool.rsplit("/", 1)[-1] == "composer" else RUNTIME_NAMES.get(runtime, runtime)
    message = (f"{command.tool!r} ({command.origin}) needs {needs}, which the host lacks "
               f"(no {lacked!r} on PATH): run it in {home.service!r}")
    return check.finding(message, command.location, f"{home.service}:{command.text}",
                         Fix(title, Safety.ADVICE, command=tuple(argv)))


def composer_missing(check: Check, project: Project, command: Command, service_name: str) -> Finding:
    """`check`'s finding for a `composer` command that neither this machine nor any image on PHP has (the
    official php images ship none): give it to the service on PHP whose code holds the folder."""
    from doctor.project.php_images import composer_line

    service = project.services[service_name]
    compose = project.compose_words()
    title = (f"{composer_line(project, service)}, then `{compose} build {service_name}` and run it there, "
             f"`{compose} run --rm {service_name} {command.text}`")
    message = (f"{command.tool!r} ({command.origin}) needs Composer, which the host lacks and no image installs "
               f"({service_name!r} runs PHP)")
    return check.finding(message, command.location, f"{service_name}:{command.text}", Fix(title, Safety.ADVICE))
