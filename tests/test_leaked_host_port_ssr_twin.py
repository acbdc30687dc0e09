"""leaked-host-port and an SSR server's pair of addresses: baserow (tests/replay/baserow).

baserow's dev stack (`-f docker-compose.yml -f docker-compose.dev.yml`, `.env` copied from
`.env.dev.example`) gives its Nuxt 'web-frontend' `PUBLIC_BACKEND_URL=http://localhost:8000`, the address
the developer's browser opens, beside `PRIVATE_BACKEND_URL=http://backend:8000`, the one its server side
dials (clientHandler.js: `process.client ? PUBLIC_BACKEND_URL : PRIVATE_BACKEND_URL`). doctor took every
browser key of an SSR server for its own dial and reported PUBLIC_BACKEND_URL as an error, its fix
`PUBLIC_BACKEND_URL=http://backend:8000`, which the browser cannot resolve. A browser-side key whose
server-side twin the service also gets now stays a page; the twin on localhost is still found, and one
`doctor fix` settles it. Without a twin (or in a test runner, whose browser runs in the container) the
browser key is judged as before.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from dial_checks import edit
from doctor.checks.leaked_host_port import LeakedHostPort
from test_checks_static import inline, run, svc

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Finding, Severity
from doctor.project import ProjectOptions
from doctor.project.types import PortMapping

REPLAY = Path(__file__).parent / "replay" / "baserow"
FILES = ("docker-compose.yml", "docker-compose.dev.yml")
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}


def _baserow(tmp_path: Path, *extra: str) -> Path:
    root = tmp_path / "baserow"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    text = (root / ".env.dev.example").read_text()
    text = text.replace("UID=replace me with your uid", "UID=1000").replace("GID=replace me with your gid", "GID=1000")
    (root / ".env").write_text(text + "".join(f"{line}\n" for line in extra))
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, files=tuple(root / f for f in FILES), env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, int | None, str]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=("leaked-host-port",), env=dict(options.env)),
                       load_registry()).report
    findings: list[Finding] = [f for f in report.findings if f.severity >= Severity.WARNING]
    return [(f.location.path.name if f.location else "", f.location.line if f.location else None, f.message)
            for f in findings]


def test_as_cloned_the_public_url_is_the_browsers(tmp_path: Path) -> None:
    assert _found(_baserow(tmp_path)) == []


def test_the_server_side_twin_on_localhost_is_found_and_fixed_in_one_run(tmp_path: Path) -> None:
    root = _baserow(tmp_path, "PRIVATE_BACKEND_URL=http://localhost:8000")
    assert _found(root) == [(".env", 44, "PRIVATE_BACKEND_URL host 'localhost' is 'web-frontend' itself in its "
                             "container (did you mean 'backend'?): 'web-frontend' reads PRIVATE_BACKEND_URL in "
                             "web-frontend/modules/core/module.js")]
    options = _options(root)
    # the env fixes alone (leaked-host-port's): baserow publishes 8000, 5432, 6379..., which a developer's own
    # stack may hold, and port-collision's move of 8000 would rewrite this localhost URL's port too
    env = frozenset({"env"})
    fix(FixOptions(project=options, families=env, yes=True, env=dict(options.env)), load_registry())
    assert _found(root) == []
    assert "PRIVATE_BACKEND_URL=http://localhost:8000\n" in (root / ".env").read_text()  # the host's value kept


def test_a_browser_key_without_its_server_twin_is_still_judged(tmp_path: Path) -> None:
    root = _baserow(tmp_path)
    edit(root / "docker-compose.yml", "      PRIVATE_BACKEND_URL: ${PRIVATE_BACKEND_URL:-http://backend:8000}\n"
         "      PUBLIC_BACKEND_URL:\n", "      PUBLIC_BACKEND_URL:\n")
    assert [line for _, line, _ in _found(root)] == [23]


def test_twins_excuse_an_ssr_server_not_a_test_runner(tmp_path: Path) -> None:
    api = svc("api", ports=(PortMapping(8000, "8000"),))
    pair = inline(NEXT_PUBLIC_API_URL="http://localhost:8000", INTERNAL_API_URL="http://api:8000")
    ssr = svc("web", environment=pair, depends_on=("api",), command="npx next start")
    assert run(LeakedHostPort(), tmp_path, api, ssr) == []
    runner = svc("web", environment=pair, depends_on=("api",), command=("npx", "playwright", "test"))
    assert [f.subject for f in run(LeakedHostPort(), tmp_path, api, runner)] == ["web:NEXT_PUBLIC_API_URL"]
