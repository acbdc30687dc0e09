"""The python-dotenv view: load_dotenv calls read with ast, what the app then sees, where files come from."""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.project.appenv import app_view, dotenv_calls
from doctor.project.codepaths import CodeMap, CodePath, DockerIgnore, read_dockerignore


@pytest.mark.parametrize(("source", "candidates"), [
    ("load_dotenv()", (("find",),)),
    ("load_dotenv(find_dotenv())", (("find",),)),
    ("load_dotenv('.env.local', override=True)", (("cwd", ".env.local"),)),
    ("BASE_DIR = Path(__file__).resolve().parent.parent\nload_dotenv(BASE_DIR / '.env')",
     (("file", 2, ".env"),)),
    ("BASE = os.path.dirname(os.path.abspath(__file__))\nload_dotenv(os.path.join(BASE, 'x', '.env'))",
     (("file", 1, "x", ".env"),)),
    ("load_dotenv(dotenv_path=Path(__file__).parents[1] / '.env')", (("file", 2, ".env"),)),
    ("for p in [os.getenv('X'), '../app.conf', '/etc/app.conf']:\n    if p:\n        load_dotenv(p)",
     (("cwd", "../app.conf"), ("abs", "/etc/app.conf"))),
    ("load_dotenv(some_function())", ()),
])
def test_calls_are_read_with_their_paths(tmp_path: Path, source: str, candidates: tuple[object, ...]) -> None:
    (tmp_path / "settings.py").write_text(f"import os\nfrom pathlib import Path\n{source}\n")
    (call,) = dotenv_calls([tmp_path])
    assert call.candidates == candidates
    assert call.override == ("override=True" in source)


def test_the_app_view_is_python_dotenvs(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("HOST=localhost\nURL=redis://${HOST}:6379\nONLY_HERE=1\nSET=file\n")
    compose = {"HOST": "redis", "SET": "compose"}
    assert list(app_view(env, compose, override=False)) == [("URL", "redis://redis:6379", 2), ("ONLY_HERE", "1", 3)]
    assert dict((k, v) for k, v, _ in app_view(env, compose, override=True)) == {
        "HOST": "localhost", "URL": "redis://localhost:6379", "ONLY_HERE": "1", "SET": "file"}


def test_a_mount_hides_the_image_and_dockerignore_keeps_files_out(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / ".env").write_text("A=1\n")
    (tmp_path / "src" / ".env").write_text("A=2\n")
    (tmp_path / ".dockerignore").write_text("**/.env\n!src/.env\n")
    ignore = read_dockerignore(tmp_path, tmp_path / "Dockerfile")
    assert ignore.excludes(".env") and not ignore.excludes("src/.env")
    codes = CodeMap((), (CodePath(tmp_path, "/app", "copy"),), tmp_path, ignore)
    assert codes.to_host("/app/.env") is None
    assert codes.to_host("/app/src/.env") == (tmp_path / "src" / ".env", codes.copies[0])
    live = CodeMap((CodePath(tmp_path / "src", "/app/src", "bind"),), codes.copies, tmp_path, DockerIgnore(None))
    assert live.to_container(tmp_path / "src" / "x.py") == "/app/src/x.py"
    assert live.to_host("/app/src/.env") == (tmp_path / "src" / ".env", live.live[0])
