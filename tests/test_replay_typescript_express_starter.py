"""leaked-host-port on the `.env.${NODE_ENV}.local` an Express + TypeScript app loads through an alias.

ljlm0402/typescript-express-starter's knex template (tests/replay/typescript-express-starter-knex):
`server` binds the checkout on /app and gets no DB_HOST from compose; src/config/index.ts, which the
app imports as `@config` (tsconfig.json's `paths`), runs `config({ path: `.env.${process.env.NODE_ENV ||
'development'}.local` })`, and .env.development.local says `DB_HOST = localhost`: in the container that
is 'server' itself, not 'mysql'. doctor said nothing: it followed relative imports only and could not
tell the template's file. Now the alias is followed, the template read with the container's NODE_ENV
(the image's `ENV NODE_ENV development`, compose's over it), and one `doctor fix` settles it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Safety
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "typescript-express-starter-knex"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
CHECKS = ("leaked-host-port", "service-name-drift")
# the fixes of leaked-host-port and dotenv-override: the stack publishes 80, 3000 and 3306, which a developer's
# own stack may hold, and port-collision's moves would write the dev override too
ENV_FIXES = frozenset({"env"})
CONFIG = "src/config/index.ts"
LOAD = "config({ path: `.env.${process.env.NODE_ENV || 'development'}.local` });"
FOUND = ("leaked-host-port", ".env.development.local", 7,
         "DB_HOST=localhost is 'server' itself in its container (did you mean 'mysql'?): 'server' reads "
         "DB_HOST in src/config/index.ts", Safety.SAFE)


def _starter(tmp_path: Path) -> Path:
    root = tmp_path / "typescript-express-starter"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    assert (root / CONFIG).read_text().count(LOAD) == 1
    return root


def _replace(root: Path, name: str, old: str, new: str) -> None:
    text = (root / name).read_text()
    assert text.count(old) == 1
    (root / name).write_text(text.replace(old, new))


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, str, int | None, str, Safety | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.check, f.location.path.name if f.location else "", f.location.line if f.location else None,
             f.message, f.fix.safety if f.fix else None) for f in report.findings]


def test_the_template_env_file_behind_an_alias_is_found_and_fixed_in_one_run(tmp_path: Path) -> None:
    root = _starter(tmp_path)
    assert _found(root) == [FOUND]
    before = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    options = _options(root)
    fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())
    after = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert {k: v for k, v in after.items() if before.get(k) != v} == {
        Path("docker-compose.override.yml"): b"services:\n  server:\n    environment:\n      DB_HOST: mysql\n"}
    assert _found(root) == []


def test_a_tsconfig_with_comments_and_a_path_resolve_template_are_read_alike(tmp_path: Path) -> None:
    root = _starter(tmp_path)
    _replace(root, "tsconfig.json", '"baseUrl": "src",', '// aliases below\n    "baseUrl": "src", /* src/ */')
    _replace(root, "tsconfig.json", '"@utils/*": ["utils/*"]', '"@utils/*": ["utils/*"],')
    _replace(root, CONFIG, LOAD, "config({ path: path.resolve(__dirname, "
                                 "`../../.env.${process.env['NODE_ENV'] ?? 'development'}.local`) });")
    assert _found(root) == [FOUND]


def test_the_file_of_the_containers_node_env_is_the_one_read(tmp_path: Path) -> None:
    """compose's NODE_ENV over the image's: .env.production.local, which names the database right."""
    root = _starter(tmp_path)
    (root / ".env.production.local").write_text("DB_HOST = mysql\nDB_PORT = 3306\n")
    _replace(root, "docker-compose.yml", "      DB_DATABASE: dev\n    volumes:",
             "      DB_DATABASE: dev\n      NODE_ENV: production\n    volumes:")
    assert _found(root) == []


def test_where_compose_sets_the_host_the_file_does_not_win(tmp_path: Path) -> None:
    """dotenv without `override: true` leaves what compose set (the template's typeorm twin: POSTGRES_HOST: pg)."""
    root = _starter(tmp_path)
    _replace(root, "docker-compose.yml", "      DB_DATABASE: dev\n    volumes:",
             "      DB_DATABASE: dev\n      DB_HOST: mysql\n    volumes:")
    assert _found(root) == []


def test_without_the_alias_nothing_reaches_the_loader(tmp_path: Path) -> None:
    """A `paths` entry the imports do not use leads nowhere: the config module is never reached."""
    root = _starter(tmp_path)
    _replace(root, "tsconfig.json", '"@config": ["config"],', '"@settings": ["config"],')
    assert _found(root) == []


def test_a_dev_override_value_a_later_rounds_fix_lets_through_is_fixed_in_one_run(tmp_path: Path) -> None:
    """With `override: true` the file beat compose: round 1's dev override DB_HOST lost to it until
    dotenv-override dropped the flag in round 2. The run then said the first fix was 'NOT fixed: the check
    still reports it' and exited 1, while a second preflight was clean."""
    root = _starter(tmp_path)
    _replace(root, CONFIG, LOAD, LOAD.replace(" });", ", override: true });"))
    assert _found(root) == [FOUND]
    options = _options(root)
    report = fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())
    assert sorted((r.check, r.round, r.fixed) for r in report.results if r.round) == [
        ("dotenv-override", 2, True), ("leaked-host-port", 1, True)]
    assert report.exit_code == 0
    assert (root / CONFIG).read_text().count(LOAD) == 1
    assert (root / "docker-compose.override.yml").read_text() == (
        "services:\n  server:\n    environment:\n      DB_HOST: mysql\n")
    assert _found(root) == []
