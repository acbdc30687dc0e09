"""Round-trip YAML edits: comments, anchors, order, quoting and indentation survive."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from doctor.model import Edit
from doctor.project.yamledit import (
    YamlEditError,
    add_environment,
    add_extra_host,
    add_volume,
    override_ports,
    whole_file_edit,
)

BASE = """\
# the stack - keep this header
x-common: &common
  restart: unless-stopped   # survive reboots
services:
  web:
    <<: *common
    image: 'nginx:1.25'
    ports:
      - "8080:80"   # http
      - 9000:9000
    environment:
      - MODE=dev
  db:
    <<: *common
    environment:
      POSTGRES_DB: app   # the database
"""


def test_override_ports_keeps_comments_anchors_order_and_quotes() -> None:
    out = override_ports(BASE, "web", ["8081:80", "9000:9000"])
    assert out == BASE.replace('    ports:\n      - "8080:80"   # http\n',
                               '    ports: !override\n      - "8081:80"   # http\n')


def test_unchanged_entries_keep_their_comment_when_the_list_shifts() -> None:
    text = 'services:\n  web:\n    ports:\n      - "9229:9229"   # inspector\n'
    out = override_ports(text, "web", ["8095:80", "9229:9229"])
    assert out == 'services:\n  web:\n    ports: !override\n      - "8095:80"\n      - "9229:9229"   # inspector\n'


def test_override_ports_creates_the_file_text() -> None:
    assert override_ports(None, "web", ["8095:80"]) == 'services:\n  web:\n    ports: !override\n      - "8095:80"\n'
    untagged = override_ports("", "web", ["8095:80"], use_override_tag=False)
    assert untagged == 'services:\n  web:\n    ports:\n      - "8095:80"\n'


def test_override_ports_is_idempotent() -> None:
    once = override_ports(BASE, "web", ["8081:80", "9000:9000"])
    assert override_ports(once, "web", ["8081:80", "9000:9000"]) == once


def test_long_syntax_and_new_service() -> None:
    out = override_ports(BASE, "api", [{"target": 80, "published": "8088", "protocol": "udp"}])
    assert out.startswith(BASE)
    assert out[len(BASE):] == '  api:\n    ports: !override\n      - target: 80\n        published: "8088"\n' \
                              '        protocol: udp\n'


def test_four_space_files_stay_four_space() -> None:
    text = "services:\n    web:\n        image: x\n        ports:\n        - '8080:80'\n"
    out = override_ports(text, "web", ["8081:80"])
    assert out == "services:\n    web:\n        image: x\n        ports: !override\n        - '8081:80'\n"


def test_a_moved_port_keeps_the_quoting_of_the_entry_it_replaces() -> None:
    """Plain stays plain, single quotes stay single; a value a YAML 1.1 reader would take for a
    base-60 number (`1:22` is 82 to PyYAML and docker-compose v1) is double-quoted whatever the
    old entry's style, and so is a bracketed IPv6 address (`[` would open a flow list)."""
    text = ("services:\n  web:\n    ports:\n      - 25140:80   # plain\n      - '25150:81'\n"
            "      - \"25160:82\"\n      - 8000:8000\n      - 8001:8001\n")
    out = override_ports(text, "web", ["25141:80", "25151:81", "25161:82", "1:22", "[::1]:8002:8001"])
    assert out == ("services:\n  web:\n    ports: !override\n      - 25141:80   # plain\n      - '25151:81'\n"
                   "      - \"25161:82\"\n      - \"1:22\"\n      - \"[::1]:8002:8001\"\n")
    assert override_ports(out, "web", ["25141:80", "25151:81", "25161:82", "1:22", "[::1]:8002:8001"]) == out


def test_flow_lists_stay_flow() -> None:
    out = override_ports('services:\n  web:\n    ports: ["8080:80"]  # one\n', "web", ["8081:80"])
    assert out == 'services:\n  web:\n    ports: !override ["8081:80"]  # one\n'  # the comment's spacing kept


def test_add_environment_matches_list_or_mapping_style() -> None:
    out = add_environment(BASE, "web", {"API_URL": "http://api:8000", "MODE": "prod"})
    assert "      - MODE=dev\n      - API_URL=http://api:8000\n" in out
    assert out.count("MODE=") == 1  # a key already set is left alone
    out = add_environment(BASE, "db", {"POSTGRES_USER": "app user"})
    assert '      POSTGRES_DB: app   # the database\n      POSTGRES_USER: "app user"\n' in out
    assert add_environment(out, "db", {"POSTGRES_USER": "x"}) == out


def test_add_volume_appends_once() -> None:
    out = add_volume(BASE, "web", "./src:/app/src")
    assert "      - MODE=dev\n    volumes:\n      - ./src:/app/src\n" in out
    assert add_volume(out, "web", "./src:/app/src") == out


def test_editing_a_node_that_an_alias_reuses_is_refused() -> None:
    text = "services:\n  web: &web\n    image: x\n  web2: *web\n"
    with pytest.raises(YamlEditError, match="anchor '&web'"):
        add_environment(text, "web", {"A": "1"})


@pytest.mark.parametrize("text", ["services: [a, b]\n", "- just a list\n", "services:\n  web: [\n"])
def test_bad_input_is_a_yaml_edit_error(text: str) -> None:
    with pytest.raises(YamlEditError):
        override_ports(text, "web", ["8081:80"])


def test_mixed_indentation_follows_the_services_block() -> None:
    text = "x-env: &e\n  A: '1'\nservices:\n    web:\n        environment: *e\n"
    out = override_ports(text, "web", ["8081:80"])
    assert "services:\n    web:\n        environment: *e\n        ports: !override\n" in out


def test_whole_file_edit_convention(tmp_path: Path) -> None:
    path = tmp_path / "compose.override.yaml"
    assert whole_file_edit(path, "a: 1\n") == Edit(path, "", "a: 1\n", None)  # creation is the append form
    path.write_text("a: 1\n")
    assert whole_file_edit(path, "a: 2\n") == Edit(path, "a: 1\n", "a: 2\n", 1)
    assert whole_file_edit(path, "a: 1\n") is None


def test_crlf_text_is_read_with_plain_newlines(tmp_path: Path) -> None:
    path = tmp_path / "compose.override.yaml"
    path.write_bytes(b"services:\r\n  web:\r\n    image: x\r\n")
    out = override_ports(path, "web", ["8081:80"])
    assert "\r" not in out and out.startswith("services:\n  web:\n    image: x\n")


@pytest.mark.compose
def test_compose_reads_the_override_as_a_replacement(tmp_path: Path, compose_bin: str) -> None:
    (tmp_path / "compose.yaml").write_text(BASE.replace("restart:", "image: busybox\n  restart:"))
    (tmp_path / "compose.override.yaml").write_text(override_ports(None, "web", ["8081:80", "9000:9000"]))
    done = subprocess.run([compose_bin, "config", "--format", "json"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, check=True)
    ports = json.loads(done.stdout)["services"]["web"]["ports"]
    assert sorted(p["published"] for p in ports) == ["8081", "9000"]


# zulip's compose.override.yaml ends its service with a comment above a flow `[]`: ruamel's
# emitter then writes the next key as `ports: !override   -`, which compose cannot read
COMMENT_ABOVE_FLOW = """\
---
services:
  zulip:
    image: zulip
    secrets:
      ## Add any additional secrets here.
      []
  db:
    image: postgres
"""


def test_a_new_key_after_a_comment_above_a_flow_list_is_written_below_the_service() -> None:
    out = override_ports(COMMENT_ABOVE_FLOW, "zulip", [{"name": "http", "target": 80, "published": "8081"}])
    assert out == COMMENT_ABOVE_FLOW.replace("      []\n", '      []\n    ports: !override\n'
                                             '      - name: http\n        target: 80\n        published: "8081"\n')
    hosts = add_extra_host(COMMENT_ABOVE_FLOW, "zulip", "host.docker.internal:host-gateway")
    assert hosts == COMMENT_ABOVE_FLOW.replace(
        "      []\n", '      []\n    extra_hosts:\n      - "host.docker.internal:host-gateway"\n')


def test_text_that_would_not_read_back_as_meant_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import doctor.project.yamlround as yamlround

    monkeypatch.setattr(yamlround, "_insert_key", lambda *args: None)  # no second way either
    with pytest.raises(YamlEditError, match="edit it by hand"):
        override_ports(COMMENT_ABOVE_FLOW, "zulip", ["8081:80"])
    assert yamlround._reads_back("a: 1\n", "a: 1\n", yamlround._load("a: 1\n")[1])
    assert not yamlround._reads_back("a: 1\n", "a: '1'\n", yamlround._load("a: 1\n")[1])  # a string now
    assert not yamlround._reads_back("a: 1\n", "a: [\n", yamlround._load("a: 1\n")[1])


def test_a_second_tagged_list_keeps_the_first_ones_item_comment() -> None:
    text = 'services:\n  a:\n    ports:\n      - "1:8025"  # mail ui\n  b:\n    ports:\n      - 2:9323\n'
    once = override_ports(text, "a", ["3:8025"])
    assert once == text.replace('    ports:\n      - "1:8025"', '    ports: !override\n      - "3:8025"', 1)
    twice = override_ports(once, "b", ["4:9323"])
    assert twice == once.replace("    ports:\n      - 2:9323", "    ports: !override\n      - 4:9323")  # plain kept


def test_a_moved_long_entry_changes_only_its_published_value() -> None:
    text = ("services:\n  web:\n    ports:\n      - target: 80\n        published: 8080\n"
            "        protocol: tcp   # long\n      - mode: ingress\n        target: 443\n"
            "        published: '8443'  # tls\n")
    specs = [{"target": 80, "published": "8080"}, {"target": 443, "published": "9443"}]
    assert override_ports(text, "web", specs) == text.replace("    ports:", "    ports: !override").replace(
        "'8443'", "'9443'")
    specs = [{"target": 80, "published": "8081"}, {"target": 443, "published": "8443"}]
    assert override_ports(text, "web", specs) == text.replace("    ports:", "    ports: !override").replace(
        "published: 8080", "published: 8081")


def test_a_bom_and_a_missing_final_newline_stay() -> None:
    text = '\ufeffservices:\n  web:\n    image: x  # pinned\n    ports:\n      - "1:80"'
    assert override_ports(text, "web", ["2:80"]) == text.replace(
        '    ports:\n      - "1:80"', '    ports: !override\n      - "2:80"')
    assert add_environment(text, "web", {"A": "1"}).startswith("\ufeffservices:\n")


def test_flow_comments_keep_their_spacing_outside_and_inside_the_edit() -> None:
    text = ('services:\n  web:\n    environment: {A: "1"}  # flow\n'
            '    ports: ["1:80", {target: 90, published: 91}]   # flow\n')
    out = override_ports(text, "web", ["2:80", {"target": 90, "published": "91"}])
    assert out == text.replace('ports: ["1:80"', 'ports: !override ["2:80"')


def test_lines_outside_the_edited_key_are_kept_as_written() -> None:
    text = ('x-ports: &p\n  - "1:80"\nservices:\n  web:\n    ports: *p\n  web2:\n    ports: *p\n'
            '  other:\n    command: ["a",   "b"]   # spaced\n')
    out = override_ports(text, "web2", ["2:80"])
    assert out == text.replace("  web2:\n    ports: *p\n", '  web2:\n    ports: !override\n      - "2:80"\n')


def test_add_environment_sets_a_key_only_compose_interpolates_when_asked() -> None:
    # mathesar's dev file: `- POSTGRES_PORT=${POSTGRES_PORT-5432}` hands the container the host's .env value
    listed = "services:\n  app:\n    environment:\n      - POSTGRES_PORT=${POSTGRES_PORT-5432}\n      - DEBUG=1\n"
    assert add_environment(listed, "app", {"POSTGRES_PORT": "5432"}) == listed  # set already: left
    assert add_environment(listed, "app", {"POSTGRES_PORT": "5432"}, interpolated=True) == listed.replace(
        "${POSTGRES_PORT-5432}", "5432")
    mapped = "services:\n  app:\n    environment:\n      PORT: ${PORT:-8000}\n      OWN: x${PORT}\n"
    assert add_environment(mapped, "app", {"PORT": "80", "OWN": "y"}, interpolated=True) == \
        "services:\n  app:\n    environment:\n      PORT: '80'\n      OWN: x${PORT}\n"


# services separated by blank lines, the next one headed by a comment: ruamel's round trip hangs
# both on the last value of the service above, so an added key landed below them, against `db:`
SEPARATED = """\
services:
  api:
    image: python
    command: serve
    ports:
      - "8000:8000"

  # the database
  db:
    image: postgres
    environment:
      POSTGRES_DB: app

volumes:
  data:
"""


def test_an_added_key_keeps_the_blank_line_and_comment_before_the_next_service() -> None:
    after_ports = '      - "8000:8000"\n'
    env = add_environment(SEPARATED, "api", {"DB_HOST": "db"})
    assert env == SEPARATED.replace(after_ports, after_ports + "    environment:\n      DB_HOST: db\n")
    assert add_environment(env, "api", {"DB_HOST": "db"}) == env  # settled
    volume = add_volume(SEPARATED, "api", "./src:/app/src")
    assert volume == SEPARATED.replace(after_ports, after_ports + "    volumes:\n      - ./src:/app/src\n")
    hosts = add_extra_host(SEPARATED, "api", "host.docker.internal:host-gateway")
    assert hosts == SEPARATED.replace(after_ports, after_ports + '    extra_hosts:\n'
                                      '      - "host.docker.internal:host-gateway"\n')


def test_an_entry_added_to_a_block_closing_a_service_goes_above_the_separator() -> None:
    env = add_environment(SEPARATED, "db", {"POSTGRES_USER": "app"})
    assert env == SEPARATED.replace("      POSTGRES_DB: app\n", "      POSTGRES_DB: app\n      POSTGRES_USER: app\n")
    listed = SEPARATED.replace("      POSTGRES_DB: app\n", "      - POSTGRES_DB=app\n")
    assert add_environment(listed, "db", {"POSTGRES_USER": "app"}) == listed.replace(
        "      - POSTGRES_DB=app\n", "      - POSTGRES_DB=app\n      - POSTGRES_USER=app\n")


def test_the_blank_lines_a_kept_block_scalar_owns_stay_in_it() -> None:
    # `|+` keeps the blank line after `run` as part of the command: moving the key above it would change the value
    text = "services:\n  api:\n    command: |+\n      run\n\n  db:\n    image: postgres\n"
    expected = text.replace("\n\n  db:", "\n\n    environment:\n      A: b\n  db:")
    assert add_environment(text, "api", {"A": "b"}) == expected


def test_a_list_at_its_keys_column_keeps_its_indentation_in_a_file_whose_first_lists_are_indented() -> None:
    """The round trip writes a file with the indentation it guesses from its first lists: missing-mount's
    fix re-indented the existing items of an override's `volumes:` written at the key's column
    (wodby/docker4drupal's overrides mix both styles), and their comments' spacing with them."""
    text = ('services:\n  db:\n    ports:\n      - "5432:5432"\n  backend:\n    ports:\n    - "8000:8000"\n'
            "    volumes:\n    - ./backend/htmlcov:/app/backend/htmlcov\n"
            "    - ./backend/app:/app/backend/app  # the code\n    - ./backend/tests:/app/backend/tests\n"
            "    environment:\n      A: b\n")
    out = add_volume(text, "backend", "./backend/scripts:/app/backend/scripts")
    added = "    - ./backend/scripts:/app/backend/scripts\n"
    assert out == text.replace("    environment:\n", added + "    environment:\n")
    deeper = text.replace("    - ./backend/", "        - ./backend/")  # deeper than the guess: kept too
    assert add_volume(deeper, "backend", "./x:/x") == deeper.replace(
        "    environment:\n", "        - ./x:/x\n    environment:\n")


LONG_BINDS = ("services:\n  backend:\n    volumes:\n      - type: bind\n        source: ./backend/app\n"
              "        target: /app/backend/app\n        read_only: true\n        bind:\n          selinux: z\n"
              "      - type: bind\n        source: ./backend/tests\n        target: /app/backend/tests\n"
              "        bind:\n          selinux: z\n          create_host_path: false\n"
              "      - node_modules:/app/node_modules\n    environment:\n      A: b\n")


def test_an_added_bind_is_long_syntax_where_every_sibling_bind_is() -> None:
    """missing-mount appended `- ./backend/scripts:/app/backend/scripts` below `- type: bind` entries
    (an auditor's fastapi-template override): it follows them, with the `bind.selinux` they share and
    neither the `read_only` nor the `create_host_path` one of them alone sets; a named volume does not vote."""
    out = add_volume(LONG_BINDS, "backend", "./backend/scripts:/app/backend/scripts")
    added = ("      - type: bind\n        source: ./backend/scripts\n        target: /app/backend/scripts\n"
             "        bind:\n          selinux: z\n")
    assert out == LONG_BINDS.replace("    environment:\n", added + "    environment:\n")
    assert add_volume(out, "backend", "./backend/scripts:/app/backend/scripts") == out


def test_an_added_long_bind_takes_the_quoting_read_only_and_flow_style_its_siblings_share() -> None:
    text = ('services:\n  web:\n    volumes:\n'
            '      - {type: "bind", source: "./a", target: "/app/a", read_only: true}\n'
            '      - {type: "bind", source: "./b", target: "/app/b", read_only: true}\n')
    out = add_volume(text, "web", "./c:/app/c")
    assert out == text + '      - {type: "bind", source: "./c", target: "/app/c", read_only: true}\n'


def test_a_short_sibling_bind_keeps_the_added_one_short() -> None:
    text = LONG_BINDS.replace("      - node_modules:", "      - ./lib:/app/lib\n      - node_modules:")
    out = add_volume(text, "backend", "./backend/scripts:/app/backend/scripts")
    assert "      - ./backend/scripts:/app/backend/scripts\n    environment:" in out
