"""leaked-host-port and service-name-drift on a Go service: awesome-compose's nginx-golang-postgres.

tests/replay/awesome-compose-nginx-golang-postgres builds `backend` from a Go module whose connect()
dials `postgres://postgres:%s@db:5432/example`; `backend` depends on `db` (postgres, `expose: 5432`).
The faults are planted as a developer makes them: the port read from DB_PORT while db publishes
`${DB_PORT}:5432` with DB_PORT=5433 in a copied `.env`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dial_checks import edit as _edit
from dial_checks import fix_env as _fix
from dial_checks import found as _found
from dial_checks import shown as _shown
from fake_docker_engine import linux_engine_env

UPSTREAM = Path(__file__).parent / "replay" / "awesome-compose-nginx-golang-postgres"
MAIN = Path("backend/main.go")
DIAL = '"postgres://postgres:%s@db:5432/example?sslmode=disable", string(bin)'


def _app(tmp_path: Path) -> Path:
    root = tmp_path / "nginx-golang-postgres"
    shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    return root


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    yield from linux_engine_env(tmp_path)


def test_the_project_as_cloned_gives_nothing(tmp_path: Path, env: dict[str, str]) -> None:
    assert _found(_app(tmp_path), env) == []


def test_a_port_variable_of_the_server_it_depends_on_is_its_host_port(tmp_path: Path, env: dict[str, str]) -> None:
    """DB_PORT names no server family, and no DB_HOST sits beside it: the Go code writes `@db:%s` itself.
    `backend` reads DB_PORT and depends on `db`, whose mapping publishes it: it dials db:5433."""
    root = _app(tmp_path)
    _edit(root / MAIN, DIAL, DIAL.replace("@db:5432", "@db:%s") + ', os.Getenv("DB_PORT")')
    _edit(root / "compose.yaml", "      target: builder\n", "      target: builder\n    env_file: .env\n")
    _edit(root / "compose.yaml", "    expose:\n      - 5432", "    ports:\n      - ${DB_PORT}:5432")
    (root / ".env").write_text("DB_PORT=5433\n")
    assert _shown(root, _found(root, env)) == [
        ("leaked-host-port", ".env", 1, "DB_PORT=5433 is the host port of 'db', which listens on 5432 inside the "
                                        "network ('backend' reads DB_PORT in backend/main.go)")]
    _fix(root, env)
    assert 'DB_PORT: "5432"' in (root / "compose.override.yaml").read_text()
    assert _found(root, env) == []


def test_a_port_variable_of_a_server_it_does_not_depend_on_is_not_judged(tmp_path: Path,
                                                                         env: dict[str, str]) -> None:
    root = _app(tmp_path)
    _edit(root / MAIN, DIAL, DIAL.replace("@db:5432", "@db:%s") + ', os.Getenv("DB_PORT")')
    _edit(root / "compose.yaml", "      target: builder\n", "      target: builder\n    env_file: .env\n")
    _edit(root / "compose.yaml", "    depends_on:\n      db:\n        condition: service_healthy\n", "")
    _edit(root / "compose.yaml", "    expose:\n      - 5432", "    ports:\n      - ${DB_PORT}:5432")
    (root / ".env").write_text("DB_PORT=5433\n")
    assert _found(root, env) == []


CONFIG = '''type Config struct {
	DBHost string `env:"DB_HOST" envDefault:"localhost"`
}

'''
HELPER = '''func getEnv(key, fallback string) string {
	if value, ok := os.LookupEnv(key); ok {
		return value
	}
	return fallback
}

'''


def _host_from(root: Path, code: str, dial: str) -> None:
    """connect() dials the host the code reads (`dial`, a Go expression) in place of the literal `db`."""
    _edit(root / MAIN, "func connect() (*sql.DB, error) {", code + "func connect() (*sql.DB, error) {")
    _edit(root / MAIN, DIAL, DIAL.replace("@db:5432", "@%s:5432") + f", {dial}")


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize(("code", "dial", "written"), [
    (CONFIG, "cfg.DBHost", 'envDefault:"localhost"'),
    (HELPER, 'getEnv("DB_HOST", "localhost")', 'getEnv("DB_HOST", "localhost")'),
    ("", 'cmp.Or(os.Getenv("DB_HOST"), "localhost")', "cmp.Or("),
])
def test_a_localhost_default_in_go_code_dials_the_app_container_and_settles_in_one_fix(
        tmp_path: Path, env: dict[str, str], code: str, dial: str, written: str) -> None:
    root = _app(tmp_path)
    _host_from(root, code, dial)
    if code == CONFIG:
        _edit(root / MAIN, "\tbin, err := ioutil.ReadFile", "\tvar cfg Config\n\tbin, err := ioutil.ReadFile")
    assert _shown(root, _found(root, env)) == [
        ("leaked-host-port", MAIN.as_posix(), _line_of(root / MAIN, written),
         "DB_HOST=localhost is 'backend' itself in its container (did you mean 'db'?): 'backend' reads DB_HOST "
         "in backend/main.go")]
    _fix(root, env)
    assert "DB_HOST: db" in (root / "compose.override.yaml").read_text()
    assert _found(root, env) == []


def test_a_default_naming_no_service_is_rewritten_in_place(tmp_path: Path, env: dict[str, str]) -> None:
    root = _app(tmp_path)
    _host_from(root, HELPER, 'getEnv("DB_HOST", "postgresserver")')
    assert _shown(root, _found(root, env)) == [
        ("service-name-drift", MAIN.as_posix(), _line_of(root / MAIN, "postgresserver"),
         "DB_HOST=postgresserver names no service on the network (did you mean 'db'?)")]
    _fix(root, env)
    assert 'getEnv("DB_HOST", "db")' in (root / MAIN).read_text()
    assert _found(root, env) == []


def test_viper_defaults_are_read_under_its_prefix(tmp_path: Path, env: dict[str, str]) -> None:
    root = _app(tmp_path)
    viper = ('func init() {\n\tviper.SetEnvPrefix("app")\n\tviper.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))\n'
             '\tviper.AutomaticEnv()\n\tviper.SetDefault("db.host", "localhost")\n}\n\n')
    _host_from(root, viper, 'viper.GetString("db.host")')
    found = _found(root, env)
    assert [(c, p, n) for c, p, n, _ in _shown(root, found)] == [
        ("leaked-host-port", MAIN.as_posix(), _line_of(root / MAIN, "SetDefault"))]
    assert found[0].message.startswith("APP_DB_HOST=localhost is 'backend' itself")


def test_what_compose_sets_wins_and_a_setenv_is_no_default(tmp_path: Path, env: dict[str, str]) -> None:
    root = _app(tmp_path)
    _host_from(root, CONFIG, "cfg.DBHost")
    _edit(root / "compose.yaml", "      target: builder\n", "      target: builder\n    environment:\n"
                                                             "      DB_HOST: db\n")
    assert _found(root, env) == []
    root = _app(tmp_path / "setenv")
    _host_from(root, "", 'os.Getenv("DB_HOST")')
    _edit(root / MAIN, "\tbin, err := ioutil.ReadFile", '\tos.Setenv("DB_HOST", "localhost")\n'
                                                         "\tbin, err := ioutil.ReadFile")
    assert _found(root, env) == []


def _godotenv(root: Path, load: str = "\tgodotenv.Load()\n") -> None:
    _host_from(root, "", 'os.Getenv("DB_HOST")')
    _edit(root / MAIN, '"github.com/gorilla/mux"', '"github.com/gorilla/mux"\n\t"github.com/joho/godotenv"')
    _edit(root / MAIN, "func main() {\n", "func main() {\n" + load)
    (root / "backend" / ".env").write_text("# made on the host\nDB_HOST=localhost\n")


def test_a_dotenv_godotenv_loads_in_the_container_is_the_services_env(tmp_path: Path, env: dict[str, str]) -> None:
    """`COPY . .` puts backend/.env in /code, the builder stage's WORKDIR, where godotenv.Load() reads it:
    compose sets no DB_HOST, so the Go app dials its own container."""
    root = _app(tmp_path)
    _godotenv(root)
    assert _shown(root, _found(root, env)) == [
        ("leaked-host-port", "backend/.env", 2, "DB_HOST=localhost is 'backend' itself in its container (did you "
                                                "mean 'db'?): 'backend' reads DB_HOST in backend/main.go")]
    _fix(root, env)
    assert "DB_HOST: db" in (root / "compose.override.yaml").read_text()
    assert _found(root, env) == []


def test_a_dotenv_that_stays_out_of_the_image_or_is_overridden_is_not_read(tmp_path: Path,
                                                                           env: dict[str, str]) -> None:
    root = _app(tmp_path / "scratch")
    _godotenv(root)
    _edit(root / "compose.yaml", "      target: builder\n", "")  # the final stage copies the binary alone
    assert _found(root, env) == []
    root = _app(tmp_path / "named")
    _godotenv(root, '\tgodotenv.Load(".env.docker")\n')
    assert _found(root, env) == []  # it loads another file, absent here
    root = _app(tmp_path / "compose")
    _godotenv(root)
    _edit(root / "compose.yaml", "      target: builder\n", "      target: builder\n    environment:\n"
                                                             "      DB_HOST: db\n")
    assert _found(root, env) == []


VIPER = ('func init() {\n\tviper.SetEnvPrefix("app")\n\tviper.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))\n'
         '\tviper.AutomaticEnv()\n}\n\n')


@pytest.mark.parametrize(("value", "check"), [("localhost", "leaked-host-port"),
                                              ("postgresserver", "service-name-drift")])
def test_a_variable_viper_reads_by_its_key_is_the_services(tmp_path: Path, env: dict[str, str], value: str,
                                                           check: str) -> None:
    """`viper.GetString("db.host")` under AutomaticEnv reads APP_DB_HOST, a name the code never writes: the
    shared `.env` line (every service's file) is judged for the service reading it."""
    root = _app(tmp_path)
    _host_from(root, VIPER, 'viper.GetString("db.host")')
    _edit(root / "compose.yaml", "      target: builder\n", "      target: builder\n    env_file: .env\n")
    (root / ".env").write_text(f"APP_DB_HOST={value}\n")
    found = _found(root, env)
    assert [(c, p, n) for c, p, n, _ in _shown(root, found)] == [(check, ".env", 1)]
    if check == "leaked-host-port":
        assert found[0].message.endswith("'backend' reads APP_DB_HOST in backend/main.go")
    _fix(root, env)
    assert _found(root, env) == []


def test_a_call_that_names_a_variable_is_no_fallback(tmp_path: Path, env: dict[str, str]) -> None:
    """viper's `BindEnv("host", "DB_HOST")` says which variable sets a key: DB_HOST is no host of 'host'."""
    root = _app(tmp_path)
    _host_from(root, 'func init() {\n\tviper.BindEnv("host", "DB_HOST")\n\tviper.BindEnv("DB_HOST", "PGHOST")\n}\n\n',
               'viper.GetString("host")')
    assert _found(root, env) == []


def test_an_example_beside_the_program_is_not_its_code(tmp_path: Path, env: dict[str, str]) -> None:
    root = _app(tmp_path)
    _host_from(root, "", 'os.Getenv("DB_HOST")')
    _edit(root / "compose.yaml", "      target: builder\n", "      target: builder\n    environment:\n"
                                                             "      DB_HOST: db\n")
    example = root / "backend" / "examples" / "client" / "main.go"
    example.parent.mkdir(parents=True)
    example.write_text('package main\n\ntype Config struct {\n'
                       '\tCache string `env:"REDIS_HOST" envDefault:"localhost"`\n}\n')
    _edit(root / "compose.yaml", "\n  db:\n", "\n  redis:\n    image: redis\n\n  db:\n")
    assert _found(root, env) == []


def test_a_program_the_service_does_not_build_is_not_its_code(tmp_path: Path, env: dict[str, str]) -> None:
    """`go build ... main.go` builds the module's root package: a host-side CLI in cmd/apicli (its own
    `package main`) is another program, while a library package beside it may be imported."""
    root = _app(tmp_path)
    cli = root / "backend" / "cmd" / "apicli" / "main.go"
    cli.parent.mkdir(parents=True)
    cli.write_text('package main\n\nfunc main() { _ = getEnv("DB_HOST", "localhost") }\n')
    assert _found(root, env) == []
    store = root / "backend" / "store" / "store.go"
    store.parent.mkdir()
    store.write_text('package store\n\nvar Host = getEnv("DB_HOST", "localhost")\n')
    assert [(c, p, n) for c, p, n, _ in _shown(root, _found(root, env))] == [
        ("leaked-host-port", "backend/store/store.go", 3)]


def test_each_service_reads_the_command_its_build_args_pick(tmp_path: Path, env: dict[str, str]) -> None:
    """One module, `cmd/api` and `cmd/worker`, both built from the folder with `ARG CMD` and
    `go build ./cmd/${CMD}`: each service's code is its own command's."""
    root = _app(tmp_path)
    _edit(root / "backend" / "Dockerfile", "go build -o bin/backend main.go", "go build -o bin/backend ./cmd/${CMD}")
    _edit(root / "backend" / "Dockerfile", "WORKDIR /code\n", "WORKDIR /code\nARG CMD\n")
    for name, key in (("api", "DB_HOST"), ("worker", "REDIS_HOST")):
        command = root / "backend" / "cmd" / name / "main.go"
        command.parent.mkdir(parents=True)
        command.write_text(f'package main\n\nfunc main() {{ _ = getEnv("{key}", "localhost") }}\n')
    _edit(root / "compose.yaml", "      target: builder\n", "      target: builder\n      args: {CMD: api}\n"
                                                             "    environment:\n      DB_HOST: db\n")
    _edit(root / "compose.yaml", "\n  db:\n", "\n  worker:\n    build: {context: backend, target: builder, args: "
                                              "{CMD: worker}}\n    environment:\n      REDIS_HOST: redis\n"
                                              "\n  redis:\n    image: redis\n\n  db:\n")
    assert _found(root, env) == []


@pytest.mark.parametrize("build", ["go build -o bin/ ./cmd/...",
                                   "go build -o bin/api ./cmd/api && go build -o bin/worker ./cmd/worker",
                                   "go vet ./... && go build ./... && go build -o bin/api ./cmd/api && "
                                   "go build -o bin/worker ./cmd/worker"])
def test_each_service_reads_the_program_its_command_runs_of_several_built(tmp_path: Path, env: dict[str, str],
                                                                          build: str) -> None:
    """One image builds `cmd/api` and `cmd/worker`; 'backend' runs /code/bin/api, 'worker' /code/bin/worker:
    each reads its own program's defaults (the binary's `-o` name, or its package folder's); a service whose
    program stays unknown reads neither."""
    root = _app(tmp_path)
    _edit(root / "backend" / "Dockerfile", "go build -o bin/backend main.go", build)
    for name, key in (("api", "DB_HOST"), ("worker", "REDIS_HOST")):
        command = root / "backend" / "cmd" / name / "main.go"
        command.parent.mkdir(parents=True)
        command.write_text(f'package main\n\nfunc main() {{ _ = getEnv("{key}", "localhost") }}\n')
    _edit(root / "compose.yaml", "      target: builder\n", '      target: builder\n    command: ["/code/bin/api"]\n'
                                                             "    environment:\n      DB_HOST: db\n")
    worker = ('\n  worker:\n    build: {context: backend, target: builder}\n    command: ["/code/bin/worker"]\n'
              "    environment:\n      REDIS_HOST: redis\n\n  redis:\n    image: redis\n\n  db:\n")
    _edit(root / "compose.yaml", "\n  db:\n", worker)
    assert _found(root, env) == []
    _edit(root / "compose.yaml", "    environment:\n      DB_HOST: db\n", "")
    assert [(c, p, n) for c, p, n, _ in _shown(root, _found(root, env))] == [
        ("leaked-host-port", "backend/cmd/api/main.go", 3)]
    _edit(root / "compose.yaml", '    command: ["/code/bin/api"]\n', "")  # the image's CMD, /code/bin/backend
    assert _found(root, env) == []


NESTED = '''package main

type DBConfig struct {
\tURL string `env:"URL" envDefault:"postgres://postgres@localhost:5432/example"`
}

type Config struct {
\tDB DBConfig `envPrefix:"DATABASE_"`
\tCache struct {
\t\tAddr string `env:"ADDR" envDefault:"localhost:6379"`
\t} `envPrefix:"REDIS_"`
}
'''


def test_a_tag_under_an_env_prefix_reads_the_prefixed_variable(tmp_path: Path, env: dict[str, str]) -> None:
    """caarlos0/env reads `env:"URL"` in a struct nested under `envPrefix:"DATABASE_"` as DATABASE_URL: what
    compose sets there wins; left unset, the default is DATABASE_URL's, never a variable named URL."""
    root = _app(tmp_path)
    (root / "backend" / "config.go").write_text(NESTED)
    _edit(root / "compose.yaml", "\n  db:\n", "\n  redis:\n    image: redis\n\n  db:\n")
    _edit(root / "compose.yaml", "      target: builder\n", "      target: builder\n    environment:\n"
                                 "      DATABASE_URL: postgres://postgres@db:5432/example\n"
                                 "      REDIS_ADDR: redis:6379\n")
    assert _found(root, env) == []
    _edit(root / "compose.yaml", "      DATABASE_URL: postgres://postgres@db:5432/example\n", "")
    assert [(p, n, m.split(" host ")[0]) for _, p, n, m in _shown(root, _found(root, env))] == [
        ("backend/config.go", 4, "DATABASE_URL")]
    # the type nested from another file: the chain is not this file's to tell, so its tag is not read
    (root / "backend" / "config.go").write_text(NESTED.split("type Config")[0])
    (root / "backend" / "nest.go").write_text("package main\n\ntype Config struct {\n"
                                              "\tDB DBConfig `envPrefix:\"DATABASE_\"`\n}\n")
    assert _found(root, env) == []


VIPER_FILE = ('func init() {\n\tviper.SetConfigName("config")\n\tviper.AddConfigPath(".")\n'
              '\tviper.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))\n\tviper.AutomaticEnv()\n'
              '\tviper.SetDefault("db.host", "localhost")\n\t_ = viper.ReadInConfig()\n}\n\n')


@pytest.mark.parametrize(("config", "code", "lines"), [
    ("db:\n  host: db\n", VIPER_FILE, []),  # the config file viper reads sets the key: the default is not used
    ("db:\n  port: 5432\n", VIPER_FILE, ["SetDefault"]),  # it sets others
    ('{"DB": {"Host": "db"}}', VIPER_FILE.replace('SetConfigName("config")\n\tviper.AddConfigPath(".")',
                                                  'SetConfigFile("settings.json")'), []),
    ("db:\n  port: 5432\n", VIPER_FILE.replace('"config"', 'os.Getenv("CONFIG_NAME")'), []),  # which file: unknown
])
def test_a_viper_default_the_config_file_sets_is_not_used(tmp_path: Path, env: dict[str, str], config: str,
                                                          code: str, lines: list[str]) -> None:
    root = _app(tmp_path)
    _host_from(root, code, 'viper.GetString("db.host")')
    name = "settings.json" if "settings.json" in code else "config.yaml"
    (root / "backend" / name).write_text(config)
    assert [n for _, _, n, _ in _shown(root, _found(root, env))] == [_line_of(root / MAIN, t) for t in lines]


def test_every_default_of_a_variable_is_judged_not_only_the_first(tmp_path: Path, env: dict[str, str]) -> None:
    """main.go falls back to `db`, right; a second file of the program to `postgresserver`: that one is
    reported, and one fix run settles it."""
    root = _app(tmp_path)
    _host_from(root, HELPER, 'getEnv("DB_HOST", "db")')
    migrate = root / "backend" / "migrate.go"
    migrate.write_text('package main\n\nvar migrateHost = getEnv("DB_HOST", "postgresserver")\n')
    assert _shown(root, _found(root, env)) == [
        ("service-name-drift", "backend/migrate.go", 3,
         "DB_HOST=postgresserver names no service on the network (did you mean 'db'?)")]
    _fix(root, env)
    assert 'getEnv("DB_HOST", "db")' in migrate.read_text()
    assert _found(root, env) == []
    # a localhost beside it: compose's DB_HOST, set by the fix, replaces every default at once
    migrate.write_text('package main\n\nvar migrateHost = getEnv("DB_HOST", "localhost")\n')
    assert [(c, p, n) for c, p, n, _ in _shown(root, _found(root, env))] == [
        ("leaked-host-port", "backend/migrate.go", 3)]
    _fix(root, env)
    assert _found(root, env) == []


@pytest.mark.parametrize(("verb", "args", "packages"), [
    ("build", " -o /app -ldflags '-s -w' ./cmd/api", ["cmd/api"]),
    ("build", " -o bin/backend main.go", ["."]),
    ("build", "", ["."]),  # the working dir's package
    ("run", " ./cmd/worker --queue default", ["cmd/worker"]),  # the program's own arguments are no package
    ("install", " github.com/air-verse/air@latest", []),  # another module's tool names none of this one
    ("build", " ./cmd/${CMD}", None),  # a build arg left unfilled: unknown
])
def test_the_packages_a_go_command_names(verb: str, args: str, packages: list[str] | None) -> None:
    from doctor.project.go_build import _packages

    assert _packages(verb, args) == packages


def test_two_wrong_defaults_of_one_variable_are_both_reported_and_settle_in_one_fix_run(
        tmp_path: Path, env: dict[str, str]) -> None:
    """a_store.go falls back to `postgresserver`, migrate.go to `postgres-server`: the app dials both (each
    where its package reads DB_HOST). Before, only a_store.go's was reported, and `doctor fix` rewrote it
    alone: the second run found migrate.go's. Each is now a finding of its own, fixed in the same run."""
    root = _app(tmp_path)
    _host_from(root, HELPER, "storeHost")
    store, migrate = root / "backend" / "a_store.go", root / "backend" / "migrate.go"
    store.write_text('package main\n\nvar storeHost = getEnv("DB_HOST", "postgresserver")\n')
    migrate.write_text('package main\n\nvar migrateHost = getEnv("DB_HOST", "postgres-server")\n'
                       '\nvar replicaHost = getEnv("DB_HOST", "postgres_server")\n')
    found = _found(root, env)
    assert _shown(root, found) == [
        ("service-name-drift", "backend/a_store.go", 3,
         "DB_HOST=postgresserver names no service on the network (did you mean 'db'?)"),
        ("service-name-drift", "backend/migrate.go", 3,
         "DB_HOST=postgres-server names no service on the network (did you mean 'db'?)"),
        ("service-name-drift", "backend/migrate.go", 5,
         "DB_HOST=postgres_server names no service on the network (did you mean 'db'?)")]
    assert len({f.fingerprint for f in found}) == 3
    _fix(root, env)
    assert 'getEnv("DB_HOST", "db")' in store.read_text()
    assert migrate.read_text().count('getEnv("DB_HOST", "db")') == 2
    assert _found(root, env) == []


def test_a_variable_compose_sets_reads_none_of_its_defaults(tmp_path: Path, env: dict[str, str]) -> None:
    """compose's DB_HOST replaces every default of the code: none is judged."""
    root = _app(tmp_path)
    _host_from(root, HELPER, "storeHost")
    backend = root / "backend"
    (backend / "a_store.go").write_text('package main\n\nvar storeHost = getEnv("DB_HOST", "postgresserver")\n')
    (backend / "migrate.go").write_text('package main\n\nvar other = getEnv("DB_HOST", "postgres-server")\n')
    target = "      target: builder\n"
    _edit(root / "compose.yaml", target, target + "    environment:\n      DB_HOST: db\n")
    assert _found(root, env) == []


def test_a_localhost_default_beside_a_wrong_one_is_reported_with_it(tmp_path: Path, env: dict[str, str]) -> None:
    """a_store.go falls back to `postgresserver`, migrate.go to `localhost`: before, only a_store.go's was
    reported (the fix run found migrate.go's after rewriting it). Both are now, and one run settles both:
    the rewrite, and compose's DB_HOST, which replaces every default."""
    root = _app(tmp_path)
    _host_from(root, HELPER, "storeHost")
    backend = root / "backend"
    (backend / "a_store.go").write_text('package main\n\nvar storeHost = getEnv("DB_HOST", "postgresserver")\n')
    (backend / "migrate.go").write_text('package main\n\nvar migrateHost = getEnv("DB_HOST", "localhost")\n')
    assert sorted((c, p, n) for c, p, n, _ in _shown(root, _found(root, env))) == [
        ("leaked-host-port", "backend/migrate.go", 3), ("service-name-drift", "backend/a_store.go", 3)]
    _fix(root, env)
    assert 'DB_HOST: db' in (root / "compose.override.yaml").read_text()
    assert _found(root, env) == []
