"""A localhost address a Django app hands the browser: its storage's media URL.

dandi/dandi-archive (tests/replay/dandi-archive, 3e3c3c9, Apache-2.0) gives 'django' and 'celery' one env
file, dev/.env.docker-compose, whose dials name the services (`@postgres:5432`, `amqp://rabbitmq:5672/`,
`DJANGO_MINIO_STORAGE_URL=http://...@minio:9000/...`) while `DJANGO_MINIO_STORAGE_MEDIA_URL=
http://localhost:9000/dandi-dandisets` stays on localhost by design: the base of the file URLs
django-minio-storage gives the browser. As cloned, doctor preflight reported it as both containers dialling
themselves, with a fix rewriting it to `http://minio:9000/...`, which no browser resolves: a URL under a key
naming minio was taken for MinIO's API whatever else the key said. Now a MEDIA_URL or STATIC_URL is a page
whichever server it names (as PUBLIC or BROWSER keys are); the dials beside it are still found.
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


def test_as_cloned_the_media_url_is_a_page(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    media = _line(root, "DJANGO_MINIO_STORAGE_MEDIA_URL")
    assert [line for _, _, line in found(_options(root), ("leaked-host-port",)) if line == media] == []


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
