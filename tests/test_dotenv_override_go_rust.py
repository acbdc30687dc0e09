"""dotenv-override for a Go app's `godotenv.Overload()` and a Rust app's dotenvy `dotenv_override()`.

svix/svix-webhooks' server (tests/replay/svix-server) loads `.env` with `dotenv()`, which leaves compose's values
be. Planted: the override form, `dotenvy::dotenv_override()`, with the dev override that binds `.:/app` and runs
`cargo run`, and the host's `.env` `SVIX_REDIS_DSN=redis://localhost:8078`: the server then dials its own
container for redis, whatever compose's `redis://redis:6379` says. doctor said nothing (only Python, Node and
Rails loaders were read for overriding). Now it is an error at the call, fixed there in one run
(`dotenvy::dotenv()`); a call imported by name gets advice, its `use` changing too. Go's `godotenv.Overload()`
alike, fixed as `godotenv.Load()`.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from test_loaded_env_rust_dotenvy import DEV

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Safety
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "svix-server"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
CHECKS = ("dotenv-override", "leaked-host-port")
DOTENV = "SVIX_REDIS_DSN=redis://localhost:8078\n"
CALL = "    dotenv().ok();\n"


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, str, str | None, int | None, str | None, Safety | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.check, f.message, f.location.path.name if f.location else None, f.location.line if f.location else None,
             f.fix.title if f.fix else None, f.fix.safety if f.fix else None) for f in report.findings]


def _fix(root: Path) -> None:
    options = _options(root)
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())


def _svix(tmp_path: Path, call: str, use: str = "use dotenvy::dotenv;") -> Path:
    root = tmp_path / "svix-server"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    main = root / "svix-server" / "src" / "main.rs"
    text = main.read_text()
    assert text.count(CALL) == 1 and text.count("use dotenvy::dotenv;\n") == 1
    main.write_text(text.replace(CALL, call).replace("use dotenvy::dotenv;\n", use + "\n"))
    (root / "docker-compose.override.yml").write_text(DEV)
    (root / ".env").write_text(DOTENV)
    return root


MESSAGE = "SVIX_REDIS_DSN='redis://localhost:8078' from .env:1 overrides compose's 'redis://redis:6379' in 'backend'"


def test_dotenvy_dotenv_override_is_found_and_fixed_in_one_run(tmp_path: Path) -> None:
    root = _svix(tmp_path, "    dotenvy::dotenv_override().ok();\n")
    assert _found(root) == [("dotenv-override", MESSAGE, "main.rs", 149,
                             "drop _override from dotenvy's dotenv_override() at svix-server/src/main.rs:149",
                             Safety.SAFE)]
    main = root / "svix-server" / "src" / "main.rs"
    before = main.read_text()
    _fix(root)
    assert main.read_text() == before.replace("dotenvy::dotenv_override()", "dotenvy::dotenv()")
    assert (root / ".env").read_text() == DOTENV
    assert _found(root) == []


def test_a_call_imported_by_name_gets_advice_and_the_plain_load_stays_clean(tmp_path: Path) -> None:
    root = _svix(tmp_path / "a", "    dotenv_override().ok();\n", "use dotenvy::dotenv_override;")
    assert _found(root) == [("dotenv-override", MESSAGE, "main.rs", 149,
                             "call dotenv() in place of dotenv_override() at svix-server/src/main.rs:149, "
                             "importing it (use dotenvy::dotenv;)", Safety.ADVICE)]
    # dotenv() as upstream calls it: compose's value stays, nothing to say
    assert _found(_svix(tmp_path / "b", CALL)) == []


def test_godotenv_overload_is_found_and_fixed_in_one_run(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "go.mod").write_text("module example.com/shop\n\ngo 1.22\n\nrequire github.com/joho/godotenv v1.5.1\n")
    main = root / "main.go"
    main.write_text('package main\n\nimport (\n\t"os"\n\n\t"github.com/joho/godotenv"\n)\n\nfunc main() {\n'
                    '\t_ = godotenv.Overload()\n\t_ = os.Getenv("REDIS_URL")\n}\n')
    (root / "Dockerfile").write_text('FROM golang:1.22\nWORKDIR /app\nCOPY . .\nCMD ["go", "run", "."]\n')
    (root / "compose.yaml").write_text("services:\n  api:\n    build: .\n    volumes:\n      - .:/app\n"
                                       "    environment:\n      REDIS_URL: redis://redis:6379/0\n"
                                       "  redis:\n    image: redis:7\n")
    (root / ".env").write_text("REDIS_URL=redis://localhost:6379/0\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert _found(root) == [("dotenv-override", "REDIS_URL='redis://localhost:6379/0' from .env:1 overrides "
                             "compose's 'redis://redis:6379/0' in 'api'", "main.go", 10,
                             "load with godotenv.Load, not Overload, at main.go:10", Safety.SAFE)]
    before = main.read_text()
    _fix(root)
    assert main.read_text() == before.replace("godotenv.Overload()", "godotenv.Load()")
    assert _found(root) == []
