"""A password piped into a tool that reads it on its standard input is masked.

Before: `echo SECRET | docker login -u me --password-stdin registry` printed SECRET wherever doctor
quoted the line (a Makefile recipe in doctor exec's advice, a CI script, a log `doctor why` reads),
and masked the registry instead (`--password-stdin` was read as a flag taking a password). The
readers: `--password-stdin` (docker, podman, helm, oras), `sudo -S`, `chpasswd` (`user:SECRET`),
`passwd --stdin`; the feeders: `echo`, `printf`, a here-string.
"""

from __future__ import annotations

import pytest

from doctor.redact import Redactor, scrub

SECRET = "Hq4Wz8Nm2Rt6"


@pytest.mark.parametrize(("text", "shown"), [
    (f"echo {SECRET} | docker login -u me --password-stdin registry.example.com",
     "echo *** | docker login -u me --password-stdin registry.example.com"),
    (f'echo -n "{SECRET}" | podman login --username me --password-stdin quay.io',
     'echo -n "***" | podman login --username me --password-stdin quay.io'),
    (f"printf '%s' {SECRET} | helm registry login r.io -u me --password-stdin",
     "printf '%s' *** | helm registry login r.io -u me --password-stdin"),
    (f"printf '{SECRET}' | oras login r.io -u me --password-stdin",
     "printf '***' | oras login r.io -u me --password-stdin"),
    (f"echo {SECRET} | sudo -S apt-get install -y curl", "echo *** | sudo -S apt-get install -y curl"),
    (f"echo {SECRET} | sudo -k -S true", "echo *** | sudo -k -S true"),
    (f'echo "root:{SECRET}" | chpasswd', 'echo "root:***" | chpasswd'),
    (f'echo "$APP_USER:{SECRET}" | chpasswd', 'echo "$APP_USER:***" | chpasswd'),
    (f"echo {SECRET} | passwd --stdin app", "echo *** | passwd --stdin app"),
    (f"docker login -u me --password-stdin <<< {SECRET}", "docker login -u me --password-stdin <<< ***"),
    (f"echo hi; echo -n {SECRET} | docker login -u me --password-stdin r",
     "echo hi; echo -n *** | docker login -u me --password-stdin r"),
    (f"login:\n\techo {SECRET} | \\\n\t  docker login -u me --password-stdin",  # a recipe continued with `\`
     "login:\n\techo *** | \\\n\t  docker login -u me --password-stdin"),
])
def test_the_piped_password_is_masked(text: str, shown: str) -> None:
    assert scrub(text) == shown
    assert Redactor([]).text(text) == shown  # the border every output passes


@pytest.mark.parametrize("text", [
    "echo $CI_REGISTRY_PASSWORD | docker login -u $CI_REGISTRY_USER --password-stdin $CI_REGISTRY",
    'echo "${REG_TOKEN}" | docker login --password-stdin ghcr.io',
    "echo $(PASSWORD) | docker login --password-stdin ghcr.io",  # make's variable
    'echo "${APP_USER}:${APP_PASSWORD}" | chpasswd',
    "cat token.txt | docker login -u me --password-stdin ghcr.io",  # a file, no literal
    "docker login --password-stdin ghcr.io < token.txt",
    "echo hello; docker login ghcr.io",  # no pipe into the reader
    "echo hello | docker login ghcr.io",  # docker asks; no reader of stdin
    "echo build done && docker login --password-stdin ghcr.io",  # `&&`: not piped
    "sort -S 10M words.txt | uniq",  # -S of another tool
    "cat /etc/passwd | grep root",
])
def test_references_files_and_other_pipes_stay(text: str) -> None:
    assert scrub(text) == text
