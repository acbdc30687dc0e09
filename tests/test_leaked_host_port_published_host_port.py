"""An address a server reads that dials, on localhost, the host port a peer publishes for itself.

onyx-dot-app/onyx (tests/replay/onyx, a7d66a8, MIT outside ee/) runs its stack under `-f docker-compose.yml
-f docker-compose.dev.yml`, every service loading deployment/docker_compose/.env (a copy of env.template);
the dev file publishes minio's API as `9004:9000`, and api_server's app_configs.py reads S3_ENDPOINT_URL.
A `.env` whose `S3_ENDPOINT_URL=http://localhost:9004` came from the host's settings (where the backend runs
outside Docker, as CONTRIBUTING.md's manual setup does) passed doctor preflight, while 'api_server' and
'background' dial themselves: an http URL to a published port was taken for a page to open unless it named
the peer's container port (`http://localhost:9000` was found), and minio, given the same key by the shared
`.env`, was taken for a listener handed its own public URL. Now a server-read address key dialing the host
port its peer publishes is judged too (not where that publisher fronts the reader, nor where an app of the
project is given its own URL), and one `doctor fix --yes` sets `http://minio:9000` in the dev override.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from replay_found import HOST_ENV

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

REPLAY = Path(__file__).resolve().parent / "replay" / "onyx"
TEMPLATE_LINE = "S3_ENDPOINT_URL=http://minio:9000"


def _copy(tmp_path: Path, line: str) -> Path:
    """The replay copied, its `.env` the template with the S3 endpoint's line written so; the compose folder."""
    root = tmp_path / "onyx"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    folder = root / "deployment" / "docker_compose"
    text = (folder / "env.template").read_text()
    assert f"\n{TEMPLATE_LINE}\n" in text
    (folder / ".env").write_text(text.replace(f"\n{TEMPLATE_LINE}\n", f"\n{line}\n"))
    return folder


def _options(folder: Path) -> ProjectOptions:
    return ProjectOptions(path=folder, env={**HOST_ENV, "HOME": str(folder.parents[2]),
                                            "COMPOSE_FILE": "docker-compose.yml:docker-compose.dev.yml"})


def _found(folder: Path) -> list[tuple[str, str, int | None]]:
    report = preflight(RunOptions(project=_options(folder), select=("leaked-host-port",),
                                  env=dict(_options(folder).env)), load_registry()).report
    return [(f.message.split(" (did you")[0], f.location.path.name if f.location else "",
             f.location.line if f.location else None) for f in report.findings]


def _line(folder: Path) -> int:
    return next(n for n, line in enumerate((folder / ".env").read_text().splitlines(), 1)
                if line.startswith("S3_ENDPOINT_URL="))


@pytest.mark.parametrize("line", [TEMPLATE_LINE, "S3_ENDPOINT_URL=http://minio:9000/"])
def test_the_template_s_endpoint_is_clean(tmp_path: Path, line: str) -> None:
    assert _found(_copy(tmp_path, line)) == []


def test_the_host_s_endpoint_is_found_and_fixed_in_one_run(tmp_path: Path) -> None:
    from doctor.fixer import FixOptions, fix

    folder = _copy(tmp_path, "S3_ENDPOINT_URL=http://localhost:9004")
    assert _found(folder) == [
        ("S3_ENDPOINT_URL host 'localhost' is each container itself in 'api_server' and 'background'", ".env",
         _line(folder))]
    options = _options(folder)
    done = fix(FixOptions(project=options, families=frozenset({"env"}), yes=True, env=dict(options.env)),
               load_registry())
    assert [r.title for r in done.results] == [
        "set S3_ENDPOINT_URL=http://minio:9000 for 'api_server', 'background' in the dev override"]
    text = (folder / "docker-compose.dev.yml").read_text()
    assert text.count('S3_ENDPOINT_URL: "http://minio:9000"') == 2
    assert _found(folder) == []
