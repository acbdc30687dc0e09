"""leaked-host-port, audit of makeplane/plane: an S3 endpoint the app also signs browser URLs with.

plane's apps/api/.env sets `AWS_S3_ENDPOINT_URL=http://localhost:9000`, MinIO's published port. Its
containers call MinIO with it, where localhost is themselves: they need `plane-minio:9000`. But
apps/api/plane/settings/storage.py builds the presigned upload and download URLs the browser opens
from the same value, and the browser cannot resolve `plane-minio`. The fix rewrote the value to
`http://plane-minio:9000` (unsafe, asked), which mended the containers and broke every upload. Such
a value has two audiences: the finding says so, and its fix is advice naming both addresses and the
app's own setting for the browsers' (plane's USE_MINIO=1, which signs for the host the request came
to), never an edit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.leaked_host_port import LeakedHostPort

from doctor.host import Host
from doctor.model import Finding, Safety
from doctor.project import Project, ProjectOptions

COMPOSE = """services:
  plane-redis:
    image: valkey/valkey:7.2.11-alpine
    ports:
      - "6379:6379"
  plane-minio:
    image: minio/minio
    ports:
      - "9000:9000"
      - "9090:9090"
  api:
    build:
      context: ./apps/api
    command: ./bin/docker-entrypoint-api-local.sh
    env_file:
      - ./apps/api/.env
    ports:
      - "8000:8000"
  worker:
    build:
      context: ./apps/api
    command: ./bin/docker-entrypoint-worker.sh
    env_file:
      - ./apps/api/.env
"""
DOTENV = 'AWS_S3_ENDPOINT_URL="http://localhost:9000"\nUSE_MINIO=0\nREDIS_URL="redis://localhost:6379/"\n'
DOCKERFILE = "FROM python:3.12-alpine\nWORKDIR /code\nCOPY . .\n"
# plane's storage.py, shortened: the endpoint read, the switch, the client signing for the request's host
STORAGE = '''import os
import boto3


class S3Storage:
    def __init__(self, request=None):
        self.aws_s3_endpoint_url = os.environ.get("AWS_S3_ENDPOINT_URL") or os.environ.get("MINIO_ENDPOINT_URL")
        if os.environ.get("USE_MINIO") == "1":
            endpoint = f"{request.scheme}://{request.get_host()}" if request else self.aws_s3_endpoint_url
        else:
            endpoint = self.aws_s3_endpoint_url
        self.s3_client = boto3.client("s3", endpoint_url=endpoint)

    def generate_presigned_url(self, object_name):
        return self.s3_client.generate_presigned_url("get_object", Params={"Key": object_name})
'''
CACHE = 'import os\n\nCACHES = {"default": {"LOCATION": os.environ.get("REDIS_URL")}}\n'


def run(root: Path, files: dict[str, str]) -> list[Finding]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(LeakedHostPort().run(project, Host(env={})))


def plane(root: Path, storage: str = STORAGE, compose: str = COMPOSE, dotenv: str = DOTENV) -> list[Finding]:
    return run(root, {"compose.yaml": compose, "apps/api/.env": dotenv, "apps/api/Dockerfile": DOCKERFILE,
                      "apps/api/plane/settings/storage.py": storage, "apps/api/plane/settings/cache.py": CACHE})


def endpoint(found: list[Finding], key: str = "AWS_S3_ENDPOINT_URL") -> Finding:
    hits = [f for f in found if f.subject.endswith(f":{key}")]
    assert len(hits) == 1, [f.message for f in found]
    return hits[0]


def test_plane_s3_endpoint_signing_browser_urls_is_advice_naming_both_audiences(tmp_path: Path) -> None:
    finding = endpoint(plane(tmp_path))
    assert finding.message == (
        "AWS_S3_ENDPOINT_URL host 'localhost' has two audiences: 'api' and 'worker' call S3 with it from their "
        "containers, where localhost is each container itself, and apps/api/plane/settings/storage.py signs "
        "the URLs browsers open with it, where only localhost:9000 reaches 'plane-minio'")
    assert finding.subject == "api,worker:AWS_S3_ENDPOINT_URL"
    assert finding.location is not None and finding.location.path.name == ".env" and finding.location.line == 1
    fix = finding.fix
    assert fix is not None and fix.safety is Safety.ADVICE and not fix.edits
    assert fix.title == (
        "the containers need http://plane-minio:9000 and browsers http://localhost:9000, not one value for "
        "both: set AWS_S3_ENDPOINT_URL=http://plane-minio:9000 and USE_MINIO=1, with which "
        "apps/api/plane/settings/storage.py signs browser URLs for the host "
        "the request came to (behind a proxy that sends the bucket's path to plane-minio:9000), or map "
        "plane-minio to 127.0.0.1 in the host's /etc/hosts and set http://plane-minio:9000 for both")


def test_other_keys_of_the_same_app_keep_their_rewrite(tmp_path: Path) -> None:
    finding = endpoint(plane(tmp_path), "REDIS_URL")
    assert finding.fix is not None and finding.fix.safety is not Safety.ADVICE and finding.fix.edits
    assert finding.fix.title.startswith("set REDIS_URL=redis://plane-redis:6379/ ")
    assert "two audiences" not in finding.message


def test_a_public_endpoint_key_the_app_reads_is_the_browsers(tmp_path: Path) -> None:
    storage = ('import os\nimport boto3\n\nINTERNAL = boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT"])\n'
               'PUBLIC = boto3.client("s3", endpoint_url=os.getenv("S3_PUBLIC_ENDPOINT"))\n\n\n'
               'def link(key):\n    return PUBLIC.generate_presigned_url("get_object", Params={"Key": key})\n')
    dotenv = 'S3_ENDPOINT=http://localhost:9000\n'
    finding = endpoint(plane(tmp_path, storage, dotenv=dotenv), "S3_ENDPOINT")
    assert finding.fix is not None and finding.fix.safety is Safety.ADVICE and not finding.fix.edits
    assert finding.fix.title == (
        "the containers need http://plane-minio:9000 and browsers http://localhost:9000, not one value for "
        "both: set S3_ENDPOINT=http://plane-minio:9000 for the containers and S3_PUBLIC_ENDPOINT="
        "http://localhost:9000, which apps/api/plane/settings/storage.py reads, for the browsers")


def test_a_node_app_signing_with_get_signed_url_and_no_split_setting(tmp_path: Path) -> None:
    compose = COMPOSE.replace("python", "node")
    files = {"compose.yaml": compose, "apps/api/.env": "AWS_ENDPOINT_URL_S3=http://localhost:9000\n",
             "apps/api/Dockerfile": "FROM node:22-alpine\nWORKDIR /code\nCOPY . .\n",
             "apps/api/src/files.ts": (
                 'import { S3Client, GetObjectCommand } from "@aws-sdk/client-s3";\n'
                 'import { getSignedUrl } from "@aws-sdk/s3-request-presigner";\n\n'
                 'const s3 = new S3Client({ endpoint: process.env.AWS_ENDPOINT_URL_S3, forcePathStyle: true });\n'
                 'export const link = (Key: string) =>\n'
                 '  getSignedUrl(s3, new GetObjectCommand({ Bucket: "b", Key }));\n')}
    finding = endpoint(run(tmp_path, files), "AWS_ENDPOINT_URL_S3")
    assert "apps/api/src/files.ts signs the URLs browsers open with it" in finding.message
    assert finding.fix is not None and finding.fix.safety is Safety.ADVICE and not finding.fix.edits
    assert finding.fix.title == (
        "the containers need http://plane-minio:9000 and browsers http://localhost:9000, not one value for "
        "both: map plane-minio to 127.0.0.1 in the host's /etc/hosts and set http://plane-minio:9000 for both, "
        "or sign browser URLs with a second client on http://localhost:9000")


def test_no_shared_name_where_the_peer_publishes_another_port(tmp_path: Path) -> None:
    # `minio:9000` mapped to 127.0.0.1 would reach the host's 9000, where nothing listens; judged at all
    # because the key names `minio`, which runs minio/minio (an http URL to a published port is else a page)
    compose = COMPOSE.replace('"9000:9000"', '"19000:9000"').replace("plane-minio:", "minio:")
    dotenv = "MINIO_ENDPOINT_URL=http://localhost:19000\n"
    finding = endpoint(plane(tmp_path, STORAGE.replace("USE_MINIO", "MINIO_REGION"), compose, dotenv),
                       "MINIO_ENDPOINT_URL")
    assert finding.message.endswith("where only localhost:19000 reaches 'minio'")
    assert finding.fix is not None and finding.fix.safety is Safety.ADVICE
    assert finding.fix.title == (
        "the containers need http://minio:9000 and browsers http://localhost:19000, not one value for "
        "both: sign browser URLs with a second client on http://localhost:19000")


@pytest.mark.parametrize("case", ["no-presigning", "only-a-test-presigns", "unpublished", "not-an-s3-key"])
def test_keeps_its_rewrite_where_no_browser_needs_the_address(tmp_path: Path, case: str) -> None:
    storage, compose, dotenv, key = STORAGE, COMPOSE, DOTENV, "AWS_S3_ENDPOINT_URL"
    if case == "no-presigning":  # the app only uploads: its containers alone dial the endpoint
        storage = STORAGE.replace("generate_presigned_url", "upload_fileobj")
    elif case == "only-a-test-presigns":  # a mock of the call says nothing of what the program signs
        storage = STORAGE.replace("generate_presigned_url", "upload_fileobj")
        tests = "apps/api/plane/tests/test_storage.py"
        (tmp_path / tests).parent.mkdir(parents=True)
        (tmp_path / tests).write_text('import os\n\nos.environ["AWS_S3_ENDPOINT_URL"] = "x"\n'
                                      'client.generate_presigned_url.assert_called_once()\n')
    elif case == "unpublished":  # no browser reaches MinIO at localhost:9000 either
        compose = COMPOSE.replace('    ports:\n      - "9000:9000"\n      - "9090:9090"\n', "    expose: ['9000']\n")
    else:
        storage, dotenv, key = STORAGE.replace("AWS_S3_ENDPOINT_URL", "BLOB_URL"), \
            DOTENV.replace("AWS_S3_ENDPOINT_URL", "BLOB_URL"), "BLOB_URL"
    finding = endpoint(plane(tmp_path, storage, compose, dotenv), key)
    assert "two audiences" not in finding.message
    assert finding.fix is not None and finding.fix.edits
    assert finding.fix.title.startswith(f"set {key}=http://plane-minio:9000 ")
