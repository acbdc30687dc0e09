"""`doctor exec` of a server typed by hand, as preflight advises the same in a Makefile.

nickjj/docker-rails-example (tests/replay/docker-rails-example) on a host without Ruby: `doctor exec --
bin/rails server` with 'web' up ran `docker compose exec web bin/rails server`, a second server beside the
one 'web' runs, on the port it holds; preflight's advice for the same in a Makefile is `run --rm
--service-ports web ...` with "stop 'web' first". So did `mix phx.server` in docker-phoenix-example,
`python3 src/manage.py runserver` in docker-django-example, `fastapi dev` and `uvicorn` in fastapi-template's
backend, and `npm run dev` of `"dev": "vite"`. Now, where the service is up, doctor runs nothing and says
so (stop it first, or use the running one); where it is down, the server runs as preflight advises it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_execute import fake_docker

import doctor.execute
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay"


def _exec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, folder: str, argv: list[str],
          running: bool | None) -> tuple[int, list[str]]:
    """(exit code, the compose command a fake docker got: [] when none ran) of `doctor exec -- ARGV` typed in
    `folder` of a copy of the replay `name`, its services up (`running`), down, or the engine unable to tell."""
    root = tmp_path / name
    shutil.copytree(REPLAY / name, root, ignore=shutil.ignore_patterns("SOURCE.md", "SOURCE.txt"))
    if (root / ".env.example").exists():
        shutil.copyfile(root / ".env.example", root / ".env")  # the README's `cp .env.example .env`
    env, record = fake_docker(tmp_path)  # a PATH with docker alone: no ruby, bundle, mix, python or node
    env["HOME"] = str(tmp_path)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: running)
    monkeypatch.chdir(root / folder)
    code = doctor.execute.execute(argv, Project(ProjectOptions(path=root, env=env)), host)
    return code, record.read_text().splitlines() if record.exists() else []


SERVERS = [
    ("docker-rails-example", ".", ["bin/rails", "server"], "web", "8000"),
    ("docker-rails-example", ".", ["bundle", "exec", "rails", "s", "-b", "0.0.0.0"], "web", "8000"),
    ("docker-phoenix-example", ".", ["mix", "phx.server"], "web", "8000"),
    ("docker-phoenix-example", ".", ["iex", "-S", "mix", "phx.server"], "web", "8000"),
    ("docker-django-example", ".", ["python3", "src/manage.py", "runserver", "0.0.0.0:8000"], "web", "8000"),
    ("fastapi-template", "backend", ["fastapi", "dev", "--host", "0.0.0.0"], "backend", "8000"),
    ("fastapi-template", "backend", ["uvicorn", "app.main:app", "--reload"], "backend", "8000"),
]


@pytest.mark.parametrize(("name", "folder", "argv", "service", "port"), SERVERS)
def test_a_server_typed_by_hand_is_not_started_beside_the_running_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], name: str, folder: str,
        argv: list[str], service: str, port: str) -> None:
    code, ran = _exec(tmp_path, monkeypatch, name, folder, argv, running=True)
    assert (code, ran) == (1, [])  # no `exec` of a second server, nor a `run` whose ports are taken
    said = capfd.readouterr().err
    assert (f"doctor exec: {' '.join(argv)!r} starts a server, and {service!r} is up, serving on the port it "
            f"publishes ({port}): a second server there could not bind it; nothing was run") in said, said
    assert (f"stop it first, `docker compose stop {service}`, then run this again (doctor runs it as a `run --rm "
            "--service-ports`, as preflight advises), or use the one that runs") in said


@pytest.mark.parametrize(("name", "folder", "argv", "service", "port"), SERVERS)
def test_a_server_typed_by_hand_runs_publishing_the_services_ports_where_it_is_down(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, folder: str, argv: list[str], service: str,
        port: str) -> None:
    code, ran = _exec(tmp_path, monkeypatch, name, folder, argv, running=False)
    assert code == 0
    at = ran.index("run")
    assert ran[at:at + 2] == ["run", "--service-ports"] and "--rm" in ran[at:], ran
    # uvicorn listens on 127.0.0.1 unless told otherwise: the published port would reach nothing
    told = [*argv, "--host", "0.0.0.0"] if argv[0] == "uvicorn" else argv
    assert ran[ran.index(service, at) + 1:] == told


def test_a_server_told_to_listen_on_localhost_listens_on_every_interface(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`rails s -b 127.0.0.1` in the container listens on the container's own localhost: the published port
    reaches nothing there (preflight's advice moves it to 0.0.0.0 too)."""
    _, ran = _exec(tmp_path, monkeypatch, "docker-rails-example", ".", ["bundle", "exec", "rails", "s", "-b",
                                                                          "127.0.0.1"], running=False)
    assert ran[ran.index("web", ran.index("run")) + 1:] == ["bundle", "exec", "rails", "s", "-b", "0.0.0.0"]


def test_where_the_engine_cannot_tell_the_server_runs_with_a_note(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    code, ran = _exec(tmp_path, monkeypatch, "docker-rails-example", ".", ["bin/rails", "server"], running=None)
    assert code == 0 and "--service-ports" in ran and "exec" not in ran
    assert ("doctor: note: 'bin/rails' starts a server; if 'web' is up, its ports are taken: stop it first, "
            "`docker compose stop web`") in capfd.readouterr().err


@pytest.mark.parametrize("argv", [["bin/rails", "test"], ["bin/rails", "console"], ["mix", "test"]])
def test_other_commands_still_exec_into_the_running_service(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    name = "docker-phoenix-example" if argv[0] == "mix" else "docker-rails-example"
    code, ran = _exec(tmp_path, monkeypatch, name, ".", argv, running=True)
    assert code == 0 and "exec" in ran and "--service-ports" not in ran
    assert ran[-len(argv):] == argv


def test_a_package_json_script_that_serves_is_not_started_beside_the_running_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """`npm run dev` of `"dev": "vite"` with 'frontend' up: its port is taken; `npm run build` still runs."""
    root = tmp_path / "frontend"
    root.mkdir()
    (root / "Dockerfile").write_text("FROM node:22\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\n")
    (root / "compose.yaml").write_text(
        "services:\n  frontend:\n    build: .\n    ports: ['3000:3000']\n    volumes: ['.:/app']\n")
    (root / "package.json").write_text(
        '{"scripts": {"dev": "vite", "build": "vite build"}, "dependencies": {"react": "18.3.1", "vite": "5.0.0"}}\n')
    env, record = fake_docker(tmp_path)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: True)
    monkeypatch.chdir(root)
    project = Project(ProjectOptions(path=root, env=env))
    assert doctor.execute.execute(["npm", "run", "dev"], project, host) == 1
    assert not record.exists()
    assert ("'npm run dev' starts a server, and 'frontend' is up, serving on the port it publishes (3000)"
            in capfd.readouterr().err)
    assert doctor.execute.execute(["npm", "run", "build"], project, host) == 0
    assert record.read_text().splitlines()[-3:] == ["npm", "run", "build"]


@pytest.mark.parametrize(("words", "served"), [
    (["cross-env", "NODE_ENV=development", "nodemon", "src/index.js"], True),  # node-express-boilerplate's dev
    (["nodemon", "./src/index.js"], True),  # express-rest-boilerplate's dev
    (["cross-env", "NODE_ENV=test", "jest", "-i"], False),
    # a worker, a test watch: nodemon restarts them on each change, and they serve nothing
    (["nodemon", "src/worker.js"], False),
    (["nodemon", "--exec", "jest"], False),
    (["nodemon", "-x", "npm test"], False),
    (["nodemon", "--watch", "src", "jobs/cron.js"], False),
    (["nodemon", "src/worker.js", "--port", "3001"], True),  # a port it names: it listens
    (["nodemon", "--exec", "ts-node", "src/server.ts"], True),
    (["nodemon", "-e", "ts", "--exec", "python manage.py runserver"], True),
])
def test_nodemon_serves_and_cross_env_runs_what_follows(words: list[str], served: bool) -> None:
    from doctor.project.command_roles import serves

    assert serves(words) is served


def test_node_express_boilerplates_npm_run_dev_is_a_server(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """hagopj13/node-express-boilerplate's `"dev": "cross-env NODE_ENV=development nodemon src/index.js"`, its
    compose's own start (`yarn dev -L`): with 'node-app' up, `doctor exec -- npm run dev` ran a `run --rm`
    (the bind hides node_modules) publishing nothing, beside the running app on 3000."""
    code, ran = _exec(tmp_path, monkeypatch, "node-express-boilerplate", ".", ["npm", "run", "dev"], running=True)
    assert (code, ran) == (1, [])
    assert "'npm run dev' starts a server, and 'node-app' is up, serving on the port it publishes (3000)" in (
        capfd.readouterr().err)
    code, ran = _exec(tmp_path / "down", monkeypatch, "node-express-boilerplate", ".", ["npm", "run", "dev"],
                      running=False)
    assert code == 0
    assert ran[ran.index("run"):] == ["run", "--service-ports", "--rm", "-v", "/usr/src/node-app/node_modules", "-T",
                                      "node-app", "npm", "run", "dev"]


def test_preflight_advises_node_express_boilerplates_dev_as_a_server(tmp_path: Path) -> None:
    """The same script in preflight: a `run --service-ports` (its port reaches the host), 'stop node-app first'."""
    from doctor.checks.host_vs_container import HostVsContainer

    root = tmp_path / "neb"
    shutil.copytree(REPLAY / "node-express-boilerplate", root, ignore=shutil.ignore_patterns("SOURCE.md"))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCKER_HOST": "unix:///nonexistent/doctor-test.sock"}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    found = {f.subject: f for f in HostVsContainer().run(Project(ProjectOptions(path=root, env=env)), host)}
    fix = found["node-app:cross-env NODE_ENV=development nodemon src/index.js"].fix
    assert fix is not None and "--service-ports" in fix.command
    assert "(stop 'node-app' first, `docker compose stop node-app`, if it is up: its ports are taken)" in fix.title


def test_a_server_on_a_port_the_service_does_not_publish_runs_beside_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """`runserver 0.0.0.0:8001` while 'web' serves 8000: no clash; a `run` publishing 8001 alone (not the service's
    8000, which `--service-ports` would find taken) starts beside it."""
    argv = ["python3", "src/manage.py", "runserver", "0.0.0.0:8001"]
    code, ran = _exec(tmp_path, monkeypatch, "docker-django-example", ".", argv, running=True)
    assert code == 0
    at = ran.index("run")
    assert ran[at:at + 4] == ["run", "-p", "8001:8001", "--rm"] and "--service-ports" not in ran, ran
    assert ran[-len(argv):] == argv
    assert ("doctor: note: 'web' is up; 'python3' listens on 8001, which it does not publish: a `run` publishing "
            "8001 alone starts beside it") in capfd.readouterr().err


LOCAL_BY_DEFAULT = [  # (replay, folder, typed, what runs in the service)
    # Django's runserver listens on 127.0.0.1:8000 when given no address (docker-django-example's 'web' runs
    # gunicorn; a runserver typed by hand answered "connection reset" through the published 8000)
    ("docker-django-example", ".", ["python3", "src/manage.py", "runserver"],
     ["python3", "src/manage.py", "runserver", "0.0.0.0:8000"]),
    ("docker-django-example", ".", ["python3", "src/manage.py", "runserver", "8000", "--noreload"],
     ["python3", "src/manage.py", "runserver", "0.0.0.0:8000", "--noreload"]),
    ("docker-django-example", ".", ["python3", "src/manage.py", "runserver", "localhost:8000"],
     ["python3", "src/manage.py", "runserver", "0.0.0.0:8000"]),
    # `fastapi dev` and uvicorn listen on 127.0.0.1 (`fastapi run` on 0.0.0.0: left as it is)
    ("fastapi-template", "backend", ["fastapi", "dev", "app/main.py"], ["fastapi", "dev", "app/main.py", "--host",
                                                                       "0.0.0.0"]),
    ("fastapi-template", "backend", ["fastapi", "run", "app/main.py"], ["fastapi", "run", "app/main.py"]),
    ("fastapi-template", "backend", ["python", "-m", "uvicorn", "app.main:app", "--host", "0.0.0.0"],
     ["python", "-m", "uvicorn", "app.main:app", "--host", "0.0.0.0"]),
    # docker-rails-example's config/puma.rb binds tcp://0.0.0.0:8000, which Puma keeps under a bare `rails server`
    ("docker-rails-example", ".", ["bin/rails", "server"], ["bin/rails", "server"]),
]


@pytest.mark.parametrize(("name", "folder", "argv", "told"), LOCAL_BY_DEFAULT)
def test_a_server_that_listens_on_localhost_by_default_is_told_every_interface(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, folder: str, argv: list[str],
        told: list[str]) -> None:
    code, ran = _exec(tmp_path, monkeypatch, name, folder, argv, running=False)
    assert code == 0 and "--service-ports" in ran
    assert ran[-len(told):] == told and ran[-len(told) - 1] in ("web", "backend"), ran


def test_rails_server_without_a_puma_bind_is_told_every_interface(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rails listens on localhost in development since 4.2; Puma's `port 3000` (rails new's config/puma.rb)
    takes that host: only a `bind "tcp://0.0.0.0:..."` there reaches the published port without `-b`."""
    (REPLAY / "docker-rails-example" / "config" / "puma.rb").read_text()  # the replay keeps upstream's
    root = tmp_path / "copy"
    shutil.copytree(REPLAY / "docker-rails-example", root / "docker-rails-example")
    (root / "docker-rails-example" / "config" / "puma.rb").write_text('port ENV.fetch("PORT", 3000)\n')
    monkeypatch.setattr("test_exec_servers.REPLAY", root)
    _, ran = _exec(tmp_path, monkeypatch, "docker-rails-example", ".", ["bin/rails", "server"], running=False)
    assert ran[-4:] == ["bin/rails", "server", "-b", "0.0.0.0"]


@pytest.mark.parametrize(("words", "script", "told"), [
    (["npm", "run", "dev"], "vite", ["npm", "run", "dev", "--", "--host"]),
    (["yarn", "dev"], "vite --port 5173", ["yarn", "dev", "--host"]),
    (["npm", "run", "dev"], "npm run env && vite", ["npm", "run", "dev", "--", "--host"]),
    (["npm", "run", "dev"], "vite --host", ["npm", "run", "dev"]),
    (["npm", "run", "dev"], "next dev -p 8072", ["npm", "run", "dev"]),  # next listens on every interface
    (["npm", "run", "dev"], "vite & tsc --watch", ["npm", "run", "dev"]),  # the words would reach tsc
    (["npm", "run", "serve"], "vite preview", ["npm", "run", "serve", "--", "--host"]),
])
def test_a_package_json_script_that_ends_in_such_a_server_is_passed_the_bind(
        words: list[str], script: str, told: list[str]) -> None:
    from doctor.project.server_binds import script_reachable

    assert script_reachable(words, script) == told


def test_a_vite_config_host_is_what_vite_follows(tmp_path: Path) -> None:
    from doctor.project.server_binds import reachable

    assert reachable(["vite"], tmp_path) == ["vite", "--host"]
    (tmp_path / "vite.config.ts").write_text("export default defineConfig({server: {host: true, port: 5173}})\n")
    assert reachable(["vite"], tmp_path) == ["vite"]


@pytest.mark.parametrize(("words", "told"), [
    (["flask", "--app", "hello", "run", "--debug"], ["flask", "--app", "hello", "run", "--debug", "--host", "0.0.0.0"]),
    (["flask", "run", "-h", "0.0.0.0"], ["flask", "run", "-h", "0.0.0.0"]),
    (["flask", "routes"], ["flask", "routes"]),
    (["uvicorn", "app:app", "--uds", "/tmp/app.sock"], ["uvicorn", "app:app", "--uds", "/tmp/app.sock"]),
    (["python", "manage.py", "runserver", "-6"], ["python", "manage.py", "runserver", "-6"]),
    (["vite", "build"], ["vite", "build"]),
])
def test_what_each_server_takes_to_listen_on_every_interface(words: list[str], told: list[str]) -> None:
    from doctor.project.server_binds import reachable

    assert reachable(words) == told


def _vite_frontend(tmp_path: Path) -> Path:
    root = tmp_path / "frontend"
    root.mkdir()
    (root / "Dockerfile").write_text("FROM node:22\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\n")
    (root / "compose.yaml").write_text(
        "services:\n  frontend:\n    build: .\n    ports: ['5173:5173']\n    volumes: ['.:/app']\n")
    (root / "package.json").write_text(
        '{"scripts": {"dev": "vite", "build": "vite build"}, "dependencies": {"react": "18.3.1", "vite": "5.0.0"}}\n')
    return root


def test_npm_run_dev_of_vite_is_passed_host_after_the_double_dash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """vite listens on localhost unless told `--host`: `doctor exec -- npm run dev` and preflight's advice pass
    it on."""
    from doctor.checks.host_vs_container import HostVsContainer

    root = _vite_frontend(tmp_path)
    env, record = fake_docker(tmp_path)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: False)
    monkeypatch.chdir(root)
    project = Project(ProjectOptions(path=root, env=env))
    assert doctor.execute.execute(["npm", "run", "dev"], project, host) == 0
    assert record.read_text().splitlines()[-6:] == ["frontend", "npm", "run", "dev", "--", "--host"]
    found = {f.subject: f for f in HostVsContainer().run(Project(ProjectOptions(path=root, env=env)), host)}
    fix = found["frontend:vite"].fix
    assert fix is not None and fix.command[-5:] == ("npm", "run", "dev", "--", "--host"), fix.command


def test_preflight_advises_runserver_on_every_interface(tmp_path: Path) -> None:
    """docker-django-example with a Makefile's `run: python3 src/manage.py runserver`: the advised `run
    --service-ports` ran a server on the container's 127.0.0.1, which the published 8000 never reaches."""
    from doctor.checks.host_vs_container import HostVsContainer

    root = tmp_path / "dde"
    shutil.copytree(REPLAY / "docker-django-example", root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copyfile(root / ".env.example", root / ".env")
    (root / "Makefile").write_text(".PHONY: run\nrun:\n\tpython3 src/manage.py runserver\n")
    env = {"PATH": "/nonexistent", "HOME": str(tmp_path), "DOCKER_HOST": "unix:///nonexistent/doctor-test.sock"}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    (found,) = [f for f in HostVsContainer().run(Project(ProjectOptions(path=root, env=env)), host)
                if f.subject == "web:python3 src/manage.py runserver"]
    assert found.fix is not None and found.fix.title.startswith(
        "run it as 'docker compose run --rm -w /app --service-ports web python3 src/manage.py runserver 0.0.0.0:8000'")


@pytest.mark.parametrize("running", [False, True, None])
def test_phps_built_in_server_is_a_server_on_every_interface_and_its_own_port(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str],
        running: bool | None) -> None:
    """dunglas/symfony-docker with no PHP on the host: `doctor exec -- php -S localhost:8000 -t public` went as
    `exec -T php php -S localhost:8000 ...`, no server to doctor, on the container's own localhost, where nothing
    publishes 8000 ('php' publishes 80 and 443): it runs as a `run -p 8000:8000` on 0.0.0.0, beside 'php' or not."""
    code, ran = _exec(tmp_path, monkeypatch, "symfony-docker", ".", ["php", "-S", "localhost:8000", "-t", "public"],
                      running=running)
    assert code == 0
    at = ran.index("run")
    assert ran[at:at + 4] == ["run", "-p", "8000:8000", "--rm"] and "--service-ports" not in ran, ran
    assert ran[-6:] == ["php", "php", "-S", "0.0.0.0:8000", "-t", "public"]
    assert "its ports are taken" not in capfd.readouterr().err  # 8000 clashes with none of them


@pytest.mark.parametrize(("words", "told"), [
    (["php", "artisan", "serve"], ["php", "artisan", "serve", "--host=0.0.0.0"]),
    (["php", "artisan", "serve", "--host=0.0.0.0", "--port=80"], ["php", "artisan", "serve", "--host=0.0.0.0",
                                                                  "--port=80"]),  # laravel/sail's own start
    (["symfony", "serve"], ["symfony", "serve", "--listen-ip=0.0.0.0"]),
    (["symfony", "server:start", "--allow-all-ip"], ["symfony", "server:start", "--allow-all-ip"]),
])
def test_php_servers_are_servers_told_every_interface(words: list[str], told: list[str]) -> None:
    from doctor.project.command_roles import serves
    from doctor.project.server_binds import reachable

    assert serves(words) and reachable(words) == told
    assert not serves(["php", "artisan", "migrate"]) and not serves(["php", "-v"])


# phx.new's config/dev.exs (phoenixframework/phoenix's installer template): Phoenix listens on loopback in dev
PHX_NEW_DEV = """import Config

config :hello, HelloWeb.Endpoint,
  # Binding to loopback ipv4 address prevents access from other machines.
  # Change to `ip: {0, 0, 0, 0}` to allow access from other machines.
  http: [ip: {127, 0, 0, 1}, port: String.to_integer(System.get_env("PORT") || "4000")],
  check_origin: false,
  code_reloader: true
"""


@pytest.mark.parametrize("loopback", [False, True])
def test_mix_phx_server_under_a_loopback_endpoint_config_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], loopback: bool) -> None:
    """`mix phx.server` takes no address: its config/dev.exs (or config.exs, runtime.exs) sets it. docker-phoenix-
    example's config.exs listens on `{0, 0, 0, 0, 0, 0, 0, 0}`: nothing to say; phx.new's dev.exs `ip: {127, 0, 0, 1}`
    is never reached through the published port in the container: the note names the line to change."""
    root = tmp_path / "copy"
    shutil.copytree(REPLAY / "docker-phoenix-example", root / "docker-phoenix-example")
    if loopback:
        (root / "docker-phoenix-example" / "config" / "dev.exs").write_text(PHX_NEW_DEV)
    monkeypatch.setattr("test_exec_servers.REPLAY", root)
    code, ran = _exec(tmp_path, monkeypatch, "docker-phoenix-example", ".", ["mix", "phx.server"], running=False)
    assert code == 0 and ran[-2:] == ["mix", "phx.server"]
    said = ("doctor: note: config/dev.exs:6 has 'mix' listen on 127.0.0.1, which the published port never reaches in "
            "the container: set `ip: {0, 0, 0, 0}` there")
    assert (said in capfd.readouterr().err) is loopback


def test_preflight_says_where_phoenix_listens_on_loopback(tmp_path: Path) -> None:
    from doctor.checks.host_vs_container import HostVsContainer

    root = tmp_path / "dpe"
    shutil.copytree(REPLAY / "docker-phoenix-example", root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copyfile(root / ".env.example", root / ".env")
    (root / "config" / "dev.exs").write_text(PHX_NEW_DEV)
    (root / "Makefile").write_text(".PHONY: run\nrun:\n\tmix phx.server\n")
    env = {"PATH": "/nonexistent", "HOME": str(tmp_path), "DOCKER_HOST": "unix:///nonexistent/doctor-test.sock"}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    (found,) = HostVsContainer().run(Project(ProjectOptions(path=root, env=env)), host)
    assert found.fix is not None and found.fix.title.endswith(
        "(config/dev.exs:6 has it listen on 127.0.0.1, which the published port never reaches in the container: "
        "set `ip: {0, 0, 0, 0}` there)"), found.fix.title


def test_a_script_that_does_not_end_in_its_server_is_said_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """`"dev": "vite & tsc --watch"`: `npm run dev -- --host` would give `--host` to tsc, not vite: the words stay,
    and doctor exec's note and preflight's advice say that vite listens on localhost."""
    from doctor.checks.host_vs_container import HostVsContainer

    root = _vite_frontend(tmp_path)
    (root / "package.json").write_text(
        '{"scripts": {"dev": "vite & tsc --watch"}, "dependencies": {"react": "18.3.1", "vite": "5.0.0"}}\n')
    env, record = fake_docker(tmp_path)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: False)
    monkeypatch.chdir(root)
    assert doctor.execute.execute(["npm", "run", "dev"], Project(ProjectOptions(path=root, env=env)), host) == 0
    assert record.read_text().splitlines()[-4:] == ["frontend", "npm", "run", "dev"]
    assert ("doctor: note: 'npm run dev' runs `vite`, which listens on localhost unless told otherwise, and not at "
            "the end of the script, where what follows `--` would reach it: tell it 0.0.0.0 in package.json"
            ) in capfd.readouterr().err
    (found,) = [f for f in HostVsContainer().run(Project(ProjectOptions(path=root, env=env)), host)
                if f.subject == "frontend:vite & tsc --watch"]
    assert found.fix is not None and found.fix.command[-3:] == ("npm", "run", "dev")
    assert ("(`vite` listens on localhost unless told otherwise, and the script does not end in it, where what "
            "follows `--` would reach it: tell it 0.0.0.0 in package.json)") in found.fix.title


@pytest.mark.parametrize("argv", [["npx", "nodemon", "src/worker.js"], ["npx", "nodemon", "--exec", "jest"]])
def test_nodemon_of_a_worker_or_a_test_run_publishes_no_port(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    """node-express-boilerplate with a worker beside its app: `nodemon src/worker.js` ran as a server, a `run
    --service-ports` holding the app's 3000 (and was refused outright with 'node-app' up)."""
    code, ran = _exec(tmp_path, monkeypatch, "node-express-boilerplate", ".", argv, running=False)
    assert code == 0 and "run" in ran and "--service-ports" not in ran and ran[-len(argv):] == argv, ran
