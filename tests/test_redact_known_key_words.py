"""Keys that hold a secret under words doctor did not know: an Erlang cookie (RABBITMQ_ERLANG_COOKIE,
RELEASE_COOKIE, `ERL_FLAGS=-setcookie X`), a pre-shared key (IPSEC_PSK, VPN_IPSEC_PSK), LDAP's `*BINDPW`.

Before: `doctor why` on a stack whose containers log them printed `cookie=SWQOKODSQALRPCLNMEQG loaded psk:
PskVal8812xx bind pw LdapBindPw66 rel elixCookie77`; the project defines each value, so each is masked
wherever it appears. A browser cookie's settings (SESSION_COOKIE_SECURE, CSRF_COOKIE_DOMAIN) stay readable.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.known_secrets import project_redactor
from doctor.project import Project, ProjectOptions
from doctor.secret_keys import is_secret_key

ENV = """\
RABBITMQ_ERLANG_COOKIE=SWQOKODSQALRPCLNMEQG
RELEASE_COOKIE=elixCookie77
IPSEC_PSK=PskVal8812xx
VPN_IPSEC_PSK=vpnshared
LDAP_BINDPW=LdapBindPw66
RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-setcookie rbtCk9Lm2
SESSION_COOKIE_AGE=1209600
SESSION_COOKIE_NAME=sessionid
"""
COMPOSE = """\
services:
  rabbit:
    image: rabbitmq:3
    env_file: .env
  node:
    image: elixir:1.16
    environment:
      ERL_FLAGS: -setcookie nodeCk7Qx -name a@node
"""


@pytest.fixture
def redactor(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / ".env").write_text(ENV)
    return project_redactor(Project(ProjectOptions(path=tmp_path, env={})))


def test_a_cookie_a_psk_and_a_bind_password_a_container_logs_are_masked(redactor) -> None:  # type: ignore[no-untyped-def]
    said = ("cookie=SWQOKODSQALRPCLNMEQG loaded psk: PskVal8812xx bind pw LdapBindPw66 rel elixCookie77 "
            "vpn vpnshared")
    assert redactor.text(said) == "cookie=*** loaded psk: *** bind pw *** rel *** vpn ***"


def test_the_cookie_setcookie_gives_is_masked(redactor) -> None:  # type: ignore[no-untyped-def]
    assert redactor.text("node a@node: cookie nodeCk7Qx refused; rabbit rbtCk9Lm2") == (
        "node a@node: cookie *** refused; rabbit ***")


def test_a_browser_cookies_settings_stay_readable(redactor) -> None:  # type: ignore[no-untyped-def]
    assert redactor.text("SESSION_COOKIE_NAME=sessionid, age 1209600") == "SESSION_COOKIE_NAME=sessionid, age 1209600"


@pytest.mark.parametrize("key", ["RABBITMQ_ERLANG_COOKIE", "RELEASE_COOKIE", "erlangCookie", "IPSEC_PSK",
                                 "VPN_IPSEC_PSK", "WPA_PSK", "LDAP_BINDPW", "SLAPD_ROOTPW", "LDAP_ADMINPW"])
def test_keys_naming_a_shared_secret_hold_one(key: str) -> None:
    assert is_secret_key(key)


@pytest.mark.parametrize("key", ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_DOMAIN", "SESSION_COOKIE_NAME",
                                 "PSK_IDENTITY", "COOKIE_SAMESITE"])
def test_a_cookies_settings_and_a_psk_identity_hold_none(key: str) -> None:
    assert not is_secret_key(key)
