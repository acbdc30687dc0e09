"""leaked-host-port names a pydantic-settings class as the reader of its env_prefix'd field's variable.

polarsource/polar (tests/replay/polar, with server/polar/config.py): every service loads server/.env
(copied from its template), whose `POLAR_POLAR_API_URL="http://127.0.0.1:8000"` reaches 'worker', which
listens on nothing: inside its container 127.0.0.1 is itself, and the API is 'api'. The program reads it
through config.py's `Settings(BaseSettings)` with `env_prefix="polar_"` and the field `POLAR_API_URL`; no
line writes the name POLAR_POLAR_API_URL there. Before, the finding's evidence was "'worker' reads
POLAR_POLAR_API_URL in server/scripts/seeds_load.py", a script that only prints the string, and without
that script there was no finding at all. Now the reader is config.py.

Precision: a class whose prefix does not make the name, or whose field is another, reads nothing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding
from doctor.project import ProjectOptions
from doctor.project.codetext import reads_by_prefix

REPLAY = Path(__file__).parent / "replay" / "polar"
# the line of upstream's server/scripts/seeds_load.py (3162) that names the variable: it prints it, no read
SEEDS = 'async def main() -> None:\n    print("POLAR_POLAR_API_URL=http://127.0.0.1:8000")\n'


def _findings(tmp_path: Path, seeds: bool) -> list[Finding]:
    top = tmp_path / "polar"
    shutil.copytree(REPLAY, top, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copy(top / "server" / ".env.template", top / "server" / ".env")
    if seeds:
        (top / "server" / "scripts").mkdir()
        (top / "server" / "scripts" / "seeds_load.py").write_text(SEEDS)
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1"}
    project = ProjectOptions(path=top, files=(top / "dev/docker/docker-compose.dev.yml",),
                             env_files=(top / "server/.env",), env=env, cwd=top)
    options = RunOptions(project=project, select=("leaked-host-port",), env=env)
    return list(preflight(options, load_registry()).report.findings)


def test_the_settings_class_is_the_reader(tmp_path: Path) -> None:
    [finding] = _findings(tmp_path, seeds=False)
    assert finding.message.startswith("POLAR_POLAR_API_URL host '127.0.0.1' is 'worker' itself"), finding.message
    assert finding.message.endswith("'worker' reads POLAR_POLAR_API_URL in server/polar/config.py"), finding.message
    assert finding.fix is not None and "POLAR_POLAR_API_URL=http://api:8000" in finding.fix.title


def test_a_script_printing_the_name_is_not_named_over_the_settings_class(tmp_path: Path) -> None:
    [finding] = _findings(tmp_path, seeds=True)
    assert "seeds_load.py" not in finding.message, finding.message
    assert finding.message.endswith("in server/polar/config.py"), finding.message


SETTINGS = ('from pydantic_settings import BaseSettings, SettingsConfigDict\n\nclass Settings(BaseSettings):\n'
            '    POLAR_API_URL: str = "https://api.polar.sh"\n\n'
            '    model_config = SettingsConfigDict(env_prefix="polar_", case_sensitive=False)\n')


def test_only_the_prefix_and_a_field_of_the_class_make_the_name() -> None:
    assert reads_by_prefix("POLAR_POLAR_API_URL", SETTINGS)
    assert reads_by_prefix("polar_polar_api_url", SETTINGS)
    assert not reads_by_prefix("POLAR_API_URL", SETTINGS)  # the prefix reads POLAR_POLAR_API_URL, not this
    assert not reads_by_prefix("POLAR_OTHER_URL", SETTINGS)
    assert not reads_by_prefix("APP_POLAR_API_URL", SETTINGS)
    assert not reads_by_prefix("POLAR_POLAR_API_URL", SETTINGS.replace("BaseSettings", "BaseModel"))


CLASS = "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\nclass Settings(BaseSettings):\n"


@pytest.mark.parametrize(("source", "name", "reads"), [
    # another class's field is not the settings class's
    (CLASS + '    model_config = SettingsConfigDict(env_prefix="app_")\n    debug: bool = False\n\n\n'
     'class Payload(BaseModel):\n    url: str\n', "APP_URL", False),
    (CLASS + '    model_config = SettingsConfigDict(env_prefix="app_")\n    debug: bool = False\n\n\n'
     'class Payload(BaseModel):\n    url: str\n', "APP_DEBUG", True),
    # case_sensitive=True: read as written only
    (CLASS + '    model_config = SettingsConfigDict(env_prefix="APP_", case_sensitive=True)\n    url: str = ""\n',
     "app_url", False),
    (CLASS + '    model_config = SettingsConfigDict(env_prefix="APP_", case_sensitive=True)\n    url: str = ""\n',
     "APP_url", True),
    # an alias is read instead of the prefixed name
    (CLASS + '    model_config = SettingsConfigDict(env_prefix="app_")\n'
     '    url: str = Field("", validation_alias="SERVICE_URL")\n', "APP_URL", False),
    # pydantic v1's nested Config holds the prefix of the class around it
    (CLASS + '    url: str = ""\n\n    class Config:\n        env_prefix = "app_"\n', "APP_URL", True),
])
def test_a_prefixed_read_is_the_settings_class_s_own_field(source: str, name: str, reads: bool) -> None:
    """A review's finds: any `field:` line of the file counted under any env_prefix of it."""
    assert reads_by_prefix(name, source) is reads
