"""compose-config: what compose 2.24-2.40 refuses in its newer keys, which doctor passed in silence.
compose-go v2.9.1 (docker compose v2.40.3) checks, after its schema, that a service's `models:`
(compose 2.38) and its `build.secrets` name a declared model and secret, that a `develop.watch`
sync has a target and a path, that a GPU or device request asks for a count or for device ids,
not both, and that a config (its `content:` since 2.23) or a secret has exactly one source. Each
case runs through the real compose binary and doctor: compose stops, doctor reports an error at
the line; the project that uses these keys rightly is clean in both."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from doctor.checks.compose_config import ComposeConfig

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions

_GOOD = """\
services:
  chat:
    image: busybox
    models: [llm]
    post_start:
      - command: chown -R 1000 /data
  app:
    build:
      context: .
      secrets: [npmrc]
    models:
      llm: {endpoint_var: AI_URL, model_var: AI_MODEL}
    gpus:
      - driver: nvidia
        count: 1
    configs: [app_cfg]
    develop:
      watch:
        - {action: sync, path: ./src, target: /app/src}
        - {action: rebuild, path: package.json}
  db:
    provider:
      type: awesomecloud
      options: {type: mysql}
models:
  llm:
    model: ai/smollm2
configs:
  app_cfg:
    content: |
      listen = 8080
secrets:
  npmrc:
    file: ./npmrc
"""


def _project(root: Path, compose: str) -> Path:
    root.mkdir(parents=True)
    (root / "compose.yaml").write_text(compose)
    (root / "Dockerfile").write_text("FROM busybox\n")
    (root / "npmrc").write_text("registry=x\n")
    (root / "package.json").write_text("{}\n")
    (root / "src").mkdir()
    return root


def _errors(root: Path) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root.parent), "DOCTOR_NO_CACHE": "1"}
    project = Project(ProjectOptions(path=root, env=env))
    return [f"{f.location.line if f.location else None}: {f.message}"
            for f in ComposeConfig().run(project, Host(env=env, timeout=1.0)) if f.severity is Severity.ERROR]


def _compose_says(compose_bin: str, root: Path) -> str:
    done = subprocess.run([compose_bin, "config", "-q"], cwd=root, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(root.parent)})
    return done.stderr if done.returncode else ""


def test_the_newer_keys_used_rightly_are_clean_in_both(tmp_path: Path, compose_bin: str) -> None:
    root = _project(tmp_path / "p", _GOOD)
    assert _compose_says(compose_bin, root) == ""
    assert _errors(root) == []


# (what to change in _GOOD, what compose says, what doctor says)
_BROKEN = [
    ("    models: [llm]\n", "    models: [lmm]\n",
     'service "chat" refers to undefined model lmm', "4: service 'chat' refers to undefined model lmm"),
    ("      llm: {endpoint_var", "      embedder: {endpoint_var",
     'service "app" refers to undefined model embedder', "12: service 'app' refers to undefined model embedder"),
    ("      secrets: [npmrc]\n", "      secrets: [npmrcc]\n",
     'service "app" refers to undefined build secret npmrcc',
     "10: service 'app' refers to undefined build secret npmrcc"),
    ("target: /app/src}", "}", "services.app.develop.watch: target is required for non-rebuild actions",
     "19: 'app' develop.watch action 'sync' has no target: compose needs one but for rebuild and restart"),
    ("path: package.json}", "path: ''}", "services.app.develop.watch.[].path: value can't be blank",
     "20: services.app.develop.watch[1].path is blank: compose needs the host path to watch"),
    ("        count: 1\n", "        count: 1\n        device_ids: ['0']\n",
     'services.app.gpus.[]: "count" and "device_ids" attributes are exclusive',
     "14: 'app' gpus[0] sets both count and device_ids, which exclude each other"),
    ("      listen = 8080\n", "      listen = 8080\n    file: ./npmrc\n",
     "configs.app_cfg: file|environment|content attributes are mutually exclusive",
     "32: config 'app_cfg' sets content and file, which exclude each other: compose reads one of them"),
    ("    file: ./npmrc\n", "    name: npmrc\n", "secrets.npmrc: one of file|environment must be set",
     "33: secret 'npmrc' sets none of file|environment: compose needs one of them"),
    ("    file: ./npmrc\n", "    driver: vault\n", 'secret "npmrc" must declare either `file` or `environment`',
     "33: secret 'npmrc' must declare either `file` or `environment`"),
]


@pytest.mark.parametrize(("old", "new", "compose_says", "doctor_says"), _BROKEN)
def test_what_compose_stops_on_is_an_error_at_its_line(tmp_path: Path, compose_bin: str, old: str, new: str,
                                                       compose_says: str, doctor_says: str) -> None:
    assert old in _GOOD
    root = _project(tmp_path / "p", _GOOD.replace(old, new, 1))
    assert compose_says in _compose_says(compose_bin, root)
    assert _errors(root) == [doctor_says]


def test_a_profile_off_service_is_validated_but_not_checked_for_references(tmp_path: Path, compose_bin: str) -> None:
    """compose-go validates every service of the merged files (a GPU request of a service whose
    profile is off too), but checks references on the enabled ones alone."""
    off = "  off:\n    image: busybox\n    profiles: [x]\n    models: [nope]\n"
    root = _project(tmp_path / "refs", _GOOD.replace("models:\n  llm:", off + "models:\n  llm:"))
    assert _compose_says(compose_bin, root) == "" and _errors(root) == []
    gpus = "  off:\n    image: busybox\n    profiles: [x]\n    gpus: [{count: 1, device_ids: ['0']}]\n"
    root = _project(tmp_path / "gpus", _GOOD.replace("models:\n  llm:", gpus + "models:\n  llm:"))
    assert '"count" and "device_ids" attributes are exclusive' in _compose_says(compose_bin, root)
    assert _errors(root) == ["28: 'off' gpus[0] sets both count and device_ids, which exclude each other"]


def test_an_undefined_model_gets_the_declared_one_meant(tmp_path: Path) -> None:
    """The did-you-mean of an undefined volume or secret, for a model: asked, not applied unasked, as
    compose names the variables it hands the service after the model (LLM_URL, LLM_MODEL)."""
    root = _project(tmp_path / "p", _GOOD.replace("    models: [llm]\n", "    models: [lmm]\n", 1))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root.parent), "DOCTOR_NO_CACHE": "1"}
    found = [f for f in ComposeConfig().run(Project(ProjectOptions(path=root, env=env)), Host(env=env, timeout=1.0))
             if f.severity is Severity.ERROR]
    assert [f.fix.title.split(" (")[0] if f.fix else None for f in found] == [
        "did you mean 'llm'? use it instead of 'lmm'"]
    assert found[0].fix is not None and found[0].fix.safety.value == "unsafe"
