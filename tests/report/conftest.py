"""Shared by the report's tests: the sample's context, a store with scenarios, PDF text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from prioritisation.report.context import build_context

from ..conftest import SAMPLE

INJECTION = '<script>alert("x")</script> & <b>vet</b>'
INELIGIBLE = {"APP", "CRM", "BOEKH", "COLLBEH"}  # the sample's ideas below a threshold


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    return re.sub(r"[ \t\u00a0]+", " ", text)


@pytest.fixture
def ctx():
    return build_context(str(SAMPLE), lang="nl", date="2027-01-15")


@pytest.fixture
def stored(tmp_path):
    """A copy of the sample with two saved scenarios (Basis has two versions)."""
    from prioritisation.data.workbook import read_workbook
    from prioritisation.scenarios.db import open_store
    from prioritisation.scenarios.scenario import make_scenario

    path = tmp_path / "sample.xlsx"
    shutil.copy(SAMPLE, path)
    wb = read_workbook(path)
    with open_store(path) as st:
        st.save(make_scenario(wb, "Basis", "An"))
        st.save(make_scenario(wb, "Lezen <eerst>", "Bart", weights="desirability=50",
                              budget="2027=600000,2028=500000", note="Voorstel <b>werkgroep</b>"))  # fmt: skip
        st.save(make_scenario(wb, "Basis", "Carla", weights="equal", exclude="PERSO"))
    return path
