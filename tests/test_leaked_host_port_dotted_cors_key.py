"""leaked-host-port on a server's dotted CORS setting: search-a-licious (tests/replay/search-a-licious).

openfoodfacts/search-a-licious gives its two Elasticsearch nodes `http.cors.allow-origin:
http://localhost:8080,http://127.0.0.1:8080` (the elasticvue page the developer's browser opens) through the
`x-base-es-envs` anchor. doctor preflight reported it twice as an error at docker-compose.yml:29
("http.cors.allow-origin
host 'localhost' is 'es02' itself in its container (did you mean 'elasticvue'?)", and the same for 127.0.0.1), with a
fix that would make Elasticsearch refuse the browser's requests: an origin is an address the server answers, never
one it dials. Keys naming CORS, origins, binds or listeners were passed over as `_`-parted words only; a server's
own settings part them by `.` and `-` too, and are passed over the same now.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions
from doctor.project.env_hosts import NOT_A_DIAL

REPLAY = Path(__file__).parent / "replay" / "search-a-licious"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}


def _found(tmp_path: Path, replace: tuple[str, str] | None = None) -> list[tuple[str, int | None]]:
    root = tmp_path / "search-a-licious"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    if replace is not None:
        compose = root / "docker-compose.yml"
        text = compose.read_text()
        assert text.count(replace[0]) == 1, replace[0]
        compose.write_text(text.replace(*replace))
    options = ProjectOptions(path=root, env={**ENV, "HOME": str(tmp_path)})
    report = preflight(RunOptions(project=options, select=("leaked-host-port",), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.location.line if f.location else None) for f in report.findings]


def test_the_browser_origins_elasticsearch_answers_are_no_dial(tmp_path: Path) -> None:
    assert _found(tmp_path) == []


def test_a_dotted_key_that_dials_is_still_judged(tmp_path: Path) -> None:
    """the anchor's line given a key that names a peer to reach (not an origin): still reported"""
    found = _found(tmp_path, ("  http.cors.allow-origin: http://localhost:8080,http://127.0.0.1:8080\n",
                              "  monitoring.url: http://localhost:8080\n"))
    assert [line for _, line in found] == [29], found


def test_dotted_and_dashed_words() -> None:
    for key in ("http.cors.allow-origin", "http.cors.allow_origin", "network.bind_host", "cors-origins",
                "CORS_ALLOWED_ORIGINS", "server.listen-address"):
        assert NOT_A_DIAL.search(key), key
    for key in ("monitoring.url", "discovery.seed_hosts", "elasticsearch.hosts", "spring.datasource.url",
                "DATABASE_URL", "corsproxy.url"):
        assert not NOT_A_DIAL.search(key), key
