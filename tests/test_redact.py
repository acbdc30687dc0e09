"""Secrets never reach output: URL passwords, secret-looking keys, and known secret values."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from doctor.redact import Redactor
from doctor.secret_keys import is_secret_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://app:s3cr3t@db:5432/app", "postgresql://app:***@db:5432/app"),
        ("redis://:hunter22@cache:6379/0", "redis://:***@cache:6379/0"),
        ("POSTGRES_PASSWORD=changethis names no service", "POSTGRES_PASSWORD=*** names no service"),
        ("API_KEY: abcdef123", "API_KEY: ***"),
        ("SECRET_KEY='x y z'", "SECRET_KEY='***'"),
        ("POSTGRES_SERVER=postgresserver names no service", "POSTGRES_SERVER=postgresserver names no service"),
        ("http://example.com:8080/path", "http://example.com:8080/path"),
        ("KEYCLOAK_HOST=auth", "KEYCLOAK_HOST=auth"),
    ],
)
def test_masks_secrets_in_text(text: str, expected: str) -> None:
    assert Redactor().text(text) == expected


def test_known_secret_values_are_masked_wherever_they_appear() -> None:
    redactor = Redactor.from_environment(
        {"POSTGRES_PASSWORD": "changethis", "DATABASE_URL": "postgresql://u:pw-in-url@db/app", "HOST": "db"}
    )
    out = redactor.text("value 'changethis' and pw-in-url leaked, host db kept")
    assert "changethis" not in out and "pw-in-url" not in out
    assert "host db kept" in out


@pytest.mark.parametrize("name", ["POSTGRES_PASSWORD", "GITHUB_TOKEN", "SECRET_KEY", "AWS_ACCESS_KEY_ID", "KEY"])
def test_secret_key_names(name: str) -> None:
    assert is_secret_key(name)


@pytest.mark.parametrize("name", ["POSTGRES_SERVER", "POSTGRES_PORT", "KEYCLOAK_URL", "MONKEY_HOST", "AUTHOR",
                                  "API_KEY_RATE_LIMIT", "TOKEN_MAX", "PASSWORD_MIN"])  # plane's `60/minute` was masked
def test_plain_key_names(name: str) -> None:
    assert not is_secret_key(name)


def test_redaction_is_linear_in_the_length_of_a_value() -> None:
    """A 40,000-character value took 23 s with the quadratic patterns; now it is well under 2 s."""
    import time

    from doctor.known_secrets import secrets_in_text

    redactor = Redactor(["Adm1nPwdValue", "conductor"])
    shapes = ["a", "a.", "A=", "x ", "eyJ-", "a://", "PASSWORD=", '"', "mysql ", "--password ", "KEY: "]
    for shape in shapes:
        text = "SECRET_VALUE=" + shape * (40_000 // len(shape))
        started = time.perf_counter()
        redactor.text(text)
        secrets_in_text(text)
        assert time.perf_counter() - started < 2.0, shape


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("stop 'mongo' of project 'x': docker compose -p x stop mongo",
         "stop 'mongo' of project 'x': docker compose -p x stop mongo"),
        ("redis-cli -a pw1234 ping && mongo -p MongoPw", "redis-cli -a *** ping && mongo -p ***"),
        ("mysqladmin ping -h localhost --port=3306 -proot", "mysqladmin ping -h localhost --port=3306 -p***"),
        ("mysqladmin ping -p$$MYSQL_ROOT_PASSWORD", "mysqladmin ping -p$$MYSQL_ROOT_PASSWORD"),
        ("DB_PASSWORD: ${DB_PASSWORD}", "DB_PASSWORD: ${DB_PASSWORD}"),
        ("Authorization: Token abcdef123456", "Authorization: Token ***"),
        ("http://db:5432 and image: postgres:16", "http://db:5432 and image: postgres:16"),
        # a value in quotes of its own, short flags run together, a connection string's Pwd=
        ("mysqladmin ping -h db -uroot -p'HcQuotedPw_31' &&", "mysqladmin ping -h db -uroot -p'***' &&"),
        ('mysql -p"HcQ2x" db', 'mysql -p"***" db'),
        ("curl -fsSu admin:HcCurlPw_32 http://localhost/", "curl -fsSu admin:*** http://localhost/"),
        ("sqlcmd -U sa -P 'HcSqlPw_33' -Q 'select 1'", "sqlcmd -U sa -P '***' -Q 'select 1'"),
        ("Server=db;Database=app;Uid=sa;Pwd=OdbcPw_34;", "Server=db;Database=app;Uid=sa;Pwd=***;"),
        ("cd $PWD; PWD=/app OLDPWD=/srv curl -fsSL https://x/y.sh", "cd $PWD; PWD=/app OLDPWD=/srv curl -fsSL https://x/y.sh"),
    ],
)
def test_command_arguments_and_references(text: str, expected: str) -> None:
    assert Redactor().text(text) == expected


# pieces a token-shaped text is made of: every hint literal, bodies, and the characters the
# shapes' look-behinds tell apart
_TOKEN_PIECES = ["ghp_", "gho_", "ghs_", "github_pat_", "xoxb-", "xoxp-", "AKIA", "ASIA", "eyJ", "glpat-", "npm_",
                 "sk_live_", "rk_test_", "sk-", "AIza", "SG.", "hooks.slack.com/services/",
                 "discord.com/api/webhooks/", "discordapp.com/api/webhooks/", "ABCDEFGHIJKLMNOP",
                 "abcdefghij0123456789",
                 "T000/B000/XXXX", "x", "0", "_", "-", ".", "/", " ", "\n", '"', "'", ":", "=", "@", "$", "A", "k"]


def _shaped_texts(count: int) -> list[str]:
    import random

    rng = random.Random(12)
    return ["".join(rng.choice(_TOKEN_PIECES) for _ in range(rng.randint(1, 24))) for _ in range(count)]


def _token_texts_of_files() -> list[str]:
    """Every compose and env file of the repo, and of ../shared's corpus when it is there."""
    from conftest import REPO, SHARED

    roots = [REPO / "examples", REPO / "tests"] + ([SHARED / "corpus"] if SHARED.is_dir() else [])
    texts = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and (path.suffix in (".yml", ".yaml") or path.name.startswith(".env")):
                texts.append(path.read_text(errors="replace"))
    return texts


def test_token_shapes_are_tried_only_where_they_begin_with_the_same_matches() -> None:
    """mask_tokens tries the token shapes at the hints alone: it masks exactly what `sub` masks."""
    from doctor.redact import _mask
    from doctor.secret_shapes import TOKEN_SHAPES as _TOKEN_SHAPES
    from doctor.secret_shapes import mask_tokens as _mask_tokens

    straddling = ["eyJabcdef.xhooks.slack.com/services/T000/B000/XXXX",  # a webhook prefix begun inside a JWT
                  "eyJabcdef.xdiscordapp.com/api/webhooks/1/x", "sk-" * 400,
                  "glpat-" + "eyJ" * 300 + " ghp_" + "A" * 30]
    texts = straddling + _shaped_texts(6000) + _token_texts_of_files()
    found = 0
    for text in texts:
        slow: list[str] = []
        fast: list[str] = []
        assert _mask_tokens(text, fast.append) == _mask(_TOKEN_SHAPES, text, slow.append), text
        assert fast == slow, text
        found += bool(fast)
    assert found > 500  # the random texts hold tokens of every shape, not only texts without one


# pieces of texts for the scans tried at a literal alone: URL schemes and their neighbours, the
# database CLIs and their look-alikes, long flags
_ANCHORED_PIECES = ["http", "DB_URL=", " export X = '", "s3+ssh.x-1", "://", ":/", "a_", "é", "1", "+", ".", "-",
                    "--", "---", "--password",
                    "--pass", "=", " ", "\n", "'", '"', ",", "mysql", "mysqladmin", "mariadb-dump", "redis-cli",
                    "keydb-cli", "valkey-cli", "mongosh", "mongo", "sqlcmd", "curl", "wget", "xcurl", "-p", "-a",
                    "-u", "user:", "S3cr3t", "$", ";", "|", "--token ", "--api-key=", "--db_password"]


def test_scans_tried_at_their_literals_find_what_the_patterns_find() -> None:
    """URL schemes (tried only before a `://`), the database CLIs (only where a name of TOOL_STARTS
    begins), long flags (only at a `--`) and an env file's URL lines (only the lines with a `://`)
    give what finditer and sub give on every position."""
    import random

    from doctor.known_secrets import _URL_LINE
    from doctor.redact import _LONG_FLAG, _long_flags, _tool_args
    from doctor.secret_commands import _TOOL, TOOL_STARTS
    from doctor.secret_shapes import matches_at, places
    from doctor.secret_urls import URL_START, url_starts

    rng = random.Random(5)
    texts = ["".join(rng.choice(_ANCHORED_PIECES) for _ in range(rng.randint(1, 30))) for _ in range(4000)]
    texts += [*_token_texts_of_files(), "a" * 5000 + "://" * 3, "--" * 2000, "mysql" * 1000]
    found = {"url": 0, "tool": 0, "flag": 0}
    for text in texts:
        urls = [m.span() for m in URL_START.finditer(text)]
        assert [m.span() for m in url_starts(text)] == urls, text
        tools = [m.span() for m in _TOOL.finditer(text)]
        assert [m.span() for m in matches_at(_TOOL, text, places(text, TOOL_STARTS))] == tools, text
        flags = [m.span() for m in _LONG_FLAG.finditer(text)]
        assert [m.span() for m in matches_at(_LONG_FLAG, text, places(text, ("--",)))] == flags, text
        slow: list[str] = []
        fast: list[str] = []
        assert _long_flags(text, fast.append) == _LONG_FLAG.sub(_flag_masked(slow.append), text), text
        assert fast == slow, text
        _tool_args(text, fast.append)
        lines = sorted({text.rfind("\n", 0, at) + 1 for at in places(text, ("://",))})
        assert [m.span() for m in matches_at(_URL_LINE, text, lines)] == [m.span() for m in _URL_LINE.finditer(text)]
        found["url"] += len(urls)
        found["tool"] += len(tools)
        found["flag"] += len(flags)
    assert min(found.values()) > 500, found


def _flag_masked(sink: Callable[[str], None]) -> Callable[[re.Match[str]], str]:
    """The replacement _long_flags made for `_LONG_FLAG.sub` (its reference)."""
    from doctor.redact import _masked_group
    from doctor.secret_keys import is_expansion, secret_for_key

    def keep(match: re.Match[str]) -> str:
        if not secret_for_key(match.group("k"), match.group("v")):
            return match.group(0)
        if is_expansion(match.string, match.start("v"), match.end("v")):
            return match.group(0)
        return _masked_group(match, match.group("k"), sink)

    return keep


def test_each_database_cli_begins_with_a_name_tried() -> None:
    """_TOOL's every name begins with one of TOOL_STARTS (where _tool_args tries it)."""
    from doctor.secret_commands import _TOOL, TOOL_STARTS

    names = _literal_alternatives(_TOOL.pattern)  # from the pattern's own parse
    assert len(names) == 42
    assert all(name.startswith(TOOL_STARTS) for name in names), names


def _literal_alternatives(pattern: str) -> set[str]:
    """The literal texts of the alternation in group `t` of a pattern (the database CLIs')."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    for op, av in _parser.parse(pattern):
        if op is c.SUBPATTERN:
            (branch_op, (_, branches)), = list(av[-1])
            assert branch_op is c.BRANCH
            return {"".join(chr(a) for o, a in branch) for branch in branches}
    raise AssertionError(pattern)


@pytest.mark.parametrize("text", [
    # the engine's error for a bind mount over the image's /etc/passwd, quoted by `doctor why`
    "unable to start container process: unable to find user 0: read /etc/passwd: is a directory: unknown",
    "password: is required",
    "token: expired",
    "secret: not found",
])
def test_an_error_message_after_a_secret_word_stays_readable(text: str) -> None:
    assert Redactor().text(text) == text


def test_a_secret_after_a_colon_is_still_masked() -> None:
    assert Redactor().text("password: hunter22 and DB_PASSWORD: s3cret") == "password: *** and DB_PASSWORD: ***"


@pytest.mark.parametrize(("line", "shown"), [
    ("-export GOOGLE_APPLICATION_CREDENTIALS=/app/creds/bq.json\\r",
     "-export GOOGLE_APPLICATION_CREDENTIALS=/app/creds/bq.json\\r"),
    ("-export API_TOKEN=s3cr3t-v4lue-x\\r", "-export API_TOKEN=***\\r"),
])
def test_a_diff_line_with_its_carriage_return_shown_is_judged_as_its_lf_twin(line: str, shown: str) -> None:
    # mozilla/treeherder (trial I2): a CRLF fix's diff masked the path under a credentials key on the
    # `-` line (`...bq.json\r`, no path by its shape) and showed it on the `+` line
    redactor = Redactor()
    assert redactor.text(line) == shown
    twin, twin_shown = (text.removesuffix("\\r").replace("-", "+", 1) for text in (line, shown))
    assert redactor.text(twin) == twin_shown


def test_the_weak_values_pattern_is_compiled_only_for_a_text_that_holds_one() -> None:
    """A short or word-like known value is masked where it stands alone; a report holding none of
    them compiles no pattern for them (~0.2 ms of every run)."""
    redactor = Redactor(["conductor", "pw12"], names=["web"])
    assert redactor.text("service web is up on port 8080") == "service web is up on port 8080"
    assert redactor._weak is None
    assert redactor.text("port 'conductor' and conductor-redis, pw12.") == "port '***' and conductor-redis, ***."
    assert redactor._weak is not None


def test_many_known_values_are_found_in_one_pass_as_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A project of thousands of services, each its own password: a text is searched for the values it holds
    by their heads, in one pass, and masks exactly what testing each value against it masks."""
    import doctor.redact as redact

    values = [f"p{i}" * 2 for i in range(400)] + ["sentry", "conductor", "Zr8Tm3Qv6Yp1Hs", "Summer2024pw", "a.b.c"]
    texts = ["p1p1 and p12p12 in postgres://u:p7p7@db/x", "xp3p3 p3p3-redis sentry/enhance.sh sentry.",
             "conductor_x (conductor) token=Zr8Tm3Qv6Yp1HsZr8Tm3Qv6Yp1Hs a.b.c.d a.b.c", "p399p399", "nothing here"]
    monkeypatch.setattr(redact, "_INDEXED_AFTER", 10**6)
    one_by_one = redact.Redactor(values)
    monkeypatch.setattr(redact, "_INDEXED_AFTER", 8)
    indexed = redact.Redactor(values)
    assert indexed._strong_index is not None and one_by_one._strong_index is None
    assert [indexed.text(t) for t in texts] == [one_by_one.text(t) for t in texts]
    assert indexed.text("p1p1 and p12p12") == "*** and ***"


def test_a_json_report_is_redacted_string_by_string_keeping_each_lines_end() -> None:
    """maybe-finance's .env.example copied by a fix, in `--format json`: the last pass over the encoded
    report took `SECRET_KEY_BASE=secret-value\\n\\n# ` for one value (`\\n` is two characters there),
    and `new` came out as `SECRET_KEY_BASE=*** Optional self-hosting vars`, its lines merged."""
    import json

    from doctor.redact import Redactor

    new = ("# random: `openssl rand -hex 64`\nSECRET_KEY_BASE=secret-value\n\n# Optional vars\n"
           "POSTGRES_PASSWORD=postgres\n")
    text = json.dumps({"findings": [{"fix": {"edits": [{"new": new}]}}]}, indent=2, ensure_ascii=False) + "\n"
    redactor = Redactor(["secret-value", "postgres"])
    masked = json.loads(redactor.document(text))["findings"][0]["fix"]["edits"][0]["new"]
    assert masked == "# random: `openssl rand -hex 64`\nSECRET_KEY_BASE=***\n\n# Optional vars\nPOSTGRES_PASSWORD=***\n"
    assert redactor.document("not json: PASSWORD=hunter22x") == "not json: PASSWORD=***"


def test_a_shell_naming_an_unset_variable_twice_shows_its_name() -> None:
    """`sh: CELERY_BROKER_PASSWORD: CELERY_BROKER_PASSWORD is not set` (a `${VAR:?}` in a command) was
    shown as `...: *** is not set`, as if a value had been set and hidden."""
    from doctor.redact import Redactor

    line = "sh: CELERY_BROKER_PASSWORD: CELERY_BROKER_PASSWORD is not set"
    assert Redactor([]).text(line) == line
    assert Redactor([]).text("CELERY_BROKER_PASSWORD: s3cr3t-Broker") == "CELERY_BROKER_PASSWORD: ***"


def test_a_text_masked_again_is_masked_as_the_first_time() -> None:
    # `text` remembers what it made of each text for the run (the output border passes a report's
    # fields again); the second answer is the first, secret or not
    redactor = Redactor(["hunter2hunter2"])
    for text in ("DB_PASSWORD=hunter2hunter2", "login with hunter2hunter2 as admin", "nothing secret here"):
        first = redactor.text(text)
        assert redactor.text(text) == first
    assert redactor.text("login with hunter2hunter2 as admin") == "login with *** as admin"


def test_documentation_let_through_after_a_text_was_masked_applies_from_then_on() -> None:
    # a weak value inside doctor's own prose: masked before the prose is known as documentation,
    # let through after (what `text` remembered of it does not outlive the prose's arrival)
    prose = "Checks that the service names in the .env match the compose services (not a conductor)."
    redactor = Redactor(["conductor"])
    before = redactor.text(prose)
    assert "***" in before
    assert redactor.documentation(prose) == prose
    assert redactor.text(prose) == prose


def test_a_json_report_with_nothing_to_mask_leaves_the_border_as_it_came() -> None:
    import json

    redactor = Redactor(["hunter2hunter2"])
    clean = json.dumps({"findings": [{"message": "héllo", "n": 1.5, "none": None}]}, indent=2,
                       ensure_ascii=False) + "\n"
    assert redactor.document(clean) == clean
    leaked = json.dumps({"findings": [{"message": "pass hunter2hunter2"}]}, indent=2, ensure_ascii=False) + "\n"
    shown = redactor.document(leaked)
    assert "hunter2hunter2" not in shown and json.loads(shown) == {"findings": [{"message": "pass ***"}]}


def test_what_text_remembers_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import doctor.redact as redact

    monkeypatch.setattr(redact, "_DONE_CHARS", 12)
    redactor = Redactor(["hunter2hunter2"])
    texts = ["short one", "x" * 30, "abc", "pass hunter2hunter2"]
    shown = [redactor.text(t) for t in texts]
    assert shown == ["short one", "x" * 30, "abc", "pass ***"]
    assert sum(map(len, redactor._done)) <= 12  # the rest answered, not kept
    assert [redactor.text(t) for t in texts] == shown
