"""env-drift's fix copies a `.env.example` entry whole: a multi-line quoted value byte for byte.

compose reads the fixed `.env` as it reads the template (checked with the real `docker compose
config` where the binary is present), one run settles, and where the addition could not be
read back as that one entry (a `.env` ending inside an open quote) the fix is advice only.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from doctor.engine import load_registry
from doctor.fix_report import FixReport, FixStatus
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

COMPOSE = "services:\n  web:\n    image: alpine\n    environment:\n      K: ${K}\n"
PEM = b'K="-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----"\n'


def _project(root: Path, dotenv: bytes, example: bytes) -> Path:
    root.mkdir()
    (root / "compose.yaml").write_text(COMPOSE)
    (root / ".env").write_bytes(dotenv)
    (root / ".env.example").write_bytes(example)
    return root


def _fix(root: Path, tmp_path: Path) -> FixReport:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1",
           "XDG_STATE_HOME": str(tmp_path / "state")}
    options = FixOptions(project=ProjectOptions(path=root, env=env), families=frozenset({"env"}), yes=True, env=env)
    return fix(options, load_registry())


def _compose_env(compose_bin: str, root: Path, *extra: str) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root")}
    done = subprocess.run([compose_bin, *extra, "config", "--format", "json"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    environment: dict[str, str] = json.loads(done.stdout)["services"]["web"]["environment"]
    return environment


# name: (.env, .env.example, the entry's text that must reach .env byte for byte)
CASES = {
    "lf-example-lf-env": (b"A=1\n", PEM, PEM.rstrip()),
    "crlf-example-lf-env": (b"A=1\n", PEM.replace(b"\n", b"\r\n"), PEM.rstrip().replace(b"\n", b"\r\n")),
    "lf-example-crlf-env": (b"A=1\r\nB=2\r\n", PEM, PEM.rstrip()),
    "env-without-last-break": (b"A=1", PEM, PEM.rstrip()),
    "single-quotes-and-comment": (b"A=1\n", b"X=0\nK='line one\n  line two' # the key\nY=1\n",
                                  b"K='line one\n  line two' # the key\n"),
    "export-and-next-statement": (b"A=1\n", b'export K="a\nb" Y=1\n', b'export K="a\nb"\n'),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_multiline_entry_is_copied_whole_and_one_run_settles(name: str, tmp_path: Path) -> None:
    dotenv, example, statement = CASES[name]
    root = _project(tmp_path / name, dotenv, example)
    report = _fix(root, tmp_path)
    [result] = [r for r in report.results if r.check == "env-drift" and "'K'" in r.message]
    assert (result.status, result.fixed) == (FixStatus.APPLIED, True), result.reason
    written = (root / ".env").read_bytes()
    assert written.startswith(dotenv)
    assert statement in written  # every byte of the entry, its inner line breaks as in the example
    again = _fix(root, tmp_path)
    assert [r for r in again.results if r.status is FixStatus.APPLIED] == []
    assert (root / ".env").read_bytes() == written


@pytest.mark.compose
@pytest.mark.parametrize("name", sorted(CASES))
def test_compose_reads_the_value_of_the_example(name: str, tmp_path: Path, compose_bin: str) -> None:
    dotenv, example, _ = CASES[name]
    root = _project(tmp_path / name, dotenv, example)
    wanted = _compose_env(compose_bin, root, "--env-file", ".env.example")["K"]
    _fix(root, tmp_path)
    assert _compose_env(compose_bin, root)["K"] == wanted


def test_env_ending_in_an_open_quote_is_not_edited(tmp_path: Path) -> None:
    """compose cannot parse it (`unterminated quoted value`): doctor fix edits nothing, as for a YAML error."""
    dotenv = b'A=1\nB="open\n'
    root = _project(tmp_path / "open", dotenv, PEM)
    report = _fix(root, tmp_path)
    assert report.results == () and report.exit_code == 1
    assert any(n.startswith("doctor fix edits nothing while compose cannot read") for n in report.notes)
    assert (root / ".env").read_bytes() == dotenv


def test_single_line_entry_keeps_its_line_and_comment(tmp_path: Path) -> None:
    root = _project(tmp_path / "one", b"A=1\n", b"K=plain  # note\n")
    _fix(root, tmp_path)
    assert (root / ".env").read_bytes() == b"A=1\n# added by doctor from .env.example\nK=plain  # note\n"


@pytest.mark.parametrize("crlf", [False, True])
def test_keys_appended_to_an_env_whose_last_line_has_no_break_get_no_blank_lines(tmp_path: Path, crlf: bool) -> None:
    """The fixer gives the last line its break, once: each key's fix adding one too left a blank
    line before every key's comment. The file keeps its state (no break after the last line)."""
    eol = b"\r\n" if crlf else b"\n"
    root = _project(tmp_path / "open-end", b"A=1" + eol + b"B=2", b"K=1\nL=2\n")
    (root / "compose.yaml").write_text(COMPOSE + "      L: ${L}\n")
    report = _fix(root, tmp_path)
    assert [r.status for r in report.results if r.check == "env-drift"] == [FixStatus.APPLIED] * 2
    comment = b"# added by doctor from .env.example"
    assert (root / ".env").read_bytes() == eol.join([b"A=1", b"B=2", comment, b"K=1", comment, b"L=2"])
    assert _fix(root, tmp_path).results == ()
