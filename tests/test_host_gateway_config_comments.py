"""host-gateway: a comment in a bound server config is cut where that server cuts it.

Before: nginx's `proxy_pass http://app:8000;<TAB># was host.docker.internal:8000` (or `;# host.docker.internal`) was
read as a dial, a warning with an extra_hosts fix, while the same comment after a space was silent: comments were
cut only at ` #`. nginx starts a comment at any `#` outside quotes, a Caddyfile and YAML at one after whitespace
(a tab too), TOML at one outside strings; a `#` inside a URL (`/#frag`) of YAML or a quoted nginx value is no
comment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.project import Project, ProjectOptions
from doctor.project.server_configs import config_lines

NGINX = "server {{\n    listen 80;\n    location / {{\n        proxy_pass http://app:8000;{tail}\n    }}\n}}\n"
COMPOSE = ("services:\n  app:\n    image: busybox\n  proxy:\n    image: {image}\n    volumes:\n"
           "      - ./{name}:{target}:ro\n")


def _dialed(root: Path, name: str, text: str, image: str = "nginx:1.27",
            target: str = "/etc/nginx/conf.d/default.conf") -> list[str]:
    root.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text)
    (root / "compose.yaml").write_text(COMPOSE.format(image=image, name=name, target=target))
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    texts = [line.text for line in config_lines(project.services["proxy"])]
    return [text for text in texts if text not in ("server {", "- targets:")]  # dial words naming no host here


@pytest.mark.parametrize("tail", ["\t# was host.docker.internal:8000", "# host.docker.internal",
                                  " # was host.docker.internal:8000"])
def test_an_nginx_comment_after_a_directive_is_no_dial(tmp_path: Path, tail: str) -> None:
    assert _dialed(tmp_path, "nginx.conf", NGINX.format(tail=tail)) == ["proxy_pass http://app:8000;"]


def test_an_nginx_comment_is_cut_in_a_built_image_too_and_quotes_keep_their_hash(tmp_path: Path) -> None:
    """A service built FROM nginx has no image: the folder it binds into says nginx."""
    text = NGINX.format(tail='\tproxy_set_header X "a#b";# host.docker.internal')
    assert _dialed(tmp_path, "nginx.conf", text, image="doctor-test/proxy") == [
        'proxy_pass http://app:8000;\tproxy_set_header X "a#b";']


def test_yaml_and_caddy_comments_start_after_whitespace(tmp_path: Path) -> None:
    yaml = ("scrape_configs:\n  - job_name: app\n    static_configs:\n      - targets:\n"
            "          - app:9100\t# host.docker.internal:9100\n          - 'x:1#host.docker.internal'\n")
    assert _dialed(tmp_path / "a", "prometheus.yml", yaml, image="prom/prometheus",
                   target="/etc/prometheus/prometheus.yml") == ["- app:9100", "- 'x:1#host.docker.internal'"]
    caddy = "example.com {\n\treverse_proxy app:8000\t# host.docker.internal:8000\n}\n"
    assert _dialed(tmp_path / "b", "Caddyfile", caddy, image="caddy:2",
                   target="/etc/caddy/Caddyfile") == ["reverse_proxy app:8000"]
    dialing = "example.com {\n\treverse_proxy host.docker.internal:8000#x\n}\n"  # no whitespace: Caddy's token
    assert _dialed(tmp_path / "c", "Caddyfile", dialing, image="caddy:2",
                   target="/etc/caddy/Caddyfile") == ["reverse_proxy host.docker.internal:8000#x"]
