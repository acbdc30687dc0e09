"""CodeText.reader_of: which file of a service's code names a variable, given as the reason it dials."""

from __future__ import annotations

from pathlib import Path

from doctor.project.codetext import CodeText


def _repo(tmp_path: Path) -> Path:
    # DefectDojo's dev override bind-mounts the whole repo: docker/ holds every service's
    # entrypoint script, and sorts before the settings module that the web service reads
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "entrypoint-unit-tests.sh").write_text('psql "$DD_DATABASE_URL" -c "select 1"\n')
    (tmp_path / "dojo").mkdir()
    (tmp_path / "dojo" / "settings.py").write_text('DATABASE = env("DD_DATABASE_URL")\n')
    return tmp_path


def test_a_source_file_is_the_reader_before_a_script_the_service_does_not_run(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    assert CodeText().reader_of("DD_DATABASE_URL", [root], "/entrypoint-uwsgi.sh") == str(root / "dojo" / "settings.py")


def test_a_script_the_service_runs_is_its_reader(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    found = CodeText().reader_of("DD_DATABASE_URL", [root], "/entrypoint-unit-tests.sh")
    assert found == str(root / "docker" / "entrypoint-unit-tests.sh")


def test_a_script_alone_still_counts(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "dojo" / "settings.py").write_text("DATABASE = None\n")
    found = CodeText().reader_of("DD_DATABASE_URL", [root], "")
    assert found == str(root / "docker" / "entrypoint-unit-tests.sh")
    assert CodeText().reader_of("DD_DATABASE_URL", [root], "run $DD_DATABASE_URL") == "its command"


def test_a_plain_name_is_searched_as_its_patterns_match_it() -> None:
    # word, unbind and undeclare with string methods agree with the patterns on random texts
    import random
    import re

    from doctor.project.codetext import _Name

    rng = random.Random(11)
    pieces = ["DB_PORT", "DB_PORTX", "XDB_PORT", "_DB_PORT", " ", "\t", "\n", "\r\n", "=", "==", ":", '"', "'",
              "a", "b.c", "-", "é", "x", "os.environ['DB_PORT']", 'DB_PORT = "1"', '"k": "DB_PORT"']
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(4000)]
    for name in ("DB_PORT", "X", "_", "A1"):
        escaped = re.escape(name)
        word = re.compile(rf"(?<![A-Za-z0-9_]){escaped}(?![A-Za-z0-9_])")
        bound = re.compile(rf"^[ \t]*{escaped}[ \t]*=(?!=)", re.MULTILINE)
        declared = re.compile(rf"""["'][\w.-]+["'][ \t]*:[ \t]*["']{escaped}["']""")
        named = _Name(name)
        assert named.plain
        for text in texts:
            assert named.word(text) == (word.search(text) is not None), (name, text)
            assert named.unbind(text) == bound.sub("", text), (name, text)
            assert named.undeclare(text) == declared.sub("", text), (name, text)
    named = _Name("DB_PORT")
    text = 'DB_PORT = env("DB_PORT")\nport = os.environ["DB_PORT"]\n'
    assert named.word(named.undeclare(named.unbind(text))) and not named._patterns  # nothing compiled


def test_a_name_beyond_letters_digits_and_underscore_uses_the_patterns() -> None:
    from doctor.project.codetext import _Name

    named = _Name("my.var")
    assert not named.plain
    assert named.word("x = my.var") and not named.word("x = my.variable")
    assert named.unbind("  my.var = 1\nmy.var") == " 1\nmy.var"


_NESTED = '''
class Database(BaseModel):
    hostname: str = "postgres"


class Settings(BaseSettings):
    database: Database = Field(default_factory=Database)
    model_config = SettingsConfigDict(env_nested_delimiter="__"{prefix})
'''


def test_a_pydantic_settings_nested_key_is_read_by_its_group_field() -> None:
    from doctor.project.codetext import implied, reads_implicitly

    text = _NESTED.format(prefix="")
    assert implied("DATABASE__HOSTNAME") and not implied("DATABASE_HOSTNAME")
    assert reads_implicitly("DATABASE__HOSTNAME", text)
    assert reads_implicitly("database__port", text)  # pydantic-settings matches names case-insensitively
    assert not reads_implicitly("CACHE__HOSTNAME", text)  # no `cache` field
    assert not reads_implicitly("DATABASE__HOSTNAME", text.replace('"__"', '"::"'))  # another delimiter
    prefixed = _NESTED.format(prefix=', env_prefix="APP_"')
    assert reads_implicitly("APP_DATABASE__HOSTNAME", prefixed)


def test_the_code_reading_a_nested_key_is_its_reader(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text(_NESTED.format(prefix=""))
    assert CodeText().reader_of("DATABASE__HOSTNAME", [tmp_path]) == str(tmp_path / "config.py")
    assert CodeText().reader_of("REDIS__HOSTNAME", [tmp_path]) is None
