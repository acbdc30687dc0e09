"""Which service builds the image a service without `build:` runs (compose builds it once, both run it).

`app: {build: ., image: myapp:dev}` beside `celery: {image: myapp:dev, command: celery ...}`: `up`
builds app's image and starts celery on it, so celery runs app's code (its COPYs, ENV, WORKDIR,
ENTRYPOINT and CMD). The service with `build:` and that `image:` is the builder; two builders of one
reference race each other (compose warns), and neither is taken.
"""

from __future__ import annotations

from collections.abc import Mapping

from doctor.project.types import Service


def reference_key(reference: str) -> str:
    """An image reference in full, as the engine resolves it: `redis` and `docker.io/library/redis:latest`
    are one key; a digest names the image whatever tag is written beside it."""
    name, _, digest = reference.partition("@")
    tag = ""
    if ":" in name.rsplit("/", 1)[-1]:
        name, tag = name.rsplit(":", 1)
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        domain, path = first, rest
    else:
        domain, path = "docker.io", name
    if domain == "index.docker.io":
        domain = "docker.io"
    if domain == "docker.io" and "/" not in path:
        path = f"library/{path}"
    return f"{domain}/{path}@{digest}" if digest else f"{domain}/{path}:{tag or 'latest'}"


def image_builders(services: Mapping[str, Service]) -> dict[str, Service]:
    """Each service with no `build:` whose `image:` (interpolated) names what exactly one other service
    builds, mapped to that builder: one pass over the services, one dict lookup each."""
    builders: dict[str, list[Service]] = {}
    for service in services.values():
        if service.build is not None and service.image:
            builders.setdefault(reference_key(service.image), []).append(service)
    if not builders:
        return {}
    found = {}
    for service in services.values():
        if service.build is None and service.image and "$" not in service.image:
            makers = builders.get(reference_key(service.image), ())
            if len(makers) == 1:
                found[service.name] = makers[0]
    return found
