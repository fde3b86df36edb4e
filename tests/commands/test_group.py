"""``prioritisation group PATH`` end to end, in process (prioritisation/commands/group.py):
the workbook's member weights (pairwise, or the member_weights sheet), Dutch and English
tables, JSON that matches the engine, the Excel download."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from prioritisation.data.workbook import read_workbook
from prioritisation.data.writer import workbook_sheets
from prioritisation.decisions.group_decision import analyse_group
from prioritisation.decisions.group_weights import member_weight_sets
from prioritisation.engine.run import resolve_run
from tests.conftest import SAMPLE, cli, xlsx


def test_json_is_the_engines_analysis():
    proc = cli("group", SAMPLE, "--budget", "600.000", "--format", "json", check_exit=0)
    document = json.loads(proc.stdout)
    wb = read_workbook(SAMPLE)
    expected = analyse_group(resolve_run(wb, budget="600.000"), member_weight_sets(wb))
    assert document["round"] is None and document["workbook"]["sha256"] == wb.sha256
    assert document["compromise"] == expected.to_dict()["compromise"]
    assert document["split"] == expected.to_dict()["split"]
    assert document["satisfaction"]["Dina (Vlaamse Erfgoedbibliotheken)"]["own"] == 1.0
    low = min(v["compromise"] for v in document["satisfaction"].values())
    assert low == document["compromise"]["min_satisfaction"]
    assert document["yearly_as_total"] is True  # the sample has yearly budgets


def test_the_dutch_and_english_tables():
    nl = cli("group", SAMPLE, "--budget", "600.000", check_exit=0).stdout
    assert (
        "Gewichten per lid uit het werkboek (paarsgewijze vergelijkingen (AHP) per lid), 7 leden"
        in nl
    )
    assert "groep (gemiddelde van de aandelen)" in nl and "spreiding: laagste" in nl
    assert "Kern (in het eigen optimum van ieder lid): TOEGANK, LEESPROMO, DIGIPUNT" in nl
    assert "Gefinancierd: TOEGANK, LEESPROMO, LEESCLUB, DIGIPUNT, ELOKET, DIGICOACH, OPLEID" in nl
    assert "Laagste tevredenheid 98,7 % (Dina (Vlaamse Erfgoedbibliotheken))" in nl
    assert "Kost €\u00a0585.000 van €\u00a0600.000" in nl and "jaarbudgetten" in nl
    en = cli("--lang", "en", "group", SAMPLE, "--budget", "600.000", check_exit=0).stdout
    assert "Lowest satisfaction 98.7% (Dina (Vlaamse Erfgoedbibliotheken))" in en
    assert "Cost €585,000 of €600,000" in en and "Contested (in some members' own optimum):" in en
    assert "LEESCLUB" in en.split("Contested")[1]


def test_the_member_weights_sheet_and_the_options(tmp_path):
    wb = read_workbook(SAMPLE)
    sheets = workbook_sheets(wb)
    rows = [("An (Cultuurconnect)", "innovation", 1), ("Bart (Bib Brugge)", "viability", 1)]
    sheets["member_weights"] = pd.DataFrame(rows, columns=["member", "criterion", "weight"])
    path = xlsx(tmp_path, **sheets)
    document = json.loads(cli("group", path, "--budget", "400.000", "--method", "topsis",
                              "--how", "median", "--format", "json", check_exit=0).stdout)  # fmt: skip
    assert document["members"] == ["An (Cultuurconnect)", "Bart (Bib Brugge)"]
    assert document["weights"]["An (Cultuurconnect)"]["innovation"] == 1.0
    assert document["group_weights"] == {"innovation": 0.5, "desirability": 0.0,
                                         "viability": 0.5, "feasibility": 0.0}  # fmt: skip
    assert document["how"] == "median" and document["weighted_sum_differs"] is True
    text = cli("group", path, "--budget", "400.000", "--method", "topsis", check_exit=0).stdout
    assert "blad member_weights" in text and "ook al rangschikt TOPSIS" in text
    pairwise = json.loads(cli("group", path, "--source", "pairwise", "--format", "json",
                              check_exit=0).stdout)  # fmt: skip
    assert len(pairwise["members"]) == 7


def test_the_excel_download(tmp_path):
    out = tmp_path / "groep.xlsx"
    cli("group", SAMPLE, "--budget", "600.000", "--format", "xlsx", "--out", out, check_exit=0)
    book = load_workbook(out)
    assert book.sheetnames[:5] == ["gewichten", "rangschikking", "leden", "betwist", "compromis"]
    ids = [row[0].value for row in book["compromis"].iter_rows(min_row=2)]
    assert ids == ["TOEGANK", "LEESPROMO", "LEESCLUB", "DIGIPUNT", "ELOKET", "DIGICOACH", "OPLEID"]


@pytest.mark.parametrize(("args", "code", "text"), [
    (["--how", "mode"], 2, "invalid choice"),
    (["--floor", "0", "--how", "geometric"], 2, "tussen 0 en 1"),
    (["--source", "sheet"], 2, "geen blad 'member_weights'"),
    (["--budget", "100", "--must", "ZOEK"], 0, "de voorwaarden kunnen niet samen gelden"),
])  # fmt: skip
def test_mistakes_are_said_in_words(args, code, text):
    proc = cli("group", SAMPLE, *args)
    assert proc.returncode == code, proc.stderr
    assert text in proc.stdout + proc.stderr
