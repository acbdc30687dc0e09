"""leaked-host-port for a browser bundle's key naming a server: openmeter (tests/replay/openmeter).

openmeterio/openmeter's `--profile dev` starts the ClickHouse web UI 'ch-ui' (a published image) with
`VITE_CLICKHOUSE_URL: http://localhost:8123` beside `clickhouse` (clickhouse/clickhouse-server,
`127.0.0.1:8123:8123`). A `VITE_` key is what Vite hands to the code that runs in the browser: the page
calls ClickHouse at the host's published port, which is right. doctor said `VITE_CLICKHOUSE_URL host
'localhost' is 'ch-ui' itself in its container (did you mean 'clickhouse'?)`, an error whose fix wrote
`http://clickhouse:8123`, a name the browser cannot resolve: a key naming a server's image was judged as
that server's API whatever its prefix. Now a key a bundler hands to browser code (`VITE_`,
`REACT_APP_`, `NEXT_PUBLIC_`) stays a page, as a key naming its audience (`BROWSER`, `PUBLIC`) did; the
same URL under a plain key (`CLICKHOUSE_URL`) is still that server's API and an error.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "openmeter"
BASE = "docker-compose.base.yaml"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
UPSTREAM = "      VITE_CLICKHOUSE_URL: http://localhost:8123\n"


def _openmeter(tmp_path: Path, key: str | None = None) -> Path:
    root = tmp_path / "openmeter"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    base = root / BASE
    text = base.read_text()
    assert text.count(UPSTREAM) == 1
    if key is not None:
        base.write_text(text.replace(UPSTREAM, UPSTREAM.replace("VITE_CLICKHOUSE_URL", key)))
    return root


def _found(root: Path) -> list[tuple[str, int | None]]:
    options = ProjectOptions(path=root, profiles=("dev",), env={**ENV, "HOME": str(root)})
    report = preflight(RunOptions(project=options, select=("leaked-host-port",), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.location.line if f.location else None) for f in report.findings]


def test_the_ui_bundles_clickhouse_url_for_the_browser_as_cloned(tmp_path: Path) -> None:
    assert _found(_openmeter(tmp_path)) == []


def test_other_bundlers_browser_keys_stay_pages_too(tmp_path: Path) -> None:
    assert _found(_openmeter(tmp_path / "a", "REACT_APP_CLICKHOUSE_URL")) == []
    assert _found(_openmeter(tmp_path / "b", "NEXT_PUBLIC_CLICKHOUSE_URL")) == []


def test_the_same_url_under_a_plain_key_is_still_the_servers_api(tmp_path: Path) -> None:
    assert _found(_openmeter(tmp_path, "CLICKHOUSE_URL")) == [
        ("CLICKHOUSE_URL host 'localhost' is 'ch-ui' itself in its container (did you mean 'clickhouse'?): "
         "'ch-ui' sets CLICKHOUSE_URL in its environment", 66)]


CLICKHOUSE = ("services:\n  clickhouse:\n    image: clickhouse/clickhouse-server:24.8\n"
              "    ports: ['127.0.0.1:8123:8123']\n  app:\n    build: ./app\n    command: {command}\n"
              "    ports: ['{port}:{port}']\n    environment:\n      VITE_CLICKHOUSE_URL: http://localhost:8123\n")


def _app(root: Path, command: str, port: int, files: dict[str, str]) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "compose.yaml").write_text(CLICKHOUSE.format(command=command, port=port))
    (root / "app" / "Dockerfile").write_text("FROM node:20\nWORKDIR /app\nCOPY . .\n")
    for name, text in files.items():
        (root / "app" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "app" / name).write_text(text)
    return root


def _found_plain(root: Path) -> list[tuple[str, int | None]]:
    options = ProjectOptions(path=root, env={**ENV, "HOME": str(root)})
    report = preflight(RunOptions(project=options, select=("leaked-host-port",), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.location.line if f.location else None) for f in report.findings]


def test_a_server_that_reads_the_bundlers_key_itself_dials_from_its_container(tmp_path: Path) -> None:
    """The review's express server (no bundler): `fetch(process.env.VITE_CLICKHOUSE_URL)` runs in the container,
    where localhost is the app itself (`nc localhost 8123` refused there, `nc clickhouse 8123` answered)."""
    root = _app(tmp_path, '["node", "server.js"]', 3000, {
        "package.json": '{"dependencies": {"express": "^4.19.0"}}',
        "server.js": ('const app = require("express")();\napp.get("/rows", async (req, res) => {\n'
                      '  const r = await fetch(`${process.env.VITE_CLICKHOUSE_URL}/?query=SELECT%201`);\n'
                      '  res.send(await r.text());\n});\napp.listen(3000);\n')})
    assert _found_plain(root) == [
        ("VITE_CLICKHOUSE_URL host 'localhost' is 'app' itself in its container (did you mean 'clickhouse'?): "
         "'app' reads VITE_CLICKHOUSE_URL in app/server.js", 10)]


def test_a_sveltekit_server_is_an_ssr_server_though_kit_is_a_dev_dependency(tmp_path: Path) -> None:
    """SvelteKit's template keeps @sveltejs/kit in devDependencies; its `+page.server.js` load runs on the server."""
    root = _app(tmp_path, "npm run dev -- --host 0.0.0.0", 5173, {
        "package.json": ('{"scripts": {"dev": "vite dev"}, "devDependencies": {"@sveltejs/kit": "^2.0.0", '
                         '"@sveltejs/adapter-auto": "^3.0.0", "vite": "^5.0.0"}}'),
        "vite.config.js": ("import { sveltekit } from '@sveltejs/kit/vite';\nimport { defineConfig } from 'vite';\n"
                           "export default defineConfig({ plugins: [sveltekit()] });\n"),
        "src/routes/+page.server.js": ("export async function load() {\n  const r = await fetch("
                                       "import.meta.env.VITE_CLICKHOUSE_URL + '/?query=SELECT%201');\n"
                                       "  return { rows: await r.text() };\n}\n")})
    assert _found_plain(root) == [
        ("VITE_CLICKHOUSE_URL host 'localhost' is 'app' itself in its container (did you mean 'clickhouse'?): "
         "'app' is a server-side rendering server (@sveltejs/kit in app/package.json)", 10)]
