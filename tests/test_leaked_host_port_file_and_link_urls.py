"""Localhost addresses a Django app hands out: its storage's media URL, and its API's own address in links.

dandi/dandi-archive (tests/replay/dandi-archive, 3e3c3c9, Apache-2.0) gives 'django' and 'celery' one env
file, dev/.env.docker-compose, whose dials name the services (`@postgres:5432`, `amqp://rabbitmq:5672/`,
`DJANGO_MINIO_STORAGE_URL=http://...@minio:9000/...`) while two lines stay on localhost by design:
`DJANGO_MINIO_STORAGE_MEDIA_URL=http://localhost:9000/dandi-dandisets`, the base of the file URLs
django-minio-storage gives the browser, and `DJANGO_DANDI_API_URL=http://localhost:8000`, the API's address
that both services write into manifests, mails and download links. As cloned, doctor preflight reported both
as containers dialling themselves: the media URL because its key names minio, whose API a URL under such a
key was taken for; the API's URL in 'celery' because its settings read it, though 'django', the listener, is
given the same key and value (redash's REDASH_HOST rule) and 'celery' does not wait for it. Now a MEDIA_URL or
STATIC_URL is a page whichever server it names, and the listener's own URL stays a link where the listener is
an app of the project the reader does not depend on (polarsource/polar's 'worker' depends on 'api', whose URL
it calls: still found, as is this one once 'celery' depends on 'django'); the dials beside them are still found.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from replay_found import found
from replay_found import host_options as _options

REPLAY = Path(__file__).resolve().parent / "replay" / "dandi-archive"
ENV = "dev/.env.docker-compose"


def _copy(tmp_path: Path, old: str | None = None, new: str = "") -> Path:
    root = tmp_path / "dandi-archive"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    if old is not None:
        path = root / ENV
        text = path.read_text()
        assert text.count(old) == 1
        path.write_text(text.replace(old, new))
    return root


def _line(root: Path, key: str) -> int:
    return next(n for n, line in enumerate((root / ENV).read_text().splitlines(), 1) if line.startswith(f"{key}="))


def test_as_cloned_it_is_clean(tmp_path: Path) -> None:
    assert found(_options(_copy(tmp_path)), ("leaked-host-port",)) == []


def test_the_api_s_url_is_a_dial_for_a_worker_that_waits_for_it(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    compose = root / "docker-compose.override.yml"
    text = compose.read_text()
    waits = "    depends_on:\n      django:\n        condition: service_started\n"
    assert text.count("    depends_on:\n      postgres:") == 2
    compose.write_text(text[::-1].replace("    depends_on:\n"[::-1], waits[::-1], 1)[::-1])
    assert [message.split(" (did you")[0] for message, _, _ in found(_options(root), ("leaked-host-port",))] == [
        "DJANGO_DANDI_API_URL host 'localhost' is 'celery' itself in its container"]


@pytest.mark.parametrize(("old", "new", "key", "meant"), [
    ("@minio:9000/", "@localhost:9000/", "DJANGO_MINIO_STORAGE_URL", "minio"),
    ("amqp://rabbitmq:5672/", "amqp://localhost:5672/", "DJANGO_CELERY_BROKER_URL", "rabbitmq"),
    ("@postgres:5432/", "@localhost:5432/", "DJANGO_DATABASE_URL", "postgres"),
])
def test_the_native_file_s_dials_are_found(tmp_path: Path, old: str, new: str, key: str, meant: str) -> None:
    root = _copy(tmp_path, old, new)
    at = _line(root, key)
    assert [message.split(" (did you")[0] for message, _, line in found(_options(root), ("leaked-host-port",))
            if line == at] == [f"{key} host 'localhost' is each container itself in 'django' and 'celery'"]
