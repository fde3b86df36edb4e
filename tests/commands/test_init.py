"""``prioritisation init``: a copy of the sample to start from, never over an existing file."""

from __future__ import annotations

from tests.conftest import run_cli


def test_init_writes_a_sample_and_never_overwrites(tmp_path):
    run_cli("init", tmp_path / "nieuw", check_exit=0)
    target = tmp_path / "nieuw" / "workbook.xlsx"
    run_cli("validate", target, check_exit=0)
    before = target.read_bytes()
    proc = run_cli("init", tmp_path / "nieuw", check_exit=2)
    assert "bestaat al" in proc.stderr and target.read_bytes() == before
