"""Finding files, project directory, .env passes, profiles and project name like compose v2.40.3."""

from __future__ import annotations

from pathlib import Path

from doctor.model import Location
from doctor.project import ProjectOptions
from doctor.project.discover import discover, find_default_files, normalize_project_name

ENV = {"PATH": "/usr/bin", "HOME": "/home/dev"}


def touch(path: Path, text: str = "services: {}\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_yml_beats_yaml_for_docker_compose_and_override_only_in_same_dir(tmp_path: Path) -> None:
    touch(tmp_path / "docker-compose.yaml")
    main = touch(tmp_path / "docker-compose.yml")
    over = touch(tmp_path / "compose.override.yml")
    touch(tmp_path / "docker-compose.override.yaml")
    assert find_default_files(tmp_path) == [main, over]


def test_compose_yaml_is_first_choice(tmp_path: Path) -> None:
    main = touch(tmp_path / "compose.yaml")
    touch(tmp_path / "docker-compose.yml")
    assert find_default_files(tmp_path) == [main]


def test_search_walks_up_and_stops_at_first_directory_with_a_main_file(tmp_path: Path) -> None:
    top = touch(tmp_path / "compose.yaml")
    touch(tmp_path / "a" / "compose.override.yaml")  # an override alone does not stop the walk
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    found = discover(ProjectOptions(path=deep, env=ENV))
    assert found.files == [top]
    assert found.project_dir == tmp_path


def test_cwd_dotenv_wins_over_project_dotenv_without_f(tmp_path: Path) -> None:
    touch(tmp_path / "compose.yaml")
    touch(tmp_path / ".env", "A=project\nB=project\n")
    touch(tmp_path / "sub" / ".env", "A=cwd\n")
    found = discover(ProjectOptions(path=tmp_path / "sub", env=ENV))
    assert found.environment["A"] == "cwd"
    assert found.environment["B"] == "project"


def test_with_f_the_cwd_dotenv_is_not_read(tmp_path: Path) -> None:
    touch(tmp_path / "compose.yaml")
    touch(tmp_path / ".env", "A=project\n")
    touch(tmp_path / "sub" / ".env", "A=cwd\n")
    found = discover(ProjectOptions(path=tmp_path / "sub", files=(Path("../compose.yaml"),), env=ENV))
    assert found.environment["A"] == "project"
    assert found.project_dir == tmp_path


def test_shell_beats_dotenv_even_inside_dotenv_references(tmp_path: Path) -> None:
    touch(tmp_path / "compose.yaml")
    touch(tmp_path / ".env", "PLAIN=file\nREF=${PLAIN}-x\n")
    found = discover(ProjectOptions(path=tmp_path, env={**ENV, "PLAIN": "shell"}))
    assert found.environment["PLAIN"] == "shell"
    assert found.environment["REF"] == "shell-x"


def test_compose_file_and_separator_from_dotenv(tmp_path: Path) -> None:
    base = touch(tmp_path / "base.yaml")
    over = touch(tmp_path / "over.yaml")
    touch(tmp_path / ".env", "COMPOSE_FILE=base.yaml;over.yaml\nCOMPOSE_PATH_SEPARATOR=;\n")
    found = discover(ProjectOptions(path=tmp_path, env=ENV))
    assert found.files == [base, over]


def test_profiles_from_env_are_trimmed(tmp_path: Path) -> None:
    touch(tmp_path / "compose.yaml")
    touch(tmp_path / ".env", "COMPOSE_PROFILES= debug , tools\n")
    assert discover(ProjectOptions(path=tmp_path, env=ENV)).profiles == ("debug", "tools")
    explicit = discover(ProjectOptions(path=tmp_path, profiles=("x",), env=ENV))
    assert explicit.profiles == ("x",)


def test_path_may_be_a_compose_file(tmp_path: Path) -> None:
    file = touch(tmp_path / "stack.yml")
    found = discover(ProjectOptions(path=file, env=ENV))
    assert found.files == [file]
    assert found.project_dir == tmp_path


def test_env_files_from_compose_env_files_replace_dotenv(tmp_path: Path) -> None:
    touch(tmp_path / "compose.yaml")
    touch(tmp_path / ".env", "A=dotenv\n")
    touch(tmp_path / "one.env", "A=one\n")
    found = discover(ProjectOptions(path=tmp_path, env={**ENV, "COMPOSE_ENV_FILES": "one.env"}))
    assert found.environment["A"] == "one"


def test_a_later_file_of_compose_env_files_wins_and_the_shell_over_all(tmp_path: Path) -> None:
    """COMPOSE_ENV_FILES=one.env,two.env: compose reads them in order into one map (B=two), the shell's
    value over both; doctor kept the first file's B."""
    touch(tmp_path / "compose.yaml")
    touch(tmp_path / "one.env", "A=one\nB=one\nC=one\n")
    touch(tmp_path / "two.env", "B=two\nC=two\n")
    found = discover(ProjectOptions(path=tmp_path, env={**ENV, "COMPOSE_ENV_FILES": "one.env,two.env", "C": "shell"}))
    assert (found.environment["A"], found.environment["B"], found.environment["C"]) == ("one", "two", "shell")
    assert found.origins["B"] == Location(tmp_path / "two.env", 1)


def test_env_files_given_replace_compose_env_files_and_dotenv(tmp_path: Path) -> None:
    """--env-file: only those files, later ones winning; COMPOSE_ENV_FILES is only its default."""
    touch(tmp_path / "compose.yaml")
    touch(tmp_path / ".env", "A=dotenv\nD=dotenv\n")
    touch(tmp_path / "one.env", "A=one\nB=one\n")
    touch(tmp_path / "two.env", "B=two\n")
    options = ProjectOptions(path=tmp_path, env={**ENV, "COMPOSE_ENV_FILES": "one.env"},
                             env_files=(tmp_path / "one.env", tmp_path / "two.env"))
    found = discover(options)
    assert (found.environment["A"], found.environment["B"], "D" in found.environment) == ("one", "two", False)
    assert found.env_files == [tmp_path / "one.env", tmp_path / "two.env"]
    missing = discover(ProjectOptions(path=tmp_path, env=ENV, env_files=(tmp_path / "nope.env",)))
    assert [p.message for p in missing.problems] == [f"couldn't find env file: {tmp_path / 'nope.env'}"]


def test_project_name_normalization() -> None:
    assert normalize_project_name("My.App Dir") == "myappdir"
    assert normalize_project_name("__-x_Y") == "x_y"
