"""leaked-host-port and service-name-drift on a Spring Boot app's application.properties / application.yml.

docker/awesome-compose's spring-postgres (tests/replay/awesome-compose-spring-postgres) builds its
backend with Maven and dials `spring.datasource.url=jdbc:postgresql://db:5432/${POSTGRES_DB}` from
src/main/resources/application.properties, packed in the jar. The same file written for the host
(`localhost:5432`, a `${DB_HOST:localhost}` default), naming another setup's server (`postgresserver`)
or the host port db publishes (`db:5433` behind `5433:5432`) passed preflight while the app failed
to connect from its container: compose sets no SPRING_DATASOURCE_URL, which by Spring's relaxed
binding would replace it. The property is now the app's value of SPRING_DATASOURCE_URL at its line:
one fix sets the variable in compose (a dev override), or rewrites the drifted name in place.
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

UPSTREAM = Path(__file__).parent / "replay" / "awesome-compose-spring-postgres"
PROPERTIES = Path("backend/src/main/resources/application.properties")
URL = "spring.datasource.url=jdbc:postgresql://db:5432/${POSTGRES_DB}"


def _app(tmp_path: Path, url: str = URL, backend_env: str = "") -> Path:
    root = tmp_path / "spring-postgres"
    shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    _edit(root / PROPERTIES, URL, url)
    if backend_env:
        _edit(root / "compose.yaml", "      - POSTGRES_DB=example\n    networks:",
              f"      - POSTGRES_DB=example\n{backend_env}    networks:")
    return root


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    yield from linux_engine_env(tmp_path)


def test_the_project_as_cloned_gives_nothing(tmp_path: Path, env: dict[str, str]) -> None:
    assert _found(_app(tmp_path), env) == []


LOCALHOST = ("leaked-host-port", PROPERTIES.as_posix(), 5,
             "SPRING_DATASOURCE_URL host 'localhost' is 'backend' itself in its container (did you mean 'db'?): "
             "'backend' reads it as a Spring Boot property of application.properties, which compose's "
             "SPRING_DATASOURCE_URL overrides")


@pytest.mark.parametrize(("url", "fixed"), [
    ("spring.datasource.url=jdbc:postgresql://localhost:5432/${POSTGRES_DB}", "db:5432"),
    ("spring.datasource.url=jdbc:postgresql://${DB_HOST:localhost}:5432/${POSTGRES_DB}", "db:5432"),
    ("spring.datasource.url: jdbc:postgresql://localhost/${POSTGRES_DB}", "db")])
def test_a_localhost_url_dials_the_app_container_and_settles_in_one_fix(
        tmp_path: Path, env: dict[str, str], url: str, fixed: str) -> None:
    root = _app(tmp_path, url)
    found = _found(root, env)
    assert _shown(root, found) == [LOCALHOST]
    _fix(root, env)
    assert f'SPRING_DATASOURCE_URL: "jdbc:postgresql://{fixed}/example"' in (
        root / "compose.override.yaml").read_text()
    assert _found(root, env) == []


def test_what_compose_sets_wins_over_the_file(tmp_path: Path, env: dict[str, str]) -> None:
    """Relaxed binding: SPRING_DATASOURCE_URL replaces the property; DB_HOST fills its placeholder."""
    local = "spring.datasource.url=jdbc:postgresql://localhost:5432/${POSTGRES_DB}"
    assert _found(_app(tmp_path / "a", local, "      - SPRING_DATASOURCE_URL=jdbc:postgresql://db/example\n"),
                  env) == []
    placeholder = "spring.datasource.url=jdbc:postgresql://${DB_HOST:localhost}:5432/${POSTGRES_DB}"
    assert _found(_app(tmp_path / "b", placeholder, "      - DB_HOST=db\n"), env) == []


def test_a_name_no_service_has_is_rewritten_in_place(tmp_path: Path, env: dict[str, str]) -> None:
    root = _app(tmp_path, URL.replace("//db:", "//postgresserver:"))
    assert _shown(root, _found(root, env)) == [
        ("service-name-drift", PROPERTIES.as_posix(), 5,
         "SPRING_DATASOURCE_URL host 'postgresserver' names no service on the network (did you mean 'db'?)")]
    _fix(root, env)
    assert URL in (root / PROPERTIES).read_text()
    assert _found(root, env) == []


def test_the_host_port_db_publishes_is_leaked(tmp_path: Path, env: dict[str, str]) -> None:
    root = _app(tmp_path, URL.replace("//db:5432", "//db:5433"))
    _edit(root / "compose.yaml", "    expose:\n      - 5432", "    ports:\n      - 5433:5432")
    found = _found(root, env)
    assert [(c, p, n) for c, p, n, _ in _shown(root, found)] == [("leaked-host-port", PROPERTIES.as_posix(), 5)]
    assert found[0].message.startswith("SPRING_DATASOURCE_URL dials db:5433, the host port of 'db', which listens "
                                       "on 5432 inside the network")
    _fix(root, env)
    assert _found(root, env) == []


YAML = """spring:
  datasource:
    url: jdbc:postgresql://localhost:5432/example
---
spring:
  config:
    activate:
      on-profile: docker
  datasource:
    url: jdbc:postgresql://{host}:5432/example
"""


def test_the_active_profile_decides(tmp_path: Path, env: dict[str, str]) -> None:
    """A YAML document under `on-profile: docker` replaces the base one where SPRING_PROFILES_ACTIVE names it."""
    root = _app(tmp_path)
    (root / PROPERTIES).unlink()
    resources = root / PROPERTIES.parent
    (resources / "application.yml").write_text(YAML.format(host="db"))
    assert [(c, p, n) for c, p, n, _ in _shown(root, _found(root, env))] == [
        ("leaked-host-port", "backend/src/main/resources/application.yml", 3)]
    _edit(root / "compose.yaml", "      - POSTGRES_DB=example\n    networks:",
          "      - POSTGRES_DB=example\n      - SPRING_PROFILES_ACTIVE=docker\n    networks:")
    assert _found(root, env) == []
    (resources / "application.yml").write_text(YAML.format(host="postgres"))
    assert [(c, p, n) for c, p, n, _ in _shown(root, _found(root, env))] == [
        ("service-name-drift", "backend/src/main/resources/application.yml", 10)]
    (resources / "application.yml").write_text(YAML.format(host="db"))
    (resources / "application-docker.properties").write_text(
        "spring.datasource.url=jdbc:postgresql://${DB_HOST:localhost}:5432/example\n")
    assert [(c, p, n) for c, p, n, _ in _shown(root, _found(root, env))] == [
        ("leaked-host-port", "backend/src/main/resources/application-docker.properties", 1)]


def test_an_app_compose_does_not_build_is_not_read(tmp_path: Path, env: dict[str, str]) -> None:
    """spring-petclinic's compose holds only the databases: its app runs on the host, where localhost is right."""
    root = _app(tmp_path, URL.replace("//db:", "//localhost:"))
    _edit(root / "compose.yaml", "    build: backend\n", "    image: eclipse-temurin:17-jre-focal\n")
    assert _found(root, env) == []
    root = _app(tmp_path / "no-boot", URL.replace("//db:", "//localhost:"))
    (root / "backend" / "pom.xml").write_text("<project><artifactId>plain</artifactId></project>\n")
    assert _found(root, env) == []


REACT_JAVA_MYSQL = Path(__file__).parent / "replay" / "awesome-compose-react-java-mysql"


def test_a_drifted_host_means_the_server_of_its_family_not_another_peer_exposing_the_port(
        tmp_path: Path, env: dict[str, str]) -> None:
    """awesome-compose's react-java-mysql: the node `frontend` exposes 3306 and 33060 too (upstream's own
    lines), `db` runs mariadb. MYSQL_HOST=mysqlserver meant `db`; doctor said 'frontend' and its fix wrote it."""
    root = tmp_path / "react-java-mysql"
    shutil.copytree(REACT_JAVA_MYSQL, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    assert _found(root, env) == []
    _edit(root / "compose.yaml", "MYSQL_HOST: db", "MYSQL_HOST: mysqlserver")
    assert _shown(root, _found(root, env)) == [
        ("service-name-drift", "compose.yaml", 8,
         "MYSQL_HOST=mysqlserver names no service on the network (did you mean 'db'?)")]
    _fix(root, env)
    assert "MYSQL_HOST: db" in (root / "compose.yaml").read_text()
    assert _found(root, env) == []


def test_a_shared_env_line_spring_binds_is_read_by_the_app(tmp_path: Path, env: dict[str, str]) -> None:
    """`.env` (every service's file, loaded by `env_file: .env`) sets SPRING_DATASOURCE_URL, a name no file of
    the app writes: Spring Boot binds it over spring.datasource.url, so the app reads it."""
    root = _app(tmp_path)
    _edit(root / "compose.yaml", "    build: backend\n", "    build: backend\n    env_file: .env\n")
    (root / ".env").write_text("SPRING_DATASOURCE_URL=jdbc:postgresql://localhost:5432/example\n")
    assert _shown(root, _found(root, env)) == [
        ("leaked-host-port", ".env", 1,
         "SPRING_DATASOURCE_URL host 'localhost' is 'backend' itself in its container (did you mean 'db'?): "
         f"'backend' reads SPRING_DATASOURCE_URL in {PROPERTIES.as_posix()}")]
    _fix(root, env)
    assert _found(root, env) == []


PETCLINIC = Path(__file__).parent / "replay" / "spring-petclinic"
APP = """  app:
    image: eclipse-temurin:17
    working_dir: /app
    command: ./mvnw spring-boot:run
    volumes:
      - .:/app
    environment:
      - SPRING_PROFILES_ACTIVE={profile}
    depends_on:
      - {profile}
"""


def _petclinic(tmp_path: Path, profile: str | None) -> Path:
    root = tmp_path / "spring-petclinic"
    shutil.copytree(PETCLINIC, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / "conf.d").mkdir()
    if profile is not None:
        with (root / "docker-compose.yml").open("a") as compose:
            compose.write(APP.format(profile=profile))
    return root


def test_petclinic_runs_its_app_on_the_host_where_localhost_is_right(tmp_path: Path, env: dict[str, str]) -> None:
    """spring-projects/spring-petclinic's compose holds only mysql and postgres: `./mvnw spring-boot:run
    -Dspring-boot.run.profiles=postgres` on the host dials `jdbc:postgresql://localhost/petclinic`."""
    assert _found(_petclinic(tmp_path, None), env) == []


@pytest.mark.parametrize(("profile", "line", "url"), [("postgres", 3, "jdbc:postgresql://postgres/petclinic"),
                                                      ("mysql", 3, "jdbc:mysql://mysql/petclinic")])
def test_petclinic_moved_into_compose_dials_its_profiles_default(tmp_path: Path, env: dict[str, str], profile: str,
                                                                 line: int, url: str) -> None:
    """The same app moved into compose (the repository bound, `spring-boot:run` under SPRING_PROFILES_ACTIVE):
    application-postgres.properties' `${POSTGRES_URL:jdbc:postgresql://localhost/petclinic}` is its own container."""
    root = _petclinic(tmp_path, profile)
    found = _found(root, env)
    assert [(c, p, n) for c, p, n, _ in _shown(root, found)] == [
        ("leaked-host-port", f"src/main/resources/application-{profile}.properties", line)]
    assert f"did you mean '{profile}'?" in found[0].message
    _fix(root, env)
    assert f'SPRING_DATASOURCE_URL: "{url}"' in (root / "docker-compose.override.yml").read_text()
    assert _found(root, env) == []


def test_the_command_line_and_jvm_options_beat_the_file(tmp_path: Path, env: dict[str, str]) -> None:
    """`java -jar app.jar --spring.datasource.url=...` (or `-D` in JAVA_TOOL_OPTIONS) sets the property over the
    file, and a profile named there is the one the app runs."""
    local = "spring.datasource.url=jdbc:postgresql://localhost:5432/${POSTGRES_DB}"
    root = _app(tmp_path / "argument", local)
    _edit(root / "compose.yaml", "    build: backend\n", "    build: backend\n    command: [\"java\", \"-cp\", "
          "\"app:app/lib/*\", \"com.company.project.Application\", \"--spring.datasource.url=jdbc:postgresql://db/x\"]\n")
    assert _found(root, env) == []
    root = _app(tmp_path / "option", local, "      - JAVA_TOOL_OPTIONS=-Dspring.datasource.url=jdbc:postgresql://db/x\n")
    assert _found(root, env) == []
    root = _app(tmp_path / "json", local, "      - 'SPRING_APPLICATION_JSON={\"spring.datasource.url\": \"jdbc:postgresql://db/x\"}'\n")
    assert _found(root, env) == []
    root = _app(tmp_path / "profile", local, "      - JAVA_TOOL_OPTIONS=-Dspring.profiles.active=docker\n")
    (root / PROPERTIES.parent / "application-docker.properties").write_text(
        "spring.datasource.url=jdbc:postgresql://db:5432/example\n")
    assert _found(root, env) == []


def test_an_escaped_properties_value_is_read_as_java_reads_it(tmp_path: Path, env: dict[str, str]) -> None:
    """Older projects write `jdbc\\:postgresql\\://localhost\\:5432/app`: java.util.Properties drops the backslashes."""
    root = _app(tmp_path, "spring.datasource.url=jdbc\\:postgresql\\://localhost\\:5432/${POSTGRES_DB}")
    assert _shown(root, _found(root, env)) == [LOCALHOST]


def test_an_alias_bomb_in_application_yml_is_unread_not_a_hang(tmp_path: Path, env: dict[str, str]) -> None:
    """811 bytes of nested aliases expand to 10^9 leaves (SnakeYAML refuses it, the app does not start):
    the file gives no finding, and preflight ends."""
    import time

    root = _app(tmp_path)
    laughs = ['a0: &a0 {x: "lol"}'] + [
        f"a{n}: &a{n} {{" + ", ".join(f"k{k}: *a{n - 1}" for k in range(10)) + "}" for n in range(1, 9)]
    (root / PROPERTIES).with_name("application.yml").write_text(
        "\n".join(laughs) + "\nspring:\n  datasource:\n    url: jdbc:postgresql://localhost/example\n")
    started = time.monotonic()
    assert _found(root, env) == []
    assert time.monotonic() - started < 30


PROFILED = "spring.datasource.url=jdbc:postgresql://localhost:5432/example"


@pytest.mark.parametrize(("config", "name", "active", "line"), [
    # a .properties file's documents, split at `#---` / `!---`
    (f"{URL}\n#---\nspring.config.activate.on-profile=local\n{PROFILED}\n", "application.properties", None, None),
    (f"{URL}\n#---\nspring.config.activate.on-profile=local\n{PROFILED}\n", "application.properties", "local", 4),
    (f"{URL}\n!---\nspring.config.activate.on-profile=local,test\n{PROFILED}\n", "application.properties", "test", 4),
    # a YAML list of profiles
    ("spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/example\n---\nspring:\n  config:\n    activate:\n"
     "      on-profile: [local, test]\n  datasource:\n    url: jdbc:postgresql://localhost:5432/example\n",
     "application.yml", None, None),
    ("spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/example\n---\nspring:\n  config:\n    activate:\n"
     "      on-profile: [local, test]\n  datasource:\n    url: jdbc:postgresql://localhost:5432/example\n",
     "application.yml", "test", 10),
    # the file's own active profiles as a YAML list
    ("spring:\n  profiles:\n    active: [local]\n---\nspring:\n  config:\n    activate:\n      on-profile: local\n"
     "  datasource:\n    url: jdbc:postgresql://localhost:5432/example\n", "application.yml", None, 10),
    # profile expressions
    (f"{URL}\n#---\nspring.config.activate.on-profile=!docker\n{PROFILED}\n", "application.properties", None, 4),
    (f"{URL}\n#---\nspring.config.activate.on-profile=!docker\n{PROFILED}\n", "application.properties", "docker",
     None),
    (f"{URL}\n#---\nspring.config.activate.on-profile=local & !docker\n{PROFILED}\n", "application.properties",
     "local", 4),
    (f"{URL}\n#---\nspring.config.activate.on-profile=dev | local\n{PROFILED}\n", "application.properties", "local", 4),
    # a condition doctor cannot read never applies
    (f"{URL}\n#---\nspring.config.activate.on-profile=a & b | local\n{PROFILED}\n", "application.properties",
     "local", None),
    (f"{URL}\n#---\nspring.config.activate.on-cloud-platform=kubernetes\n{PROFILED}\n", "application.properties",
     None, None),
])
def test_a_document_counts_only_for_the_profiles_it_names(tmp_path: Path, env: dict[str, str], config: str,
                                                           name: str, active: str | None, line: int | None) -> None:
    root = _app(tmp_path)
    (root / PROPERTIES).unlink()
    (root / PROPERTIES.parent / name).write_text(config)
    if active is not None:
        _edit(root / "compose.yaml", "      - POSTGRES_DB=example\n    networks:",
              f"      - POSTGRES_DB=example\n      - SPRING_PROFILES_ACTIVE={active}\n    networks:")
    assert [(p, n) for _, p, n, _ in _shown(root, _found(root, env))] == (
        [] if line is None else [((PROPERTIES.parent / name).as_posix(), line)])


@pytest.mark.parametrize("variable", ["SPRING_DATASOURCE_HIKARI_JDBCURL", "SPRING_DATASOURCE_HIKARI_JDBC_URL"])
def test_a_dashed_property_is_set_by_either_form_of_its_variable(tmp_path: Path, env: dict[str, str],
                                                                 variable: str) -> None:
    """Spring Boot's SystemEnvironmentPropertyMapper maps `jdbc-url` from JDBCURL (dashes dropped) and from
    the legacy JDBC_URL (dashes as underscores): either replaces the file's localhost."""
    root = _app(tmp_path, "spring.datasource.hikari.jdbc-url=jdbc:postgresql://localhost:5432/example",
                f"      - {variable}=jdbc:postgresql://db:5432/example\n")
    assert _found(root, env) == []
    _edit(root / "compose.yaml", f"      - {variable}=", "      - SPRING_DATASOURCE_HIKARIJDBC_URL=")
    assert [n for _, _, n, _ in _shown(root, _found(root, env))] == [5]


@pytest.mark.parametrize("elsewhere", [
    "      - SPRING_CONFIG_ADDITIONAL_LOCATION=file:/config/\n",
    "      - SPRING_CONFIG_LOCATION=file:/etc/app/\n",
    "      - SPRING_CONFIG_IMPORT=optional:configserver:http://config:8888\n",
    "      - JAVA_TOOL_OPTIONS=-Dspring.config.additional-location=file:/etc/app/\n",
    "    command: [--spring.config.location=file:/etc/app/]\n",
    "    volumes:\n      - ./docker:/config:ro\n",
    "    volumes:\n      - ./docker/application.properties:/config/application.properties:ro\n",
])
def test_config_the_app_is_pointed_at_beside_its_jar_says_nothing_of_the_jars(tmp_path: Path, env: dict[str, str],
                                                                               elsewhere: str) -> None:
    """A location, import or mount Spring reads over the packaged application.properties may set the URL:
    doctor does not read it, so the jar's localhost is no finding."""
    root = _app(tmp_path, "spring.datasource.url=jdbc:postgresql://localhost:5432/example")
    assert [n for _, _, n, _ in _shown(root, _found(root, env))] == [5]
    _edit(root / "compose.yaml", "      - POSTGRES_DB=example\n    networks:\n      - spring-postgres\n  db:",
          f"      - POSTGRES_DB=example\n{elsewhere}    networks:\n      - spring-postgres\n  db:")
    (root / "docker").mkdir()
    (root / "docker" / "application.properties").write_text(URL + "\n")
    assert _found(root, env) == []
    _edit(root / "compose.yaml", elsewhere, "      - SPRING_PROFILES_ACTIVE=none\n")  # the same edit, pointing nowhere
    assert [n for _, _, n, _ in _shown(root, _found(root, env))] == [5]


def test_properties_win_over_yaml_in_one_location(tmp_path: Path, env: dict[str, str]) -> None:
    """Spring Boot's reference (Externalized Configuration): with both formats in the same location,
    .properties takes precedence, so its `db` is what the app dials, not application.yml's localhost."""
    root = _app(tmp_path, "spring.datasource.url=jdbc:postgresql://db:5432/example")
    yml = root / PROPERTIES.parent / "application.yml"
    yml.write_text("spring:\n  datasource:\n    url: jdbc:postgresql://localhost:5432/example\n")
    assert _found(root, env) == []
    (root / PROPERTIES).write_text("spring.jpa.hibernate.ddl-auto=none\n")
    assert [(p, n) for _, p, n, _ in _shown(root, _found(root, env))] == [
        ("backend/src/main/resources/application.yml", 3)]


def test_the_classpath_config_folder_wins_over_the_root(tmp_path: Path, env: dict[str, str]) -> None:
    """Spring Boot's reference (External Application Properties): the classpath /config package is read after
    the classpath root, its values winning; so src/main/resources/config/application.properties's `db` is what
    the app dials, and its localhost is reported there over the root's `db`."""
    root = _app(tmp_path, "spring.datasource.url=jdbc:postgresql://localhost:5432/example")
    config = root / PROPERTIES.parent / "config" / "application.properties"
    config.parent.mkdir()
    config.write_text("spring.datasource.url=jdbc:postgresql://db:5432/example\n")
    assert _found(root, env) == []
    (root / PROPERTIES).write_text(URL + "\n")
    config.write_text("# packaged over the root\nspring.datasource.url=jdbc:postgresql://localhost:5432/example\n")
    assert [(p, n) for _, p, n, _ in _shown(root, _found(root, env))] == [
        ("backend/src/main/resources/config/application.properties", 2)]


@pytest.mark.parametrize("profiles", [
    "spring.profiles.include=docker\n",
    "spring.profiles.active=prod\nspring.profiles.group.prod=docker\n",
    "spring.profiles.active=prod\nspring.profiles.group.prod[0]=docker\n",
    "spring.profiles.active=docker,local\nspring.profiles.include=local\n",  # the active one's file wins
])
def test_included_and_grouped_profiles_read_their_files(tmp_path: Path, env: dict[str, str], profiles: str) -> None:
    """`spring.profiles.include` adds its profiles (before the active ones), a group's members follow its
    profile (spring-boot's Profiles): application-docker.properties's `db` is what the app dials."""
    root = _app(tmp_path, "spring.datasource.url=jdbc:postgresql://localhost:5432/example\n" + profiles)
    (root / PROPERTIES.parent / "application-docker.properties").write_text(URL + "\n")
    (root / PROPERTIES.parent / "application-local.properties").write_text(
        "spring.datasource.url=jdbc:postgresql://localhost:5432/example\n")
    assert _found(root, env) == []
    (root / PROPERTIES).write_text("spring.datasource.url=jdbc:postgresql://localhost:5432/example\n")
    assert [n for _, _, n, _ in _shown(root, _found(root, env))] == [1]


@pytest.mark.parametrize("line", ["spring.config.import=optional:configserver:http://config:8888",
                                  "spring.config.location=classpath:/,file:/etc/app/"])
def test_config_the_file_itself_imports_says_nothing(tmp_path: Path, env: dict[str, str], line: str) -> None:
    root = _app(tmp_path, f"spring.datasource.url=jdbc:postgresql://localhost:5432/example\n{line}")
    assert _found(root, env) == []


COMMENTS = ["# Settings\x0c page two", "# café \u2028 note", "# a\x1cb\x85c"]


def _drifted_below(tmp_path: Path, comment: str) -> Path:
    root = _app(tmp_path, "spring.datasource.url=jdbc:postgresql://postgresserver:5432/example")
    (root / PROPERTIES).write_text(f"{comment}\nspring.datasource.url=jdbc:postgresql://postgresserver:5432/example\n")
    return root


@pytest.mark.parametrize("comment", COMMENTS)
def test_a_line_break_only_python_sees_does_not_shift_the_line(tmp_path: Path, env: dict[str, str],
                                                                comment: str) -> None:
    """A form feed, NEL or U+2028 in a comment ends no line for Java's Properties nor for doctor: the URL is
    reported at its own line, the second."""
    root = _drifted_below(tmp_path, comment)
    assert [(c, n) for c, _, n, _ in _shown(root, _found(root, env))] == [("service-name-drift", 2)]


@pytest.mark.parametrize("comment", COMMENTS)
def test_the_fix_below_such_a_line_applies(tmp_path: Path, env: dict[str, str], comment: str) -> None:
    root = _drifted_below(tmp_path, comment)
    _fix(root, env)
    assert (root / PROPERTIES).read_text() == f"{comment}\nspring.datasource.url=jdbc:postgresql://db:5432/example\n"
    assert _found(root, env) == []
    assert (root / PROPERTIES).read_text() == f"{comment}\nspring.datasource.url=jdbc:postgresql://db:5432/example\n"
    assert _found(root, env) == []


def test_a_yaml_line_break_python_counts_does_not_shift_the_line(tmp_path: Path, env: dict[str, str]) -> None:
    """PyYAML breaks lines at U+2028 and NEL too (as YAML 1.1 does); the line reported is the file's by "\\n"."""
    root = _app(tmp_path, "spring.jpa.hibernate.ddl-auto=none")
    (root / PROPERTIES.parent / "application.yml").write_text(
        "# a\u2028# b\x85\nspring:\n  datasource:\n    url: jdbc:postgresql://localhost:5432/example\n")
    assert [(p, n) for _, p, n, _ in _shown(root, _found(root, env))] == [
        ("backend/src/main/resources/application.yml", 4)]
