"""A compose secret's name is no secret: `secrets: [password]` lists names, which stay readable.

A service's `secrets: [password]` (a secret named `password`, the top-level `secrets:` reading it from a
file) was read by the secret collector as the value of a secret-named key (`secrets`), in its raw form
(`[password`) and in the flow list's block reading (`secrets: password`): `password` became a known secret
value, masked wherever it stood alone, so compose-config's fix for an undefined secret said `define secret
'***'`. A flow list under a `secrets:` key now gives names only; a value
under a key that names a password stays masked, in a flow list or a flow mapping as in block form.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from doctor.known_secrets import secrets_in_text

VALUE = "Kq7Wn2Px9Lz4Rt8Yh"


def _preflight(root: Path, tmp_path: Path) -> dict:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "DOCKER_HOST": "tcp://127.0.0.1:9",
           "DOCTOR_NO_CACHE": "1"}
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--format", "json", str(root)],
                          capture_output=True, text=True, timeout=120, env=env)
    return json.loads(done.stdout)


def test_an_undefined_secret_named_password_is_named_in_the_fix(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    # the secret's value (planted) sits in the environment too: it stays masked where a finding quotes it
    (root / "compose.yaml").write_text(
        "services:\n  app:\n    image: alpine:3.19\n    environment:\n"
        f"      PASSWORD: {VALUE}\n      DB_HOST: localhost:{VALUE}\n    secrets: [password]\n")
    report = _preflight(root, tmp_path)
    undefined = [f for f in report["findings"] if f["check"] == "compose-config" and "undefined secret" in f["message"]]
    assert len(undefined) == 1, report["findings"]
    assert undefined[0]["fix"]["title"].startswith("define secret 'password' "), undefined[0]
    assert VALUE not in json.dumps(report)


def test_names_under_secrets_are_no_values_and_a_password_value_stays_one() -> None:
    # names: a service's flow list, quoted, a list item's key
    assert secrets_in_text("services:\n  app:\n    image: alpine\n    secrets: [password]\n") == set()
    assert secrets_in_text("services:\n  app:\n    secrets: ['password', \"api_token\"]\n") == set()
    assert secrets_in_text("  - secrets: [db_password, api_key]\n") == set()
    # values: a password key's value in a flow list, a flow mapping, beside a `secrets:` list, in block form
    beside = f"services:\n  app:\n    environment: [PASSWORD={VALUE}]\n    secrets: [password]\n"
    assert VALUE in secrets_in_text(beside)
    assert VALUE in secrets_in_text(f"services:\n  app:\n    environment: {{PASSWORD: {VALUE}}}\n")
    assert VALUE in secrets_in_text(f"services:\n  app:\n    environment:\n      - PASSWORD={VALUE}\n")
    assert VALUE in secrets_in_text(f"PASSWORD={VALUE}\n")
    # an env file's `secrets=` holds a value, not a YAML list of names
    assert VALUE in secrets_in_text(f"secrets={VALUE}\n")
    # reviewW: a bracketed value after `=` too (`secrets=[...]` in a .env, interpolated into a port compose then
    # quotes in its error), while YAML's `secrets: [...]` after `:` lists names
    assert any(VALUE in found for found in secrets_in_text(f"secrets=[{VALUE}]\n"))


def test_a_bracketed_env_value_under_secrets_stays_masked_in_compose_s_error(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    (root / ".env").write_text("secrets=[hunter2horse]\n")
    (root / "compose.yaml").write_text(
        'services:\n  web:\n    image: alpine:3.19\n    ports:\n      - "${secrets}:80"\n')
    report = _preflight(root, tmp_path)
    assert "hunter2horse" not in json.dumps(report)
    assert any("invalid hostPort: ***" in f["message"] for f in report["findings"]), report["findings"]
