"""The password an LDAP client's `-w` gives (`ldapsearch ... -w PW`, `ldapwhoami`, `ldapadd`, `ldappasswd -s NEW`)
and a redis `AUTH [user] PW` command are masked by their shape, where no project value foretells them (a
healthcheck's or an init script's line quoted by `doctor why` from a failed `up`'s logs).

Before: osixia/openldap's healthcheck `ldapsearch -x -H ldap://localhost -b dc=company,dc=com -D
"cn=admin,dc=company,dc=com" -w Adm1nPa55` and `127.0.0.1:6379> AUTH s3cretpw` printed in the clear.
"""

from __future__ import annotations

import pytest

from doctor.redact import Redactor, scrub


@pytest.mark.parametrize(("text", "shown"), [
    ('ldapsearch -x -H ldap://localhost -b dc=company,dc=com -D "cn=admin,dc=company,dc=com" -w Adm1nPa55',
     'ldapsearch -x -H ldap://localhost -b dc=company,dc=com -D "cn=admin,dc=company,dc=com" -w ***'),
    ("/usr/bin/ldapwhoami -x -D cn=admin,dc=example,dc=org -w 'admin pw' -H ldap://ldap",
     "/usr/bin/ldapwhoami -x -D cn=admin,dc=example,dc=org -w '***' -H ldap://ldap"),
    ("ldapadd -x -D cn=admin,dc=example,dc=com -wadminpw -f /example.ldif -c",
     "ldapadd -x -D cn=admin,dc=example,dc=com -w*** -f /example.ldif -c"),
    ("ldapmodify -x -D cn=admin -w \"$LDAP_ADMIN_PASSWORD\" -f x.ldif",
     "ldapmodify -x -D cn=admin -w \"$LDAP_ADMIN_PASSWORD\" -f x.ldif"),
    ("ldappasswd -x -D cn=admin -w Adm1nPa55 -a 0ldPa55 -s N3wPa55 uid=jo",
     "ldappasswd -x -D cn=admin -w *** -a *** -s *** uid=jo"),
    # a file, a prompt, and ldapsearch's -s scope are no password
    ("ldapsearch -x -y /run/secrets/ldap -D cn=admin -s sub", "ldapsearch -x -y /run/secrets/ldap -D cn=admin -s sub"),
    ("ldapsearch -x -W -D cn=admin -b dc=x", "ldapsearch -x -W -D cn=admin -b dc=x"),
    # redis: the AUTH command, interactive or sent by a script; redis-cli's own flags
    ("127.0.0.1:6379> AUTH s3cretpw\nOK", "127.0.0.1:6379> AUTH ***\nOK"),
    ("AUTH default s3cretpw", "AUTH default ***"),
    ("printf 'AUTH Hq4Wz8\\r\\nPING\\r\\n' | nc redis 6379", "printf 'AUTH ***\\r\\nPING\\r\\n' | nc redis 6379"),
    ('echo "AUTH s3cretpw" | redis-cli -h redis', 'echo "AUTH ***" | redis-cli -h redis'),
    ("redis-cli -h redis AUTH s3cretpw", "redis-cli -h redis AUTH ***"),
    ("redis-cli -h redis -a 's3cret pw' ping", "redis-cli -h redis -a '***' ping"),
    ("redis-cli --pass \"s3cret pw\" ping", "redis-cli --pass \"***\" ping"),
    ('echo "AUTH $REDIS_PASSWORD" | redis-cli', 'echo "AUTH $REDIS_PASSWORD" | redis-cli'),
    # redis's own error text and prose: no password in it
    ("(error) ERR AUTH <password> called without any password configured for the default user",
     "(error) ERR AUTH <password> called without any password configured for the default user"),
    ("NOAUTH Authentication required.", "NOAUTH Authentication required."),
    ("AUTH failed", "AUTH failed"),
])
def test_ldap_and_redis_auth_passwords_are_masked_by_shape(text: str, shown: str) -> None:
    assert scrub(text) == shown


def test_the_password_found_so_is_masked_elsewhere_in_the_same_text() -> None:
    found: set[str] = set()
    scrub("ldapwhoami -x -D cn=admin -w Adm1nPa55", found.add)
    assert found == {"Adm1nPa55"}
    assert Redactor(found).text("bind as cn=admin with Adm1nPa55 failed") == "bind as cn=admin with *** failed"
