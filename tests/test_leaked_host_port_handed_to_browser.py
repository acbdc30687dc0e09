"""leaked-host-port for a URL a Go server hands to the browser: go-coffeeshop (tests/replay/go-coffeeshop).

thangchung/go-coffeeshop's `web` gets `REVERSE_PROXY_URL: http://localhost:5000` (the port `proxy`
publishes) and reads it in cmd/web/main.go only to return it as JSON to its page, whose script calls the
proxy from the developer's browser. doctor preflight on the project as cloned said "error:
REVERSE_PROXY_URL host 'localhost' is 'web' itself in its container (did you mean 'proxy'?)", and its fix
(`http://proxy:5000`) would have broken the page: the browser cannot resolve `proxy`. A server that reads
a URL only to put it in a response is not its client; one that dials it (an http.Get) still is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from replay_found import HOST_ENV, found

from doctor.engine import load_registry
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions
from doctor.project.handed_out import hands_to_browser

REPLAY = Path(__file__).parent / "replay" / "go-coffeeshop"
MAIN = Path("cmd") / "web" / "main.go"
ENV = HOST_ENV
# `doctor fix --env`, the family of the fault: the stack publishes 5432, 5000 and more, which a developer's own
# stack may hold, and port-collision's moves would write files of their own
ENV_FIXES = frozenset({"env"})
CHECKS = ("leaked-host-port", "service-name-drift")
HANDED = "return c.JSON(http.StatusOK, UrlModel{Url: reverseProxyURL})"


def _coffeeshop(tmp_path: Path, handler: str | None = None) -> Path:
    root = tmp_path / "go-coffeeshop"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    main = root / MAIN
    text = main.read_text()
    assert text.count(HANDED) == 1
    if handler is not None:
        main.write_text(text.replace(HANDED, handler))
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, str, int | None]]:
    return found(_options(root), CHECKS)


def test_the_project_as_cloned_hands_the_proxy_url_to_the_browser(tmp_path: Path) -> None:
    assert _found(_coffeeshop(tmp_path)) == []


def test_a_server_that_dials_the_url_itself_is_still_told_and_fixed_in_one_run(tmp_path: Path) -> None:
    root = _coffeeshop(tmp_path, 'resp, err := http.Get(reverseProxyURL + "/v1/api/item-types")\n'
                                 "\t\tif err != nil {\n\t\t\treturn err\n\t\t}\n"
                                 "\t\treturn c.Stream(http.StatusOK, \"application/json\", resp.Body)")
    message = ("REVERSE_PROXY_URL host 'localhost' is 'web' itself in its container (did you mean 'proxy'?): "
               "'web' reads REVERSE_PROXY_URL in cmd/web/main.go")
    assert _found(root) == [(message, "docker-compose.yaml", 130)]
    before = (root / "docker-compose.yaml").read_bytes()
    options = _options(root)
    fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())
    assert (root / "docker-compose.yaml").read_bytes() == before
    assert (root / "docker-compose.override.yml").read_text() == (
        'services:\n  web:\n    environment:\n      REVERSE_PROXY_URL: "http://proxy:5000"\n')
    assert _found(root) == []


RESTY = ('resp, err := resty.New().R().Execute(http.MethodGet, reverseProxyURL+"/v1/api/item-types")\n'
         "\t\tif err != nil {\n\t\t\treturn err\n\t\t}\n"
         "\t\treturn c.JSONBlob(http.StatusOK, resp.Body())")
UPSTREAM = ("var conf bytes.Buffer\n\t\tupstream.Execute(&conf, Upstream{Proxy: reverseProxyURL})\n"
            "\t\treturn c.JSON(http.StatusOK, UrlModel{Url: startNginx(conf.String())})")


@pytest.mark.parametrize("handler", [RESTY, UPSTREAM])
def test_a_server_that_sends_the_url_itself_dials_it(tmp_path: Path, handler: str) -> None:
    # go-resty's Execute is a request, a template executed into an nginx conf is the server's own dial
    message = ("REVERSE_PROXY_URL host 'localhost' is 'web' itself in its container (did you mean 'proxy'?): "
               "'web' reads REVERSE_PROXY_URL in cmd/web/main.go")
    assert _found(_coffeeshop(tmp_path, handler)) == [(message, "docker-compose.yaml", 130)]


GO_READ = '\tproxy, ok := os.LookupEnv("PROXY_URL")\n\tif !ok || proxy == "" {\n\t\tlog.Fatal("no proxy")\n\t}\n'
HANDLER = "func h(w http.ResponseWriter, r *http.Request) {\n"


@pytest.mark.parametrize(("code", "handed"), [
    (GO_READ + '\treturn c.JSON(200, UrlModel{\n\t\tUrl: proxy,\n\t})\n', True),
    (HANDLER + GO_READ + '\tjson.NewEncoder(w).Encode(map[string]string{"url": proxy})\n', True),
    ('\treturn c.JSON(200, map[string]string{"url": os.Getenv("PROXY_URL")})\n', True),
    (HANDLER + GO_READ.replace('"no proxy"', '"proxy is empty"') + "\ttmpl.Execute(w, Page{Proxy: proxy})\n", True),
    (GO_READ + '\treturn tmpl.ExecuteTemplate(c.Response(), "index", Page{Proxy: proxy})\n', True),
    (GO_READ + "\ttmpl.Execute(c.Writer, Page{Proxy: proxy})\n", True),
    # what the server itself sends or writes is no response: go-resty's request, an nginx conf, raw bytes
    (GO_READ + '\tresp, err := resty.New().R().Execute(http.MethodGet, proxy+"/v1/api/item-types")\n', False),
    (GO_READ + "\tupstream.Execute(conf, Upstream{Proxy: proxy})\n", False),
    (GO_READ + "\tbody, _ := json.Marshal(Page{Proxy: proxy})\n", False),
    (GO_READ + "\tjson.NewEncoder(conf).Encode(Page{Proxy: proxy})\n", False),
    (HANDLER + GO_READ + "\ttmpl.Execute(proxy, Page{})\n", False),
    (GO_READ + "\tresp, _ := http.Get(proxy)\n\treturn c.JSON(200, resp)\n", False),
    (GO_READ + "\treturn c.JSON(200, fetch(proxy))\n", False),
    (GO_READ + "\tcfg := Config{Proxy: proxy}\n\treturn c.JSON(200, cfg)\n", False),
    ('var proxy = os.Getenv("PROXY_URL")\n\nfunc h(c echo.Context) error {\n\treturn c.JSON(200, proxy)\n}\n',
     False),
    (GO_READ, False),
])
def test_go_code_hands_a_variable_to_the_browser_only_in_a_response(code: str, handed: bool) -> None:
    assert hands_to_browser("PROXY_URL", code, ".go") is handed
    assert hands_to_browser("PROXY_URL", code, ".py") is False
