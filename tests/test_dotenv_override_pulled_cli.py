"""dotenv-override and a pulled image of another program binding the checkout: suitenumerique/meet
(tests/replay/lasuite-meet).

meet's 'crowdin' runs `image: crowdin/cli:4.0.0` (Java, no build, no command) over `.:/app`: the
translations CLI reads the checkout, and never runs src/backend/manage.py. With `load_dotenv(override=True)`
planted in manage.py and a host-run `src/backend/.env` (`DB_HOST=localhost`, `REDIS_URL=redis://localhost...`),
doctor named 'crowdin' among the services the `.env` dials from ("... dials the container itself in
'app-dev', 'celery-dev', 'app', 'celery', 'crowdin'") and, once `doctor fix` had dropped `override=True`,
still found that the `.env` fills what compose leaves unset in 'crowdin': the fix exited 1 ("1 error(s)
would be left") with advice to set REDIS_URL for 'crowdin'. Where another service runs manage.py, a
service with no build on an image no service builds and that is no python image runs its own CMD, not
manage.py: the finding names the four Django services, and one `doctor fix` settles it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from meet_replay import set_up

MANAGE = "src/backend/manage.py"
DOTENV = "# run the backend on the host\nDB_HOST=localhost\nREDIS_URL=redis://localhost:6379/1\n"


def _meet(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The replay as `make create-env-files data/media data/static` leaves it, with the loader planted."""
    root = set_up(tmp_path)
    manage = root / MANAGE
    text = manage.read_text()
    assert text.count('if __name__ == "__main__":\n') == 1, "upstream manage.py changed"
    text = text.replace("from os import environ\n", "from os import environ\n\nfrom dotenv import load_dotenv\n")
    manage.write_text(text.replace('if __name__ == "__main__":\n',
                                   'if __name__ == "__main__":\n    load_dotenv(override=True)\n'))
    (root / "src" / "backend" / ".env").write_text(DOTENV)
    env = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host", "HOME": str(root)}
    return root, env


def _doctor(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "doctor", *args, str(root)], capture_output=True, text=True,
                          env=env, timeout=300)


def _findings(root: Path, env: dict[str, str]) -> list[dict[str, object]]:
    run = _doctor(root, env, "preflight", "--select", "dotenv-override,leaked-host-port", "--format", "json")
    return [f for f in json.loads(run.stdout)["findings"]]


def test_crowdin_over_the_checkout_is_not_named(tmp_path: Path) -> None:
    root, env = _meet(tmp_path)
    found = _findings(root, env)
    messages = [str(f["message"]) for f in found if f["check"] == "dotenv-override"]
    assert any("DB_HOST='localhost'" in m for m in messages), messages
    assert any("REDIS_URL='redis://localhost:6379/1'" in m and "'app-dev'" in m for m in messages), messages
    assert not any("crowdin" in m for m in messages), messages
    assert {f["file"] for f in found if f["check"] == "dotenv-override"} == {MANAGE}


def test_one_fix_settles_it(tmp_path: Path) -> None:
    root, env = _meet(tmp_path)
    before = (root / MANAGE).read_text()
    first = _doctor(root, env, "fix", "--env", "--yes")
    assert first.returncode == 0, first.stdout + first.stderr
    assert (root / MANAGE).read_text() == before.replace("load_dotenv(override=True)", "load_dotenv()")
    assert (root / "src" / "backend" / ".env").read_text() == DOTENV
    assert [f for f in _findings(root, env) if f["severity"] != "info"] == []
    again = _doctor(root, env, "fix", "--env", "--yes")
    assert again.returncode == 0 and "nothing to fix" in again.stdout + again.stderr, again.stdout + again.stderr


def test_a_python_image_binding_the_checkout_still_may_run_it(tmp_path: Path) -> None:
    root, env = _meet(tmp_path)
    compose = root / "compose.yml"
    text = compose.read_text()
    assert text.count("    image: crowdin/cli:4.0.0\n") == 1, "upstream compose.yml changed"
    compose.write_text(text.replace("    image: crowdin/cli:4.0.0\n", "    image: python:3.13\n"))
    messages = [str(f["message"]) for f in _findings(root, env) if f["check"] == "dotenv-override"]
    assert any("crowdin" in m for m in messages), messages
