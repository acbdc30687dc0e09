"""`doctor why` after an `up` that stopped at a compose file that is no YAML: compose refused the project.

awesome-compose's nginx-flask-mongo (tests/replay/awesome-compose-nginx-flask-mongo) with a compose.override.yaml
cut short (`ports: [`): compose v2 says `failed to parse .../compose.override.yaml: yaml: line 3: did not find expected
node content` and creates nothing. Live and piped, why showed `(all services)  no container (not created)` with the
compose-config finding, then `- backend`, `- mongo`, `- web  no container (not created)` and "all 3 services failed"
(compose's `failed to parse` prefix was no refusal it read). It is now compose refusing the project: one cause, its
file:line, no service listed below it, and a count line saying so.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from test_why_live import _blocks, compose, run_why
from test_why_live import image as image  # the stand-in image fixture, tagged per test
from why_run import run_why as run_why_piped

from doctor.why.refused import refusal

REPLAY = Path(__file__).parent / "replay" / "awesome-compose-nginx-flask-mongo"
BROKEN = "services:\n  web:\n    ports: [\n"
# what compose v2 (Debian's docker.io) wrote for it, `up -d` in /tmp/audit-why2/yml
SAID = ("failed to parse /tmp/audit-why2/yml/compose.override.yaml: yaml: line 3: did not find expected node "
        "content")


def _copy(tmp_path: Path, image: str = "busybox") -> Path:
    root = tmp_path / "nfm"
    shutil.copytree(REPLAY, root)
    text = (root / "compose.yaml").read_text()
    (root / "compose.yaml").write_text(text.replace("image: nginx\n", f"image: {image}\n")
                                       .replace("image: mongo\n", f"image: {image}\n"))
    (root / "compose.override.yaml").write_text(BROKEN)
    return root


def _one_cause(text: str, refused: str) -> None:
    assert list(_blocks(text)) == ["(all services)"], text
    assert text.count("compose.override.yaml:3\n") == 1 and text.count("    cause    compose-config  ") == 1, text
    assert "did not find expected node content" in text and "services failed" not in text, text
    assert text.rstrip().splitlines()[-1].startswith(f"{refused}: "), text
    assert text.rstrip().endswith("· explained by compose-config"), text


def test_compose_s_parse_error_is_a_refusal() -> None:
    assert refusal(f" Network nfm_default  Creating\n{SAID}\n") == SAID


def test_piped_a_file_compose_cannot_parse_is_the_one_cause(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    done = run_why_piped(root, f"{SAID}\n", "-p", "nfm")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    _one_cause(done.stdout, "compose refused the project")
    assert "✗ (all services)  compose refused the project before creating any container" in done.stdout, done.stdout



def test_a_schema_refusal_of_a_yaml_file_counts_the_services(tmp_path: Path) -> None:
    # `compose.yaml: services...` holds `yaml: ` too: read as unparsable, the services were no longer counted. As every
    # refusal, they are not listed one by one (compose refused the whole project): the count line says how many
    root = _copy(tmp_path)
    (root / "compose.override.yaml").write_text("services:\n  web:\n    foo: 1\n")
    said = f"validating {root}/compose.override.yaml: services.web additional properties 'foo' not allowed"
    done = run_why_piped(root, f"{said}\n", "-p", "nfm")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "- web" not in done.stdout and done.stdout.rstrip().endswith("· 3 services not started"), done.stdout
    assert "compose.override.yaml:3" in done.stdout, done.stdout

@pytest.mark.docker
def test_live_a_file_compose_cannot_parse_is_the_one_cause(tmp_path: Path, docker_engine: str, image: str) -> None:
    root = _copy(tmp_path, image)
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    try:
        up = compose(docker_engine, root, name, "up", "-d")
        assert up.returncode != 0 and "yaml: line 3: did not find expected node content" in up.stderr, up.stderr
        status, text = run_why(root, name)
        assert status == 1, text
        _one_cause(text, "compose cannot read the project")
        assert "✗ (all services)  compose cannot read the project, so it created no container" in text, text
        status, text = run_why(root, name, service="web")  # the file stops web as every other
        assert status == 1, text
        _one_cause(text, "compose cannot read the project")
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans", "-t", "0")
