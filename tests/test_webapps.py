"""Which variables a JavaScript dev server's proxy dials from inside its container."""

from __future__ import annotations

from pathlib import Path

from doctor.project.webapps import PROXY_REACH, proxied_variables


def test_a_proxy_target_read_from_the_environment_is_dialed_by_the_dev_server(tmp_path: Path) -> None:
    """knadh/listmonk's frontend/vite.config.js: `target: env.LISTMONK_API_URL`."""
    (tmp_path / "vite.config.js").write_text(
        "export default defineConfig(({ mode }) => {\n  const env = loadEnv(mode, process.cwd(), '');\n"
        "  return { server: { proxy: {\n    '^/api': { target: env.LISTMONK_API_URL || 'http://127.0.0.1:9000' },\n"
        "    '/ws': { target: process.env['WS_URL'] } } } };\n});\n")
    assert {name: path.name for name, path in proxied_variables([tmp_path]).items()} == {
        "LISTMONK_API_URL": "vite.config.js", "WS_URL": "vite.config.js"}


def test_a_variable_the_bundle_reads_away_from_the_proxy_is_the_browsers(tmp_path: Path) -> None:
    """`define:` hands VITE_PUBLIC_URL to the page the browser runs: not the dev server's dial."""
    filler = "// " + "x" * PROXY_REACH + "\n"
    (tmp_path / "vite.config.ts").write_text(
        "export default { server: { proxy: { '/api': 'http://backend:9000' } },\n" + filler
        + "  define: { PUBLIC: JSON.stringify(process.env.VITE_PUBLIC_URL) } };\n")
    (tmp_path / "webpack.config.js").write_text("module.exports = { entry: process.env.ENTRY };\n")  # no proxy
    assert proxied_variables([tmp_path]) == {}
