"""The typed model keeps raw text, variables and file:line for what checks report on."""

from __future__ import annotations

from pathlib import Path

from doctor.project import ProjectOptions
from doctor.project.compose import load_project
from doctor.project.types import ComposeModel, EnvSource

ENV = {"PATH": "/usr/bin", "HOME": "/home/dev"}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def load(root: Path, **env: str) -> ComposeModel:
    return load_project(ProjectOptions(path=root, env={**ENV, **env}))


def test_port_keeps_raw_text_variables_and_line(tmp_path: Path) -> None:
    compose = write(tmp_path / "compose.yaml",
                    "services:\n  db:\n    image: postgres\n    ports:\n      - \"${POSTGRES_PORT}:5432\"\n")
    write(tmp_path / ".env", "POSTGRES_PORT=5433\n")
    port = load(tmp_path).services["db"].ports[0]
    assert (port.published, port.target, port.raw, port.variables) == ("5433", 5432, "${POSTGRES_PORT}:5432",
                                                                      ("POSTGRES_PORT",))
    assert port.location is not None and (port.location.path, port.location.line) == (compose, 5)


def test_env_var_sources_and_locations(tmp_path: Path) -> None:
    compose = write(tmp_path / "compose.yaml", """services:
  app:
    image: busybox
    env_file: app.env
    environment:
      DATABASE_URL: postgres://db:${DB_PORT:-5432}/app
      SHARED: from-environment
""")
    app_env = write(tmp_path / "app.env", "# comment\nSHARED=from-file\nONLY_FILE=1\n")
    env = load(tmp_path).services["app"].environment
    url = env["DATABASE_URL"]
    assert url.value == "postgres://db:5432/app"
    assert url.raw == "postgres://db:${DB_PORT:-5432}/app"
    assert url.variables == ("DB_PORT",)
    assert url.source is EnvSource.ENVIRONMENT
    assert url.location is not None and (url.location.path, url.location.line) == (compose, 6)
    assert env["SHARED"].value == "from-environment"
    only_file = env["ONLY_FILE"]
    assert only_file.source is EnvSource.ENV_FILE
    assert only_file.location is not None and (only_file.location.path, only_file.location.line) == (app_env, 3)


def test_variable_uses_for_env_drift(tmp_path: Path) -> None:
    compose = write(tmp_path / "compose.yaml", """services:
  app:
    image: "app:${TAG:-latest}"
    environment:
      - SECRET=${SECRET:?set SECRET}
      - PLAIN=$PLAIN
""")
    model = load(tmp_path, SECRET="s")
    uses = {(u.name, u.location.line if u.location else None, u.has_default, u.required)
            for u in model.variable_uses}
    assert uses == {("TAG", 3, True, False), ("SECRET", 5, False, True), ("PLAIN", 6, False, False)}
    assert all(u.location is not None and u.location.path == compose for u in model.variable_uses)
    assert not model.problems


def test_override_appends_ports_and_replaces_volume_by_target(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml", "services:\n  web:\n    image: nginx\n    ports: ['8080:80']\n"
          "    volumes: ['./a:/data']\n")
    over = write(tmp_path / "compose.override.yaml", "services:\n  web:\n    ports: ['9090:80']\n"
                 "    volumes: ['./b:/data']\n")
    web = load(tmp_path).services["web"]
    assert [p.published for p in web.ports] == ["8080", "9090"]
    assert [(m.source, m.target) for m in web.volumes] == [(str(tmp_path / "b"), "/data")]
    assert web.volumes[0].location is not None and web.volumes[0].location.path == over


def test_profiles_hide_services(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml", "services:\n  a:\n    image: x\n  b:\n    image: x\n    profiles: [dbg]\n")
    model = load(tmp_path)
    assert list(model.services) == ["a"]
    assert model.disabled_services == ("b",)
    assert list(load(tmp_path, COMPOSE_PROFILES="dbg").services) == ["a", "b"]


def test_build_networks_and_names(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml", """services:
  api:
    build:
      context: ./api
      dockerfile: docker/Dockerfile.dev
    networks:
      back:
        aliases: [api.internal]
    container_name: the-api
    hostname: api-host
    depends_on: [db]
    command: ["uvicorn", "main:app"]
  db:
    image: postgres
    networks: [back]
networks:
  back: {}
""")
    api = load(tmp_path).services["api"]
    assert api.build is not None
    assert api.build.context == str(tmp_path / "api")
    assert api.build.dockerfile_path == tmp_path / "api" / "docker" / "Dockerfile.dev"
    assert api.networks["back"].aliases == ("api.internal",)
    assert (api.container_name, api.hostname, api.depends_on) == ("the-api", "api-host", ("db",))
    assert api.command == ("uvicorn", "main:app")


def test_extends_rebases_paths_to_the_extended_file(tmp_path: Path) -> None:
    write(tmp_path / "common" / "base.yaml", "services:\n  base:\n    image: x\n    volumes: ['./data:/data']\n")
    write(tmp_path / "compose.yaml", "services:\n  app:\n    extends:\n      file: common/base.yaml\n"
          "      service: base\n")
    app = load(tmp_path).services["app"]
    assert app.volumes[0].source == str(tmp_path / "common" / "data")


def test_name_from_file_and_dir(tmp_path: Path) -> None:
    root = tmp_path / "My.App Dir"
    write(root / "compose.yaml", "services:\n  a:\n    image: x\n")
    assert load(root).project_name == "myappdir"
    write(root / "compose.yaml", "name: \"My Proj.X\"\nservices:\n  a:\n    image: x\n")
    assert load(root).project_name == "myprojx"
    assert load(root, COMPOSE_PROJECT_NAME="explicit").project_name == "explicit"


def test_a_service_conflicting_with_an_included_one_is_that_one_error(tmp_path: Path) -> None:
    """wger: `db:` in the main file beside an `include:` that defines db. compose stops at the
    conflict; the local half having no image of its own is no second error."""
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "db.yml").write_text("services:\n  db:\n    image: postgres:16\n")
    (tmp_path / "compose.yaml").write_text(
        "include:\n  - services/db.yml\nservices:\n  web:\n    image: busybox\n  db:\n    healthcheck:\n"
        "      test: [\"CMD\", \"pg_isready\"]\n")
    model = load_project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin"}))
    assert [p.message for p in model.problems] == ["services.db conflicts with imported resource"]
