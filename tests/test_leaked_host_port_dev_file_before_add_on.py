"""leaked-host-port's fix behind a COMPOSE_FILE list whose last file is an add-on (tests/replay/open-prices).

openfoodfacts/open-prices' `.env` sets `COMPOSE_FILE=docker-compose.yml;docker/dev.yml;docker/ocr.yml`: dev.yml is
the development file (it builds the dev stage and mounts the sources of 'api', 'scheduler' and 'update-listener'),
ocr.yml adds 'paddlex' alone. With postgres published on 5433 (`POSTGRES_EXPOSE=127.0.0.1:5433`) and
`POSTGRES_PORT=5433` beside it in `.env`, doctor fix --yes left the error, its fix advice only ('set
POSTGRES_PORT=5432 in the environment of ...', naming no file), since only the last file may be the override and
ocr.yml is an add-on. Now the last file named for development that no later file overrides for those services takes
the value, and one `doctor fix` settles it, adding lines to docker/dev.yml and changing none.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Safety
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "open-prices"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
MESSAGE = ("POSTGRES_PORT dials postgres:5433, the host port of 'postgres', which listens on 5432 inside the "
           "network ('api' reads POSTGRES_PORT in config/settings.py)")


def _checkout(tmp_path: Path, ocr_extra: str = "") -> Path:
    root = tmp_path / "open-prices"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    # config/settings.py as upstream reads the variable (the replay keeps config/__init__.py alone)
    (root / "config" / "settings.py").write_text('import os\n\nPORT = os.getenv("POSTGRES_PORT")\n')
    env = root / ".env"
    text = env.read_text()
    for old, new in (("POSTGRES_PORT=5432\n", "POSTGRES_PORT=5433\n"),
                     ("POSTGRES_EXPOSE=127.0.0.1:5432\n", "POSTGRES_EXPOSE=127.0.0.1:5433\n")):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    env.write_text(text)
    if ocr_extra:
        (root / "docker" / "ocr.yml").write_text((root / "docker" / "ocr.yml").read_text() + ocr_extra)
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root.parent)})


def _found(root: Path) -> list[tuple[str, str | None, int | None, Safety | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=("leaked-host-port",), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.location.path.name if f.location else None, f.location.line if f.location else None,
             f.fix.safety if f.fix else None) for f in report.findings]


def test_one_fix_sets_the_port_in_the_dev_file_before_the_add_on(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    dev = root / "docker" / "dev.yml"
    before = dev.read_text()
    assert _found(root) == [(MESSAGE, "docker-compose.yml", 9, Safety.SAFE)]
    options = _options(root)
    fix(FixOptions(project=options, yes=True, families=frozenset({"env"}), env=dict(options.env)), load_registry())
    after = dev.read_text()
    changed = [line for line in difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
               if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ['+    environment:\n', '+      POSTGRES_PORT: "5432"\n'] * 3, "".join(changed)
    assert _found(root) == []
    assert (root / "docker" / "ocr.yml").read_bytes() == (REPLAY / "docker" / "ocr.yml").read_bytes()
    again = fix(FixOptions(project=options, yes=True, families=frozenset({"env"}), env=dict(options.env)),
                load_registry())
    assert not again.diffs and dev.read_text() == after


def test_a_later_file_defining_the_service_keeps_it_advice(tmp_path: Path) -> None:
    """ocr.yml setting api's environment too: its entries win over dev.yml's, so dev.yml is no place for the value."""
    root = _checkout(tmp_path, "  api:\n    environment:\n      - OCR_ON=1\n")
    assert _found(root) == [(MESSAGE, "docker-compose.yml", 9, Safety.ADVICE)]
