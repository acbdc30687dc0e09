"""leaked-host-port and a SvelteKit or Nuxt app with server-side rendering turned off.

e23116ac took `@sveltejs/kit` and `nuxt` in devDependencies (`nuxt` in dependencies before it) for an SSR
server, whose loads dial the app's URLs from its container. With `export const ssr = false` in the root
layout (SvelteKit's single-page app) or `ssr: false` in nuxt.config, nothing renders on the server: a
`+page.js` load's `fetch(import.meta.env.VITE_API_URL + '/items')` runs in the developer's browser, where
`http://localhost:8000` is the api's published port and `http://api:8000` resolves nowhere. doctor said
`VITE_API_URL host 'localhost' is 'app' itself in its container (did you mean 'api'?): 'app' is a
server-side rendering server (@sveltejs/kit in app/package.json)` and its safe fix wrote `http://api:8000`.
Such an app is no SSR server now; SSR on (the default, `ssr = true`, a `routeRules` entry's `ssr: false`,
a commented-out line) or server code that runs in the container all the same (a `+page.server.js` load,
Nuxt's server/api) keeps it one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
COMPOSE = ("services:\n  api:\n    image: doctor-test/backend:latest\n    ports: ['8000:8000']\n  app:\n"
           "    build: ./app\n    command: {command}\n    ports: ['{port}:{port}']\n    environment:\n"
           "      {key}: http://localhost:8000\n")
KIT_PACKAGE = ('{"scripts": {"dev": "vite dev"}, "devDependencies": {"@sveltejs/kit": "^2.0.0", '
               '"@sveltejs/adapter-static": "^3.0.0", "vite": "^5.0.0"}}')
KIT_CONFIG = ("import adapter from '@sveltejs/adapter-static';\n"
              "export default { kit: { adapter: adapter({ fallback: 'index.html' }) } };\n")
KIT_LOAD = ("export async function load({ fetch }) { return { items: await (await fetch("
            "import.meta.env.VITE_API_URL + '/items')).json() }; }\n")
SPA_LAYOUT = "export const prerender = true;\nexport const ssr = false;\n"
KIT_DIALS = ("VITE_API_URL host 'localhost' is 'app' itself in its container (did you mean 'api'?): "
             "'app' is a server-side rendering server (@sveltejs/kit in app/package.json)", 10)
NUXT_CONFIG = "export default defineNuxtConfig({{\n{options}  runtimeConfig: {{ public: {{ apiBase: '' }} }},\n}})\n"
NUXT_DIALS = ("NUXT_PUBLIC_API_BASE host 'localhost' is 'app' itself in its container (did you mean 'api'?): "
              "'app' is a server-side rendering server (nuxt in app/package.json)", 10)


def _app(root: Path, files: dict[str, str], command: str = "npm run dev -- --host 0.0.0.0", port: int = 5173,
         key: str = "VITE_API_URL") -> Path:
    (root / "app").mkdir(parents=True)
    (root / "compose.yaml").write_text(COMPOSE.format(command=command, port=port, key=key))
    (root / "app" / "Dockerfile").write_text("FROM node:20\nWORKDIR /app\nCOPY . .\n")
    for name, text in files.items():
        (root / "app" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "app" / name).write_text(text)
    return root


def _kit(root: Path, layout: str | None, **more: str) -> Path:
    files = {"package.json": KIT_PACKAGE, "svelte.config.js": KIT_CONFIG, "src/routes/+page.js": KIT_LOAD}
    if layout is not None:
        files["src/routes/+layout.js"] = layout
    return _app(root, {**files, **more})


def _nuxt(root: Path, options: str, deps: str = "devDependencies", command: str = "npm run dev",
          **more: str) -> Path:
    return _app(root, {"package.json": f'{{"scripts": {{"dev": "nuxt dev"}}, "{deps}": {{"nuxt": "^3.12.0"}}}}',
                       "nuxt.config.ts": NUXT_CONFIG.format(options=options), **more},
                command, 3000, "NUXT_PUBLIC_API_BASE")


def _found(root: Path) -> list[tuple[str, int | None]]:
    options = ProjectOptions(path=root, env={**ENV, "HOME": str(root)})
    report = preflight(RunOptions(project=options, select=("leaked-host-port",), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.location.line if f.location else None) for f in report.findings]


def test_a_sveltekit_spa_loads_in_the_browser_and_its_fix_writes_nothing(tmp_path: Path) -> None:
    """The review's case: adapter-static, `ssr = false` in the root +layout.js, a universal +page.js load."""
    root = _kit(tmp_path, SPA_LAYOUT)
    assert _found(root) == []
    env = {**os.environ, **ENV, "HOME": str(root), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--dry-run", "--select", "leaked-host-port"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert "api:8000" not in done.stdout + done.stderr
    assert not (root / "compose.override.yaml").exists()


@pytest.mark.parametrize("name, text", [
    ("src/routes/+layout.ts", "export const ssr: boolean = false;\n"),
    ("src/routes/+layout.server.js", "export const ssr = false;\n"),  # page options are read from both
])
def test_ssr_off_in_a_typed_or_server_root_layout(tmp_path: Path, name: str, text: str) -> None:
    assert _found(_kit(tmp_path, None, **{name: text})) == []


@pytest.mark.parametrize("layout", [
    None,  # SSR on by default
    "export const ssr = true;\n",
    "// export const ssr = false;\n",
])
def test_a_sveltekit_app_rendering_on_the_server_stays_an_ssr_server(tmp_path: Path, layout: str | None) -> None:
    assert _found(_kit(tmp_path, layout)) == [KIT_DIALS]


def test_a_server_load_runs_in_the_container_with_ssr_off(tmp_path: Path) -> None:
    """A `+page.server.js` load runs on the server whatever `ssr` says (the page fetches its data from there)."""
    root = _kit(tmp_path, SPA_LAYOUT, **{"src/routes/items/+page.server.js": KIT_LOAD})
    assert _found(root) == [KIT_DIALS]


def test_a_sveltekit_spa_under_adapter_node_run_by_node_build(tmp_path: Path) -> None:
    """adapter-node in dependencies and `node build` as the command: the built server serves the SPA's shell."""
    root = _kit(tmp_path, SPA_LAYOUT)
    (root / "app" / "package.json").write_text('{"dependencies": {"@sveltejs/adapter-node": "^5.0.0"}, '
                                               '"devDependencies": {"@sveltejs/kit": "^2.0.0"}}')
    (root / "compose.yaml").write_text(COMPOSE.format(command="node build", port=3000, key="VITE_API_URL"))
    assert _found(root) == []


@pytest.mark.parametrize("deps", ["devDependencies", "dependencies"])
def test_a_nuxt_spa_is_no_ssr_server(tmp_path: Path, deps: str) -> None:
    """`nuxt` in dependencies was an SSR server before e23116ac too: the same false error."""
    assert _found(_nuxt(tmp_path, "  ssr: false,\n", deps)) == []


def test_a_nuxt_spa_started_by_nuxt_itself(tmp_path: Path) -> None:
    assert _found(_nuxt(tmp_path, "  ssr: false,\n", command="npx nuxt dev --host 0.0.0.0")) == []


@pytest.mark.parametrize("options", [
    "",  # SSR on by default
    "  routeRules: { '/admin/**': { ssr: false } },\n",  # one route's, the rest renders on the server
    "  // ssr: false,\n",
    "  $development: { ssr: false },\n",  # an environment's override doctor does not read as the run's
])
def test_a_nuxt_app_rendering_on_the_server_stays_an_ssr_server(tmp_path: Path, options: str) -> None:
    assert _found(_nuxt(tmp_path, options)) == [NUXT_DIALS]


def test_nuxt_server_routes_run_in_the_container_with_ssr_off(tmp_path: Path) -> None:
    root = _nuxt(tmp_path, "  ssr: false,\n", **{"server/api/items.get.ts": (
        "export default defineEventHandler(() => $fetch(useRuntimeConfig().public.apiBase + '/items'))\n")})
    assert _found(root) == [NUXT_DIALS]
