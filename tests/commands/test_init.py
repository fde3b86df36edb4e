"""``prioritisation init``: a copy of the sample to start from, never over an existing file."""

from __future__ import annotations

from tests.conftest import cli


def test_init_writes_a_sample_and_never_overwrites(tmp_path):
    cli("init", tmp_path / "nieuw", check_exit=0)
    target = tmp_path / "nieuw" / "workbook.xlsx"
    cli("validate", target, check_exit=0)
    before = target.read_bytes()
    proc = cli("init", tmp_path / "nieuw", check_exit=2)
    assert "bestaat al" in proc.stderr and target.read_bytes() == before
