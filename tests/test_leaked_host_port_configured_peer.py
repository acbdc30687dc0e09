"""leaked-host-port names the server a host key's credentials open: ipl-dagster-pipeline (tests/replay).

mobidata-bw/ipl-dagster-pipeline runs dagster beside two postgres servers on 5432: 'dagster_postgresql',
dagster's own storage (`POSTGRES_USER: "${DAGSTER_POSTGRES_USER}"`), and 'ipl_postgis', the data the
pipeline writes (`POSTGRES_USER: "${IPL_POSTGRES_USER}"`, `${IPL_POSTGRES_PORT}:5432`). Its `.env.EXAMPLE`,
copied to `.env`, says `IPL_POSTGRES_HOST=localhost` (for `dagster dev` on the host), which
'dagster_pipeline' gets beside IPL_POSTGRES_USER, _PASSWORD, _DB and _PORT and reads through dagster's
`EnvVar('IPL_POSTGRES_HOST')` in pipeline/__init__.py. doctor asked "did you mean 'dagster_postgresql'?"
(the first server on 5432) and `doctor fix` wrote `IPL_POSTGRES_HOST: dagster_postgresql`: the pipeline
would log in to dagster's storage with the IPL credentials. Now the server compose configures from the
key's siblings' variables is the one named and written, in one run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "ipl-dagster-pipeline"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
# `doctor fix --env`, the family of the fault: the stack publishes 3000 and 5432, which a developer's own
# stack may hold, and port-collision's moves would write files of their own
ENV_FIXES = frozenset({"env"})
CHECKS = ("leaked-host-port", "service-name-drift")


def _pipeline(tmp_path: Path, *replace: tuple[str, str]) -> Path:
    """The replay with `.env` copied from `.env.EXAMPLE`, as its README has users do; its seven
    `IPL_WEBCAM_* # comment` lines, which compose refuses to read (compose-config's errors), left out."""
    root = tmp_path / "ipl-dagster-pipeline"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    lines = (root / ".env.EXAMPLE").read_text().splitlines(keepends=True)
    text = "".join(line for line in lines if not line.startswith("IPL_WEBCAM_"))
    for old, new in replace:
        assert text.count(old) == 1
        text = text.replace(old, new)
    (root / ".env").write_text(text)
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, str | None, int | None, str | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.message, f.location.path.name if f.location else None, f.location.line if f.location else None,
             f.fix.title if f.fix else None) for f in report.findings]


def test_localhost_names_the_server_its_sibling_credentials_configure_and_one_fix_settles_it(
        tmp_path: Path) -> None:
    root = _pipeline(tmp_path)
    env_before = (root / ".env").read_text()
    compose_before = (root / "docker-compose.yml").read_text()
    assert _found(root) == [(
        "IPL_POSTGRES_HOST=localhost is 'dagster_pipeline' itself in its container (did you mean 'ipl_postgis'?): "
        "'dagster_pipeline' reads IPL_POSTGRES_HOST in pipeline/__init__.py", ".env", 9,
        "set IPL_POSTGRES_HOST=ipl_postgis for 'dagster_pipeline' in a new dev override docker-compose.override.yml")]
    options = _options(root)
    fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())
    assert (root / "docker-compose.override.yml").read_text() == (
        "services:\n  dagster_pipeline:\n    environment:\n      IPL_POSTGRES_HOST: ipl_postgis\n")
    assert (root / ".env").read_text() == env_before
    assert (root / "docker-compose.yml").read_text() == compose_before
    assert _found(root) == []
    override = (root / "docker-compose.override.yml").read_text()
    fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())
    assert (root / "docker-compose.override.yml").read_text() == override


def test_the_host_naming_the_configured_server_and_its_host_port_beside_it(tmp_path: Path) -> None:
    # as the pipeline should say: clean; and its port moved on the host (`${IPL_POSTGRES_PORT}:5432`
    # publishes 5433), which the pipeline then dials too: the container port, for 'ipl_postgis'
    assert _found(_pipeline(tmp_path / "a", ("IPL_POSTGRES_HOST=localhost", "IPL_POSTGRES_HOST=ipl_postgis"))) == []
    moved = _pipeline(tmp_path / "b", ("IPL_POSTGRES_HOST=localhost", "IPL_POSTGRES_HOST=ipl_postgis"),
                      ("IPL_POSTGRES_PORT=5432", "IPL_POSTGRES_PORT=5433"))
    assert [(message, line) for message, _, line, _ in _found(moved)] == [(
        "IPL_POSTGRES_PORT=5433 is the host port of 'ipl_postgis', which listens on 5432 inside the network "
        "('dagster_pipeline' reads IPL_POSTGRES_PORT in pipeline/__init__.py)", 60)]
