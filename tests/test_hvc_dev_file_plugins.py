"""host-vs-container: a tool a dev requirements file lists beside its plugins is installed with that file.

makeplane/plane: the api image installs requirements/local.txt; requirements/test.txt lists pytest
with pytest-django and pytest-cov, which its pytest.ini needs (`DJANGO_SETTINGS_MODULE`, `--reuse-db`);
pytest installed alone fails on those.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_host_vs_container_advice import ABSENT, run


def plane(tmp_path: Path, test_txt: str) -> Path:
    """apps/api built with Dockerfile.dev (`pip install -r requirements/local.txt`), `./apps/api:/code`."""
    project = tmp_path / "plane"
    api = project / "apps" / "api"
    (api / "requirements").mkdir(parents=True)
    (api / "plane" / "tests").mkdir(parents=True)
    (api / "requirements.txt").write_text("-r requirements/production.txt\n")
    (api / "requirements" / "base.txt").write_text(ABSENT)
    (api / "requirements" / "production.txt").write_text("-r base.txt\ngunicorn==23.0.0\n")
    (api / "requirements" / "local.txt").write_text("-r base.txt\nruff==0.9.7\n")
    (api / "requirements" / "test.txt").write_text(test_txt)
    (api / "pytest.ini").write_text("[pytest]\nDJANGO_SETTINGS_MODULE = plane.settings.test\naddopts = --reuse-db\n")
    (api / "Dockerfile.dev").write_text(
        "FROM python:3.12.5-alpine AS backend\nWORKDIR /code\nCOPY requirements.txt ./requirements.txt\n"
        "ADD requirements ./requirements\nRUN pip install -r requirements/local.txt --compile --no-cache-dir\n"
        "COPY . .\nCMD [\"./bin/docker-entrypoint-api-local.sh\"]\n")
    (project / "Makefile").write_text("test:\n\tcd apps/api && pytest plane/tests\n")
    (project / "docker-compose.yml").write_text(
        "services:\n  api:\n    build:\n      context: ./apps/api\n      dockerfile: Dockerfile.dev\n"
        "    volumes:\n      - ./apps/api:/code\n")
    return project


def test_a_tool_listed_beside_its_plugins_is_installed_with_their_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = plane(tmp_path, "-r base.txt\npytest==9.0.3\npytest-django==4.5.2\npytest-cov==4.1.0\n")
    [finding] = run(project, monkeypatch)
    assert finding.message.endswith(
        "its image does not install 'pytest' either (apps/api/requirements/test.txt lists it for development, "
        "beside 'pytest-django' and 'pytest-cov')")
    assert finding.fix is not None and finding.fix.title.startswith(
        "install apps/api/requirements/test.txt in the image (a dev stage, `pip install -r "
        "requirements/test.txt`: 'pytest' alone lacks its plugins), then run it as 'docker compose")


def test_a_tool_listed_alone_is_installed_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = plane(tmp_path, "-r base.txt\npytest==9.0.3\n")
    [finding] = run(project, monkeypatch)
    assert finding.message.endswith(
        "its image does not install 'pytest' either (apps/api/requirements/test.txt lists it for development)")
    assert finding.fix is not None and finding.fix.title.startswith(
        "install 'pytest' in the image (a dev stage, from apps/api/requirements/test.txt), then")


@pytest.mark.parametrize(("test_txt", "note"), [
    ("-r base.txt\npytest==9.0.3\npytest-django==4.5.2\npytest-cov==4.1.0\n",
     "doctor: note: its image does not install 'pytest' (apps/api/requirements/test.txt lists it for development, "
     "beside 'pytest-django' and 'pytest-cov'): install that file in a dev stage of the image, `pip install -r "
     "requirements/test.txt` and rebuild (`docker compose build api`)"),
    ("-r base.txt\npytest==9.0.3\n",
     "doctor: note: its image does not install 'pytest' (apps/api/requirements/test.txt lists it for development): "
     "install it in a dev stage of the image, from apps/api/requirements/test.txt and rebuild (`docker compose build "
     "api`)"),
])
def test_doctor_exec_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capfd: pytest.CaptureFixture[str], test_txt: str, note: str) -> None:
    """`doctor exec -- pytest`'s note said `(... lists it for development, ..., `pip install -r ...`): add it
    there and rebuild`: where `there` was, the note did not say."""
    from test_execute import fake_docker, load

    from doctor.execute import execute

    project_dir = plane(tmp_path, test_txt)
    env, _record = fake_docker(tmp_path)
    monkeypatch.chdir(project_dir / "apps" / "api")
    project, host = load(project_dir, env)
    assert execute(["pytest", "plane/tests"], project, host) == 0
    said = capfd.readouterr().err
    assert note in said, said
