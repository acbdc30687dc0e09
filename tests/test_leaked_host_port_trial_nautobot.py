"""leaked-host-port, new-user trials on nautobot/nautobot and mitodl/mitxonline.

nautobot: (1) `NAUTOBOT_REDIS_HOST=localhost` in dev.env was said to be read in nautobot_config.py, where the
name is only a string in a Kubernetes pod spec (`{"name": "NAUTOBOT_REDIS_HOST", "valueFrom": ...}`); the
reader is settings_funcs.py's `os.getenv("NAUTOBOT_REDIS_HOST", "localhost")`. (2) `NAUTOBOT_DB_PORT=5433` in
dev.env, the host port of `db`: the fix set the variable in the override for redis too, and left dev.env wrong,
while only the containers read that file (and `db`, the server, loads it too): its line is rewritten in place.
mitxonline: (3) `REDIS_URL: redis://localhost:6379/4` in the `x-environment` anchor that web and the notebook
profile's service merge: an override for the enabled services left the notebook dialling itself; the anchor's
line, the one source they share, takes the value.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from doctor.checks.leaked_host_port import LeakedHostPort
from trees import write_tree

from doctor.host import Host
from doctor.model import Finding, Safety
from doctor.project import Project, ProjectOptions

DOCKERFILE = "FROM python:3.12-slim\nWORKDIR /source\nCOPY app /source/app\n"


def run(root: Path, profiles: tuple[str, ...] = ()) -> list[Finding]:
    project = Project(ProjectOptions(path=root, profiles=profiles, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(LeakedHostPort().run(project, Host(env={})))



def test_a_key_written_as_a_pod_specs_dict_value_is_no_read(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "app/__init__.py": "", "app/core/__init__.py": "",
        "app/core/settings.py": 'import os\nREDIS_HOST = os.getenv("APP_REDIS_HOST", "localhost")\n',
        # sorts before app/: the walk meets it first
        "config.py": 'JOB_ENV = [{"name": "APP_REDIS_HOST", "valueFrom": {"configMapKeyRef": '
                     '{"key": "APP_REDIS_HOST"}}}]\n',
        "dev.env": "APP_REDIS_HOST=localhost\n",
        "Dockerfile": DOCKERFILE,
        "compose.yaml": 'services:\n  web: {build: ., env_file: dev.env, volumes: ["./config.py:/opt/config.py", '
                        '"./:/source"]}\n  redis: {image: redis:6-alpine, env_file: dev.env}\n',
    })
    (found,) = run(root)
    assert found.message.endswith("'web' reads APP_REDIS_HOST in app/core/settings.py"), found.message


def test_a_real_read_is_named_before_a_file_that_only_names_the_variable(tmp_path: Path) -> None:
    from doctor.project.codetext import CodeText

    write_tree(tmp_path, {"a_names.py": 'KEYS = ["APP_REDIS_HOST"]\n',
                     "b_reads.py": 'import os\nHOST = os.environ.get("APP_REDIS_HOST")\n',
                     "c_spec.py": 'ENV = {"name": "APP_ONLY_SPEC"}\n'})
    assert CodeText().reader_of("APP_REDIS_HOST", [tmp_path]) == str(tmp_path / "b_reads.py")
    assert CodeText().reader_of("APP_ONLY_SPEC", [tmp_path]) is None
    # a file that only names it is still the answer where nothing reads it as programs do
    (tmp_path / "b_reads.py").unlink()
    assert CodeText().reader_of("APP_REDIS_HOST", [tmp_path]) == str(tmp_path / "a_names.py")


NAUTOBOT_DB = {
    "dev.env": "APP_DB_HOST=db\nAPP_DB_PORT=5433\nREDIS_PASSWORD=x\n",
    "app/settings.py": 'import os\nPORT = os.getenv("APP_DB_PORT")\n',
    "Dockerfile": DOCKERFILE,
    "compose.yaml": "services:\n  web: {build: ., env_file: dev.env}\n  cache: {image: redis:6-alpine, env_file: "
                    'dev.env}\n  db: {image: postgres:14, env_file: dev.env, ports: ["5433:5432"]}\n',
    "compose.override.yaml": "services:\n  web:\n    volumes:\n      - ./app:/source/app\n",
}


def test_a_host_port_in_an_env_file_only_containers_read_is_rewritten_on_its_line(tmp_path: Path) -> None:
    root = write_tree(tmp_path, NAUTOBOT_DB)
    (found,) = run(root)
    assert found.message.startswith("APP_DB_PORT dials db:5433, the host port of 'db'"), found.message
    assert found.subject == "web:APP_DB_PORT"  # redis's server reads no app's key
    fix = found.fix
    assert fix is not None and fix.safety is Safety.UNSAFE
    # dev.env alone: no service gets the variable in the override ('cache' never reads it)
    assert [(e.path.name, e.line, e.new) for e in fix.edits] == [("dev.env", 2, "APP_DB_PORT=5432")]
    assert fix.title == "write APP_DB_PORT=5432 on its line in dev.env (only the containers read it)"


def test_a_server_image_loading_the_env_file_gets_no_override_entry(tmp_path: Path) -> None:
    # 'docs' loads dev.env too, and its code never names APP_DB_PORT: the line stays as it is for it, and the
    # override sets the value for 'web' alone, not for the redis server that merely loads the file
    files = dict(NAUTOBOT_DB, **{"docs/Dockerfile": "FROM python:3.12-slim\nCOPY . /docs\n",
                                 "docs/build.py": "print('docs')\n"})
    files["compose.yaml"] += "  docs: {build: ./docs, env_file: dev.env}\n"
    root = write_tree(tmp_path, files)
    (found,) = run(root)
    fix = found.fix
    assert fix is not None and fix.safety is Safety.SAFE, fix
    assert fix.title == "set APP_DB_PORT=5432 for 'web' in the dev override"
    (edit,) = fix.edits
    assert edit.path.name == "compose.override.yaml" and "cache" not in edit.new


MITXONLINE = """x-environment: &py-environment
  REDIS_URL: redis://localhost:6379/4
services:
  redis: {image: redis:7.2.4}
  web: {image: busybox, environment: {<<: *py-environment}}
  notebook: {image: busybox, profiles: ["notebook"], environment: {<<: *py-environment}}
"""


def test_an_anchor_line_a_profiles_service_merges_too_is_rewritten_in_place(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"compose.yaml": MITXONLINE,
                            "main/settings.py": 'import os; REDIS_URL = os.environ["REDIS_URL"]\n'})
    for profiles in ((), ("notebook",)):
        (found,) = run(root, profiles)
        fix = found.fix
        assert fix is not None and fix.safety is Safety.UNSAFE
        assert [(e.path.name, e.line, e.new) for e in fix.edits] == [
            ("compose.yaml", 2, "  REDIS_URL: redis://redis:6379/4")], profiles
        assert "(the line 'notebook', 'web' merge)" in fix.title
    # one run settles it under either profile set
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_STATE_HOME": str(tmp_path / "state")}
    done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--env", "--yes", "."], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert not (root / "compose.override.yaml").exists()
    assert run(root, ("notebook",)) == []


def test_an_anchor_line_the_server_merges_too_keeps_the_override(tmp_path: Path) -> None:
    # 'redis' merges the anchor too, where localhost is redis itself and right: the line stays, and the
    # override gives the value to the enabled consumer alone
    compose = MITXONLINE.replace("redis: {image: redis:7.2.4}", "redis: {image: redis:7.2.4, environment: "
                                 "{<<: *py-environment}}").replace('profiles: ["notebook"], ', "")
    root = write_tree(tmp_path, {"compose.yaml": compose})
    (found,) = run(root)
    fix = found.fix
    assert fix is not None and fix.safety is Safety.SAFE, fix
    assert [e.path.name for e in fix.edits] == ["compose.override.yaml"]
    assert "'redis'" not in fix.title
