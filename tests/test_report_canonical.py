"""One canonical report rendered by every reporter, compared to tests/reports/expected.<format>.

`pytest tests/test_report_canonical.py --update-expected` rewrites the expected files; read
the diff before committing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reports.canonical import SECRETS, canonical_report, normalize, write_project

from doctor.redact import Redactor
from doctor.report import Format, RenderOptions, renderer

EXPECTED = Path(__file__).parent / "reports"


def rendered(fmt: Format, tmp_path: Path) -> str:
    root = write_project(tmp_path / "proj")
    text = renderer(fmt)(canonical_report(root), Redactor(), RenderOptions(version="1.2.3", cwd=root))
    return normalize(text, root)


@pytest.mark.parametrize("fmt", list(Format), ids=[f.value for f in Format])
def test_canonical_report_matches_expected(
    fmt: Format, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    text = rendered(fmt, tmp_path)
    expected = EXPECTED / f"expected.{fmt.value}"
    if request.config.getoption("--update-expected"):
        expected.write_text(text)
        return
    assert expected.is_file(), f"{expected} missing: run with --update-expected and review it"
    assert text == expected.read_text()


@pytest.mark.parametrize(
    "fmt",
    list(Format),
    ids=[f.value for f in Format],
)
def test_no_format_prints_a_secret(fmt: Format, tmp_path: Path) -> None:
    text = rendered(fmt, tmp_path)
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"{fmt.value} output holds {leaked}"
    assert "***" in text
