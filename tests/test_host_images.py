"""EngineImages: one image list answers presence for every service; an inspect only where needed."""

from __future__ import annotations

from typing import Any

import pytest

from doctor.host.images import EngineImages, reference_key
from doctor.model import Unavailable


class ListingEngine:
    """An engine double that records every GET; `routes` maps a path to its JSON (absent = 404)."""

    def __init__(self, routes: dict[str, Any]) -> None:
        self.routes = routes
        self.asked: list[str] = []

    def get_json(self, path: str) -> Any:
        self.asked.append(path)
        if path not in self.routes:
            raise Unavailable(f"docker engine answered 404 to GET {path}")
        return self.routes[path]


@pytest.mark.parametrize(("written", "key"), [
    ("redis", "docker.io/library/redis:latest"),
    ("docker.io/library/redis:latest", "docker.io/library/redis:latest"),
    ("index.docker.io/redis", "docker.io/library/redis:latest"),
    ("bitnami/redis:7", "docker.io/bitnami/redis:7"),
    ("ghcr.io/org/app:1.2", "ghcr.io/org/app:1.2"),
    ("localhost:5000/app", "localhost:5000/app:latest"),
    ("registry.local:5000/team/app:dev", "registry.local:5000/team/app:dev"),
    ("org/app:1@sha256:abc", "docker.io/org/app@sha256:abc"),
])
def test_reference_key_is_the_name_the_engine_resolves(written: str, key: str) -> None:
    assert reference_key(written) == key


def test_one_list_answers_every_service_and_only_present_images_are_inspected() -> None:
    engine = ListingEngine({
        "/images/json": [
            {"Id": "sha256:1", "RepoTags": ["postgres:17"], "RepoDigests": ["postgres@sha256:d1"]},
            {"Id": "sha256:2", "RepoTags": ["<none>:<none>"], "RepoDigests": None},
        ],
        "/images/postgres:17/json": {"Id": "sha256:1", "Os": "linux", "Architecture": "amd64"},
    })
    images = EngineImages(engine)  # type: ignore[arg-type]
    names = ["postgres:17", "docker.io/library/postgres:17", "redis:7", "postgres@sha256:d1", "<none>:<none>"]
    assert images.present(names * 400) == {"postgres:17", "docker.io/library/postgres:17", "postgres@sha256:d1"}
    assert engine.asked == ["/images/json"]
    for _ in range(3):
        facts = images.image("postgres:17")
        assert facts is not None and facts.platform == "linux/amd64"
    assert engine.asked == ["/images/json", "/images/postgres:17/json"]  # inspected once per run


def test_an_engine_that_cannot_list_is_asked_per_image() -> None:
    engine = ListingEngine({"/images/web:1/json": {"Id": "sha256:9", "Os": "linux", "Architecture": "arm64"}})
    images = EngineImages(engine)  # type: ignore[arg-type]
    assert images.present(["web:1", "db:2", "web:1"]) == {"web:1"}
    assert sorted(engine.asked) == ["/images/db:2/json", "/images/json", "/images/web:1/json"]


def test_an_unreachable_engine_is_unavailable() -> None:
    class Down:
        def get_json(self, path: str) -> Any:
            raise Unavailable("cannot connect to the docker engine")

    with pytest.raises(Unavailable):
        EngineImages(Down()).present(["redis:7"])  # type: ignore[arg-type]
