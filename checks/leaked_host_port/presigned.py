"""leaked-host-port: an S3 endpoint on localhost that the app also signs browser URLs with.

plane's apps/api/.env sets `AWS_S3_ENDPOINT_URL=http://localhost:9000`, the port `plane-minio`
publishes. Its containers call MinIO with it, where localhost is themselves; but its storage.py
also builds the presigned upload and download URLs the browser opens from the same value, and a
browser cannot resolve `plane-minio`. One value cannot serve both: rewriting it mends the
containers and breaks every upload. Such a value is advice naming both addresses and the app's own
setting for the browsers' where its code reads one (a public endpoint key, or plane's USE_MINIO
switch), never an edit. A word search over the service's source text (doctor.project.codetext).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record, service_names
from doctor.project.codetext import CodeText, is_test
from doctor.project.types import Service

# keys of an S3-compatible endpoint: AWS_S3_ENDPOINT_URL, S3_ENDPOINT, MINIO_ENDPOINT_URL, AWS_ENDPOINT_URL_S3
S3_ENDPOINT_KEY = lazy(r"S3_?ENDPOINT|MINIO\w*ENDPOINT|(?:^|_)AWS_ENDPOINT_URL", re.IGNORECASE)
# calls that sign a URL for someone else to open: boto3's generate_presigned_url/post, minio's
# presigned_get_object and presignedGetObject, the AWS JS SDK's getSignedUrl and createPresignedPost
_PRESIGNS = lazy(r"\b(?:generate_presigned_\w+|presigned_\w+|presigned[A-Z]\w*|Presigned[A-Z]\w*|getSignedUrl"
                 r"|createPresigned\w+)\s*\(")
# a key the same code reads for the browsers' address of the storage (S3_PUBLIC_ENDPOINT, AWS_S3_CUSTOM_DOMAIN)
_PUBLIC_KEY = lazy(r"""(?:["']|\benv\.)([A-Z][A-Z0-9_]*(?:PUBLIC|EXTERNAL|BROWSER|CUSTOM_DOMAIN)[A-Z0-9_]*)\b""")
_STORAGE_WORD = lazy(r"S3|MINIO|STORAGE|BUCKET|ENDPOINT")
# a switch of the storage the same code reads (plane's USE_MINIO)
_SWITCH_KEY = lazy(r"""["']((?:USE|ENABLE)_[A-Z0-9_]*(?:MINIO|S3)[A-Z0-9_]*)["']""")
# the host the request came to: what a switch may sign browser URLs for (Django's request.get_host())
_REQUEST_HOST = lazy(r"\bget_host\(\)|\brequest\.host\b|\breq\.headers\.host\b|\breq\.get\(\s*[\"']host[\"']")


@record
class Signer:
    """A file of the service's code that names the endpoint's key and signs URLs with it, and what
    else it reads for the browsers: a public endpoint key, or a switch (with whether that code signs
    for the host the request came to)."""

    path: Path
    public: str = ""
    switch: str = ""
    request_host: bool = False


def signer(code: CodeText, name: str, folders: Iterable[Path], suffixes: frozenset[str]) -> Signer | None:
    """A program file under `folders` (of those suffixes, not a test) that names the key `name` and calls
    a presigning function, one that reads the key as a quoted key (`os.environ.get("KEY")`, plane's
    storage.py) before one that names a setting of that name (its export_task.py's
    `settings.AWS_S3_ENDPOINT_URL`); None when none does or the key is no S3 endpoint's."""
    if not S3_ENDPOINT_KEY.search(name):
        return None
    word = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")
    first: tuple[Path, str] | None = None
    for folder in folders:
        for path, text in code.files(folder):
            if path.suffix.lower() not in suffixes or name not in text or not word.search(text) \
                    or not _PRESIGNS.search(text) or is_test(path, folder):  # a test's mock signs nothing
                continue
            if f'"{name}"' in text or f"'{name}'" in text or f"env.{name}" in text:
                return _signer(path, text, name)
            first = first or (path, text)
    return _signer(*first, name) if first is not None else None


def _signer(path: Path, text: str, name: str) -> Signer:
    public = next((key for key in _PUBLIC_KEY.findall(text) if key != name and _STORAGE_WORD.search(key)), "")
    switch = _SWITCH_KEY.search(text)
    return Signer(path, public, switch[1] if switch else "", _REQUEST_HOST.search(text) is not None)


def audiences(names: list[str], shown: str, key: str, port: int, peer: str) -> str:
    """The message: who dials the endpoint from a container, and who opens the URLs `shown` signs with it."""
    if len(names) == 1:
        dialers = f"'{names[0]}' calls S3 with it from its container, where localhost is itself"
    else:
        listed = service_names(names[:-1]) + f" and '{names[-1]}'" if len(names) <= 4 else service_names(names)
        dialers = f"{listed} call S3 with it from their containers, where localhost is each container itself"
    return (f"{key} host 'localhost' has two audiences: {dialers}, and {shown} signs the URLs browsers open "
            f"with it, where only localhost:{port} reaches '{peer}'")


def advice(found: Signer, shown: str, key: str, inside: str, outside: str, peer: str, port: int,
           published: int) -> str:
    """The fix's title: the two addresses (`inside` the value dialing the peer on its container port,
    `outside` today's, on the host port it is `published` on), and the app's own way to give each its
    own; else one name for both, the peer's mapped to the host's loopback (only where it publishes its
    port as the same number: `plane-minio:9000` then reaches it from either side)."""
    head = f"the containers need {inside} and browsers {outside}, not one value for both: "
    second = f"sign browser URLs with a second client on {outside}"
    hosts = f"map {peer} to 127.0.0.1 in the host's /etc/hosts and set {inside} for both" if port == published \
        else second
    if found.public:
        return head + (f"set {key}={inside} for the containers and {found.public}={outside}, which {shown} "
                       "reads, for the browsers")
    if found.switch and found.request_host:
        return head + (f"set {key}={inside} and {found.switch}=1, with which {shown} signs browser URLs for the "
                       f"host the request came to (behind a proxy that sends the bucket's path to {peer}:{port}), "
                       f"or {hosts}")
    if found.switch:
        return head + f"see what {found.switch}, which {shown} reads, signs browser URLs with, or {hosts}"
    return head + (f"{hosts}, or {second}" if hosts != second else second)


def published_on(peer: Service, port: int) -> bool:
    """Whether the peer publishes host port `port` (where a browser on the host reaches it as localhost)."""
    for mapping in peer.ports:
        try:
            span = mapping.published_range
        except ValueError:
            continue
        if span is not None and span[0] <= port <= span[1]:
            return True
    return False
