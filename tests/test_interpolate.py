"""Compose interpolation: compose-go v2.9.1's template tests ported, plus a differential table
run through the real `docker compose config` (v2.40.3)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from doctor.project.interpolate import (
    InterpolationError,
    VariableRef,
    _earliest_operator,
    interpolate_tree,
    substitute,
)

# template_test.go's defaultMapping
DEFAULTS = {"FOO": "first", "BAR": "", "JSON": '{"json":2}', "ſb": "Y", "Kb": "Z", "ıb": "X"}


def sub(template: str, mapping: dict[str, str] | None = None) -> str:
    return substitute(template, (DEFAULTS if mapping is None else mapping).get)[0]


# (template, expected) from template_test.go, in its order
OK_CASES = [
    ("$${foo}", "${foo}"),  # TestEscaped
    ("foo", "foo"),  # TestSubstituteNoMatch
    ("a $ string", "a $ string"),  # TestUnescaped
    ("^REGEX$", "^REGEX$"),
    ("$}", "$}"),
    ("$", "$"),
    ("$FOO-bar", "first-bar"),  # TestNonBraced
    ("This ${missing} var", "This  var"),  # TestNoValueNoDefault
    ("This ${BAR} var", "This  var"),
    ("This $FOO var", "This first var"),  # TestValueNoDefault
    ("This ${FOO} var", "This first var"),
    ("ok ${missing:-def}", "ok def"),  # TestNoValueWithDefault
    ("ok ${missing-def}", "ok def"),
    ("ok ${BAR:-def}", "ok def"),  # TestEmptyValueWithSoftDefault
    ("ok ${FOO:-def}", "ok first"),  # TestValueWithSoftDefault
    ("ok ${BAR-def}", "ok "),  # TestEmptyValueWithHardDefault
    ("ok ${UNSET_VAR:+presence_value}", "ok "),  # TestPresentValueWithUnset
    ("ok ${UNSET_VAR+presence_value}", "ok "),
    ("ok ${FOO:+presence_value}", "ok presence_value"),
    ("ok ${FOO+presence_value}", "ok presence_value"),
    ("ok ${BAR+presence_value}", "ok presence_value"),
    ("ok ${BAR:+presence_value}", "ok "),
    ("ok ${BAR:-/non:-alphanumeric}", "ok /non:-alphanumeric"),  # TestNonAlphanumericDefault
    # TestInterpolationExternalInterference
    ("-ok ${BAR:-defaultValue}", "-ok defaultValue"),
    ("+ok ${UNSET:-${BAR-defaultValue}}", "+ok "),
    ("-ok ${FOO:-defaultValue}", "-ok first"),
    (":-ok ${UNSET-defaultValue}", ":-ok defaultValue"),
    (":-ok ${BAR-defaultValue}", ":-ok "),
    (":?ok ${BAR-defaultValue}", ":?ok "),
    (":?ok ${BAR:-defaultValue}", ":?ok defaultValue"),
    (":+ok ${BAR:-defaultValue}", ":+ok defaultValue"),
    ("+ok ${BAR-defaultValue}", "+ok "),
    ("?ok ${BAR:-defaultValue}", "?ok defaultValue"),
    # TestDefaultsWithNestedExpansion
    ("ok ${UNSET_VAR-$FOO}", "ok first"),
    ("ok ${UNSET_VAR-${FOO}}", "ok first"),
    ("ok ${UNSET_VAR-${FOO} ${FOO}}", "ok first first"),
    ("ok ${BAR:-$FOO}", "ok first"),
    ("ok ${BAR:-${FOO}}", "ok first"),
    ("ok ${BAR:-${FOO} ${FOO}}", "ok first first"),
    ("ok ${BAR+$FOO}", "ok first"),
    ("ok ${BAR+$FOO ${FOO:+second}}", "ok first second"),
    # TestDefaultsForMandatoryVariables
    ("ok ${FOO:?err}", "ok first"),
    ("ok ${FOO?err}", "ok first"),
    ("ok ${BAR?err}", "ok "),
    # TestPrecedence
    ("${UNSET_VAR-myerror?msg}", "myerror?msg"),
    ("${FOO?bar-baz}", "first"),
    ("${BAR:-default_value_for_empty_var}", "default_value_for_empty_var"),
    ("${UNSET_VAR-default_value_for_unset_var}", "default_value_for_unset_var"),
    ("ok ${SUBDOMAIN:-redis}.${FOO:?}", "ok redis.first"),  # TestSubstituteWithReplacementFunc
    # TestNoValueWithCurlyBracesDefault / TestValueWithCurlyBracesDefault
    ('ok ${missing:-{"json":1}}', 'ok {"json":1}'),
    ('ok ${missing-{"json":1}}', 'ok {"json":1}'),
    ('ok ${JSON:-{"json":1}}', 'ok {"json":2}'),
    ('ok ${JSON-{"json":1}}', 'ok {"json":2}'),
    # COMPOSE-SEMANTICS.md §2.1, each verified against v2.40.3
    ("cost $5 and $ alone and $1", "cost $5 and $ alone and $1"),
    ("${FOO:-x}y}", "firsty}"),
    ("${FOO:-a:-b}", "first"),
    ("${UNSET:-a:-b}", "a:-b"),
    ("$FOO_BAR", ""),  # greedy name: the variable FOO_BAR
    ("${foo}", ""),  # the lookup is case-sensitive
    ("$$FOO", "$FOO"),
    ("${UNSET:-$$}", "$"),
    # Go's (?i)[a-z] folds to the long s and the Kelvin sign, not to the Turkish i
    ("a$ſb", "aY"),
    ("a$Kb", "aZ"),
    ("a$ıb $İ", "a$ıb $İ"),
]


@pytest.mark.parametrize(("template", "expected"), OK_CASES)
def test_substitute(template: str, expected: str) -> None:
    assert sub(template) == expected


def test_single_pass_never_rescans_a_value() -> None:
    assert sub("${X}", {"X": "$HOME ${FOO}"}) == "$HOME ${FOO}"


@pytest.mark.parametrize("template", ["${", "${}", "${ }", "${ foo}", "${foo }", "${foo!}",
                                      "${1}", "x:${1}", "${A B}", "${foo[bar]}", "${A:-x\ny}"])
def test_invalid_template(template: str) -> None:  # TestInvalid
    with pytest.raises(InterpolationError) as caught:
        substitute(template, DEFAULTS.get, "services.a.image")
    assert caught.value.invalid_format
    assert str(caught.value) == (
        "invalid interpolation format for services.a.image.\n"
        f"You may need to escape any $ with another $.\n{template}"
    )


def test_invalid_template_names_the_innermost_template() -> None:
    # compose prints the nested default that failed, not the whole value
    with pytest.raises(InterpolationError) as caught:
        substitute("x ${A:-${1}} y", DEFAULTS.get, "p")
    assert caught.value.template == "${1}"


@pytest.mark.parametrize(("template", "message"), [
    # TestMandatoryVariableErrors and ...WithNestedExpansion
    ("not ok ${UNSET_VAR:?Mandatory Variable Unset}",
     "required variable UNSET_VAR is missing a value: Mandatory Variable Unset"),
    ("not ok ${BAR:?Mandatory Variable Empty}",
     "required variable BAR is missing a value: Mandatory Variable Empty"),
    ("not ok ${UNSET_VAR:?}", "required variable UNSET_VAR is missing a value"),
    ("not ok ${UNSET_VAR?Mandatory Variable Unset}",
     "required variable UNSET_VAR is missing a value: Mandatory Variable Unset"),
    ("not ok ${UNSET_VAR?}", "required variable UNSET_VAR is missing a value"),
    ("not ok ${UNSET_VAR:?Mandatory Variable ${FOO}}",
     "required variable UNSET_VAR is missing a value: Mandatory Variable first"),
    ("not ok ${UNSET_VAR?Mandatory Variable ${FOO}}",
     "required variable UNSET_VAR is missing a value: Mandatory Variable first"),
    ("${UNSET_VAR?bar-baz}", "required variable UNSET_VAR is missing a value: bar-baz"),  # TestPrecedence
    # eager defaults (compose-go <= v2.10.0): the unused default still fails
    ("${FOO:-${NOPE:?boom}}", "required variable NOPE is missing a value: boom"),
    ("${UNSET:+${NOPE?boom}}", "required variable NOPE is missing a value: boom"),
    ("${FOO:?${NOPE:?inner}}", "required variable NOPE is missing a value: inner"),
])
def test_required_variable(template: str, message: str) -> None:
    with pytest.raises(InterpolationError) as caught:
        substitute(template, DEFAULTS.get, "services.a.image")
    assert str(caught.value) == message
    assert not caught.value.invalid_format
    assert caught.value.compose_message == f"error while interpolating services.a.image: {message}"


@pytest.mark.parametrize(("template", "symbol"), [  # TestSubstitutionFunctionChoice
    ("VARNAME:?val?ue", ":?"), ("VARNAME?val:?ue", "?"), ("VARNAME?va-lu+e:?e", "?"),
    ("VARNAME?va+lu-e:?e", "?"), ("VARNAME:-value", ":-"), ("VARNAME-va:-lu:?e", "-"),
    ("VARNAME-va+lu?e", "-"), ("VARNAME-va?lu+e", "-"), ("VARNAME:+va:?lu:-e", ":+"),
    ("VARNAME+va:+lue", "+"), ("VARNAME+va?lu-e", "+"), ("VARNAME+va-lu?e", "+"),
])
def test_operator_choice(template: str, symbol: str) -> None:
    assert _earliest_operator(template) == symbol


@pytest.mark.parametrize(("template", "refs"), [
    ("plain", ()),
    ("$$A $A ${B}", (VariableRef("A"), VariableRef("B"))),
    ("${A:-x}${B-y}${C:+z}${D+w}", tuple(VariableRef(n, has_default=True) for n in "ABCD")),
    ("${A:?e}${B?e}", (VariableRef("A", required=True), VariableRef("B", required=True))),
    # A and B set: each drops its default, the nearer one naming the cause (test_env_drift_dropped_default)
    ("${A:-${B:-$C}}-${D}", (VariableRef("A", has_default=True), VariableRef("B", True, dropped_by=("A", ":-")),
                             VariableRef("C", dropped_by=("B", ":-")), VariableRef("D"))),
])
def test_variables_in_order(template: str, refs: tuple[VariableRef, ...]) -> None:
    assert substitute(template, {"A": "a", "B": "b", "C": "c"}.get)[1] == refs


def test_interpolate_tree_keeps_keys_and_non_strings() -> None:
    tree = {"services": {"a": {"image": "${IMG:-busybox}", "environment": {"$K": "${V}"},
                               "command": ["echo", "$V"], "init": True}}}
    result, refs = interpolate_tree(tree, {"V": "v"}.get)
    assert result == {"services": {"a": {"image": "busybox", "environment": {"$K": "v"},
                                         "command": ["echo", "v"], "init": True}}}
    assert [r.name for r in refs] == ["IMG", "V", "V"]


def test_interpolate_tree_error_path() -> None:
    with pytest.raises(InterpolationError) as caught:
        interpolate_tree({"services": {"a": {"command": ["${X:?need X}"]}}}, {}.get)
    assert caught.value.compose_message == (
        "error while interpolating services.a.command.[]: required variable X is missing a value: need X")


# ---------------------------------------------------------------------------------------------
# Differential: the same templates through docker compose v2.40.3

SHELL = {"FOO": "first", "BAR": "", "JSON": '{"json":2}', "A": "aval", "DOLLAR": "$HOME",
         "ſb": "long s", "ıb": "dotless", "K": "kelvin"}

COMPOSE_TEMPLATES = [
    "plain", "$$", "$$FOO", "$${FOO}", "a $ b", "$1", "$-x", "trailing $", "$}", "$FOO", "$FOO_BAR",
    "$FOO-bar", "${FOO}", "${foo}", "${UNSET}", "${BAR}", "${FOO:-d}", "${BAR:-d}", "${UNSET:-d}",
    "${FOO-d}", "${BAR-d}", "${UNSET-d}", "${FOO:+x}", "${BAR:+x}", "${UNSET:+x}", "${FOO+x}", "${BAR+x}",
    "${UNSET+x}", "${FOO:?e}", "${FOO?e}", "${BAR?e}", "${A:-x}y}", "${UNSET:-a:-b}", "${UNSET-a?b}",
    "${UNSET:-${BAR:-${FOO}}}", "${UNSET:-{x}}", "${A:-{x}}", '${JSON:-{"j":1}}', '${UNSET-{"j":1}}',
    "${A:-a}${B:-b}}", "${UNSET+x} ${FOO:-y}}", "${A}}", "${UNSET:-}x}", "${DOLLAR}", "${UNSET:-$$}",
    "${UNSET:-$${FOO}}", "x ${FOO:+${A:-z}} y ${UNSET:-${UNSET2-w}}", "a$ıb", "a$ſb", "a$İb",
    "$K", "line1\n${FOO:-x}}\n${A:-y}}",
]
COMPOSE_ERRORS = [
    "${", "${}", "${1}", "x:${1}", "${A B}", "${FOO!}", "${foo[bar]}", "${UNSET:-${1}}", "${UNSET:?}",
    "${UNSET:?must be set}", "${BAR:?empty}", "${UNSET?msg ${FOO}}", "${A:-${NOPE:?boom}}",
    "${UNSET:-${B}", "ok ${FOO} ${UNSET:?x}", "${ı}", "${A:-x\ny}",
]


def _compose_config(compose_bin: str, project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root")}
    return subprocess.run([compose_bin, "config", "--format", "json"], cwd=project, env={**base, **env},
                          capture_output=True, text=True, timeout=60)


def _environment_yaml(values: dict[str, str]) -> str:
    lines = "".join(f"      {key}: {json.dumps(value)}\n" for key, value in values.items())
    return f"services:\n  x:\n    image: busybox\n    environment:\n{lines}"


def _lookup_with_project(env: dict[str, str], project: str) -> Callable[[str], str | None]:
    # compose adds COMPOSE_PROJECT_NAME to the interpolation environment
    return {**env, "COMPOSE_PROJECT_NAME": project}.get


@pytest.mark.compose
def test_templates_match_compose(compose_bin: str, tmp_path: Path) -> None:
    project = tmp_path / "interp"
    project.mkdir()
    keys = {f"T{i}": template for i, template in enumerate(COMPOSE_TEMPLATES)}
    (project / "compose.yaml").write_text(_environment_yaml(keys))
    done = _compose_config(compose_bin, project, SHELL)
    assert done.returncode == 0, done.stderr
    environment = json.loads(done.stdout)["services"]["x"]["environment"]
    lookup = _lookup_with_project(SHELL, "interp")
    for key, template in keys.items():
        theirs = environment[key].replace("$$", "$")  # config escapes every literal $ as $$
        ours = substitute(template, lookup)[0]
        assert ours == theirs, f"{template!r}: compose {theirs!r}, doctor {ours!r}"


@pytest.mark.compose
def test_template_errors_match_compose(compose_bin: str, tmp_path: Path) -> None:
    def run(index: int) -> tuple[str, subprocess.CompletedProcess[str]]:
        project = tmp_path / f"err{index}"
        project.mkdir()
        (project / "compose.yaml").write_text(_environment_yaml({"V": COMPOSE_ERRORS[index]}))
        return project.name, _compose_config(compose_bin, project, SHELL)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, range(len(COMPOSE_ERRORS))))
    for template, (name, done) in zip(COMPOSE_ERRORS, results, strict=True):
        assert done.returncode != 0, f"compose accepted {template!r}"
        with pytest.raises(InterpolationError) as caught:
            substitute(template, _lookup_with_project(SHELL, name), "services.x.environment.V")
        assert caught.value.compose_message in done.stderr, (template, done.stderr)


@pytest.mark.compose
def test_random_templates_match_compose(compose_bin: str, tmp_path: Path) -> None:
    """Seeded random templates from the grammar's pieces: accepted ones must give compose's
    value (one run for all), rejected ones compose's error (a sample, one run each)."""
    import random

    pieces = ["$", "$", "${", "}", "{", ":", "-", "+", "?", "FOO", "BAR", "UNSET", "A", "x", " ", "$$", "\n"]
    rnd = random.Random(20240)
    lookup = _lookup_with_project(SHELL, "batch")
    accepted: dict[str, tuple[str, str]] = {}
    rejected: list[str] = []
    for i in range(300):
        template = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12)))
        try:
            accepted[f"R{i}"] = (template, substitute(template, lookup)[0])
        except InterpolationError:
            rejected.append(template)
    assert len(accepted) > 150 and len(rejected) > 20
    project = tmp_path / "batch"
    project.mkdir()
    (project / "compose.yaml").write_text(_environment_yaml({k: t for k, (t, _) in accepted.items()}))
    done = _compose_config(compose_bin, project, SHELL)
    assert done.returncode == 0, done.stderr
    environment = json.loads(done.stdout)["services"]["x"]["environment"]
    for key, (template, ours) in accepted.items():
        assert environment[key].replace("$$", "$") == ours, template

    def run(index: int) -> subprocess.CompletedProcess[str]:
        one = tmp_path / f"rej{index}"
        one.mkdir()
        (one / "compose.yaml").write_text(_environment_yaml({"V": rejected[index]}))
        return _compose_config(compose_bin, one, SHELL)

    sample = range(0, len(rejected), max(1, len(rejected) // 8))
    with ThreadPoolExecutor(max_workers=2) as pool:
        for index, result in zip(sample, pool.map(run, sample), strict=True):
            template = rejected[index]
            assert result.returncode != 0, f"compose accepted {template!r}"
            with pytest.raises(InterpolationError) as caught:
                substitute(template, _lookup_with_project(SHELL, f"rej{index}"), "services.x.environment.V")
            assert caught.value.compose_message in result.stderr, (template, result.stderr)


def test_a_value_that_interpolation_grows_without_bound_is_an_error_not_all_memory(tmp_path: Path) -> None:
    """A 1 KB .env whose every line repeats the one before ten times grows to 10 GB by its tenth
    line: the run reached 1.1 GB and died of MemoryError. A value stops at 4 MiB, a file at 64 MiB."""
    import tracemalloc

    from doctor.project.interpolate import MAX_VALUE, interpolate_tree, substitute

    big = {"A": "x" * (MAX_VALUE // 2 + 1)}
    with pytest.raises(InterpolationError, match="grows the value past 4 MiB") as raised:
        substitute("${A}${A}", big.get, "services.a.command")
    assert raised.value.too_big and not raised.value.invalid_format
    assert raised.value.compose_message.startswith("interpolation for services.a.command grows the value")
    many = {"services": {f"s{i}": {"command": "${A}"} for i in range(40)}}
    with pytest.raises(InterpolationError, match="grows the file past 64 MiB"):
        interpolate_tree(many, big.get)
    lines = ["L0=xxxxxxxxxx", *(f"L{i}=" + f"${{L{i - 1}}}" * 10 for i in range(1, 10))]
    (tmp_path / ".env").write_text("\n".join(lines) + "\n")
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n")
    from doctor.project import Project, ProjectOptions

    tracemalloc.start()
    try:
        dotenv = Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin"})).dotenv
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, peak
    assert dotenv is not None
    assert [p.message for p in dotenv.problems] == [
        'the value of "L6": interpolation grows the value past 4 MiB (doctor reads no more)']
