"""Which variables a JavaScript dev server's proxy dials from inside its container."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_the_configs_of_each_folder_are_read_once_a_run_and_only_where_the_folder_holds_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A code folder that is missing, or a file, is not tried for its nine config names; a folder's
    configs are read (create-react-app's src/setupProxy.js too); a run's `read` keeps each folder's answer."""
    from doctor.project import webapps

    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "src" / "setupProxy.js").write_text("app.use(proxy({ target: process.env.API_TARGET }));\n")
    (app / "vue.config.js").write_text("module.exports = { devServer: { proxy: process.env.VUE_PROXY } };\n")
    (tmp_path / "notes.txt").write_text("")
    opened: list[str] = []
    real = webapps.read_text

    def counting(path: Path, *args: object, **kwargs: object) -> str:
        opened.append(str(Path(path).relative_to(tmp_path)))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(webapps, "read_text", counting)
    folders = [app, tmp_path / "gone", tmp_path / "notes.txt"]
    read: webapps.Read = {}
    first = proxied_variables(folders, read)
    assert {name: path.name for name, path in first.items()} == {"VUE_PROXY": "vue.config.js",
                                                                 "API_TARGET": "setupProxy.js"}
    assert not [path for path in opened if not path.startswith("app/")]  # nothing tried in `gone` or the file
    tried = len(opened)
    assert {"app/src/setupProxy.js", "app/vue.config.js"} <= set(opened) and tried == len(webapps.DEV_SERVER_CONFIGS)
    assert proxied_variables(folders, read) == first  # from `read`: nothing tried again
    assert len(opened) == tried
    assert proxied_variables(folders) == first and len(opened) == 2 * tried  # without it, tried again
