"""An overriding dotenv load written over several lines, its `.env` brought by a bind mount: one
`doctor fix` drops the flag's line, and leaked-host-port adds no override that would lose to the file.

danielfsousa/express-rest-boilerplate (tests/replay/express-rest-boilerplate) loads the bound `.env`
in src/config/vars.js with `require('dotenv-safe').config({` and its options one per line, as Prettier
writes them. Planted: `override: true,` on a line of its own and the host's
`MONGO_URI=mongodb://localhost:27017/...` in `.env`, while compose sets `MONGO_URI=mongodb://mongodb:...`.
doctor found both faults, but dotenv-override's fix was advice (it looked for the flag on the call's
first line only) and leaked-host-port's wrote MONGO_URI into a new docker-compose.override.yml, which
the load overrides again: `doctor fix --yes` left the two errors and a new file. Now the flag's own
line is removed (the stack's value is compose's again), leaked-host-port's fix says so as advice, and
a second preflight is clean; a Python `load_dotenv(` with `override=True,` below it alike.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Safety, Severity
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "express-rest-boilerplate"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
CHECKS = ("dotenv-override", "leaked-host-port", "service-name-drift")
EXAMPLE = "  example: path.join(__dirname, '../../.env.example'),\n"


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, str, int | None, Safety | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.check, f.location.path.name if f.location else "", f.location.line if f.location else None,
             f.fix.safety if f.fix else None) for f in report.findings if f.severity is Severity.ERROR]


def _fix(root: Path) -> None:
    """`doctor fix --env`, the family of both faults: the stack publishes 3000 and 27017, which a developer's own
    stack may hold, and port-collision's moves would write a docker-compose.override.yml of their own."""
    options = _options(root)
    fix(FixOptions(project=options, families=frozenset({"env"}), yes=True, env=dict(options.env)), load_registry())


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.parts}


def test_an_override_flag_on_its_own_line_is_dropped_in_one_run(tmp_path: Path) -> None:
    root = tmp_path / "express-rest-boilerplate"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    env = (root / ".env.example").read_text()
    (root / ".env").write_text(env.replace("MONGO_URI=mongodb://mongodb:", "MONGO_URI=mongodb://localhost:", 1))
    assert _found(root) == []  # the load does not override: compose's MONGO_URI wins
    vars_js = root / "src" / "config" / "vars.js"
    upstream = vars_js.read_text()
    assert upstream.count(EXAMPLE) == 1
    vars_js.write_text(upstream.replace(EXAMPLE, EXAMPLE + "  override: true,\n"))
    assert _found(root) == [("dotenv-override", "vars.js", 4, Safety.SAFE),
                            ("leaked-host-port", ".env", 5, Safety.ADVICE)]
    before = _tree(root)
    _fix(root)
    after = _tree(root)
    assert set(after) == set(before)  # no docker-compose.override.yml: its MONGO_URI would lose to the load
    assert {k for k in after if after[k] != before[k]} == {"src/config/vars.js"}
    assert after["src/config/vars.js"] == upstream
    assert _found(root) == []
    _fix(root)
    assert _tree(root) == after


def test_a_python_override_keyword_on_its_own_line_is_dropped(tmp_path: Path) -> None:
    root = tmp_path / "api"
    (root / "app").mkdir(parents=True)
    (root / "compose.yaml").write_text(
        "services:\n  api:\n    image: python:3.12-slim\n    working_dir: /app\n"
        "    command: python main.py\n    volumes: ['./app:/app']\n"
        "    environment:\n      REDIS_URL: redis://redis:6379/0\n    depends_on: [redis]\n"
        "  redis:\n    image: redis:7\n")
    (root / "app" / ".env").write_text("REDIS_URL=redis://localhost:6379/0\n")
    main = ("import os\n\nfrom dotenv import load_dotenv\n\nload_dotenv(\n    \".env\",\n{flag})\n"
            "print(os.environ['REDIS_URL'])\n")
    (root / "app" / "main.py").write_text(main.format(flag="    override=True,\n"))
    found = _found(root)
    assert ("dotenv-override", "main.py", 5, Safety.SAFE) in found
    _fix(root)
    assert (root / "app" / "main.py").read_text() == main.format(flag="")
    assert (root / "app" / ".env").read_text() == "REDIS_URL=redis://localhost:6379/0\n"
    assert not (root / "compose.override.yaml").exists()
    assert _found(root) == []


@pytest.mark.parametrize("odd", ["\x0c", "\x0b", "\x85", "\x1c"])
def test_a_break_only_str_splitlines_sees_above_the_flag_moves_no_line(tmp_path: Path, odd: str) -> None:
    """A form feed, vertical tab, NEL or file separator in a comment above the load ends no line for Node, an
    editor or the fixer: the flag is found at its own line, and one run drops it (str.splitlines numbered it a line
    too low, and the fix was advice)."""
    root = tmp_path / "express-rest-boilerplate"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    env = (root / ".env.example").read_text()
    (root / ".env").write_text(env.replace("MONGO_URI=mongodb://mongodb:", "MONGO_URI=mongodb://localhost:", 1))
    vars_js = root / "src" / "config" / "vars.js"
    upstream = f"// settings{odd} read once\n" + vars_js.read_text()
    vars_js.write_bytes(upstream.replace(EXAMPLE, EXAMPLE + "  override: true,\n").encode())
    assert _found(root) == [("dotenv-override", "vars.js", 5, Safety.SAFE),
                            ("leaked-host-port", ".env", 5, Safety.ADVICE)]
    _fix(root)
    assert vars_js.read_bytes() == upstream.encode()
    assert _found(root) == []
