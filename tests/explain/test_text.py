"""prioritisation/explain/text.py: a ranking, the weights and a round of forms as terminal text."""

from __future__ import annotations

import pytest

from prioritisation.core.i18n import set_language
from prioritisation.data.sample import sample_path
from prioritisation.data.workbook import read_workbook
from prioritisation.engine.scoring import rank
from prioritisation.engine.weights import weights_report
from prioritisation.explain.text import ranking_frame, ranking_text, weights_frame, weights_text


@pytest.fixture(scope="module")
def wb():
    return read_workbook(sample_path())


def test_ranking_frame_and_header(wb):
    set_language("nl")
    ranking = rank(wb, method="wpm", aggregate="geomean")
    frame = ranking_frame(ranking)
    assert list(frame.columns) == ["rang", "id", "titel", "thema", "score", "reden"]
    assert frame.iloc[0]["rang"] == 1 and "," in frame.iloc[0]["score"]
    crm = frame[frame["id"] == "CRM"].iloc[0]
    assert crm["rang"] is None or str(crm["rang"]) == "<NA>"
    assert "drempel" in crm["reden"]
    header = ranking_text(ranking).splitlines()[0]
    assert header.startswith("Rangschikking: gewogen product (WPM), het meetkundig gemiddelde")


@pytest.mark.parametrize(
    "lang, headings",
    [("nl", ["criterium", "in gebruik", "gelijk", "ROC (rangorde)", "swing (punten)",
             "AHP (paarsgewijs)"]),
     ("en", ["criterion", "in force", "equal", "ROC (rank order)", "swing (points)",
             "AHP (pairwise)"])],
)  # fmt: skip
def test_weights_headings_are_words_not_scheme_codes(wb, lang, headings):
    set_language(lang)
    report = weights_report(wb)
    frame = weights_frame(wb.criterion_labels(), report)
    assert list(frame.columns) == headings
    text = weights_text(wb.criterion_labels(), report)
    assert text.splitlines()[0].split("  ")[0].strip() == headings[0]
    assert "consisten" in text


def test_weights_without_pairwise_say_so(wb):
    set_language("en")
    report = {**weights_report(wb), "ahp": None}
    report["schemes"] = {k: v for k, v in report["schemes"].items() if k != "ahp"}
    text = weights_text(wb.criterion_labels(), report)
    assert "AHP" not in text.splitlines()[0] and text.splitlines()[-1].startswith("No 'pairwise'")
