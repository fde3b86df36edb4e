"""Every command's table output, in Dutch and English, shows words, never a message id.

Runs in-process through ``main(argv)`` (the real entry point of the ``prioritisation`` command).
A message id is recognised two ways: any id of the catalogue, verbatim, and any word shaped
like an id with one of the catalogue's prefixes (``col.rank``), so that an id missing from the
catalogue is caught too.
"""

from __future__ import annotations

import re
import shutil

import pytest

from prioritisation.cli import main
from prioritisation.core import i18n
from tests.conftest import SAMPLE

IDS = set(i18n.catalogue("en"))
PREFIXES = sorted({key.split(".", 1)[0] for key in IDS})
KEY_SHAPED = re.compile(
    r"\b(?:" + "|".join(map(re.escape, PREFIXES)) + r")\.[a-z_]{2,}(?:\.[a-z_]+)*\b"
)
FILE_NAME = re.compile(r"\.(xlsx|csv|pdf|json|png|svg|py|sqlite|md)\b")

COMMANDS = [
    ["validate", "{wb}"],
    ["rank", "{wb}"],
    ["weights", "{wb}"],
    ["sensitivity", "{wb}", "--samples", "500"],
    ["portfolio", "{wb}", "--budget", "1.500.000"],
    ["roadmap", "{wb}"],
    ["frontier", "{wb}", "--levels", "5"],
    ["scenario", "list", "{wb}"],
    ["scenario", "show", "{wb}", "Basis"],
    ["scenario", "compare", "{wb}", "Basis@1", "Basis@2"],
    ["audit", "{wb}"],
]


@pytest.fixture(scope="module")
def wb(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lang")
    path = folder / "sample.xlsx"
    shutil.copy(SAMPLE, path)
    for author, extra in (("An", []), ("Bart", ["--weights", "desirability=50"])):
        assert (
            main(["scenario", "save", str(path), "--name", "Basis", "--author", author, *extra])
            == 0
        )
    return path


def keys_in(text: str) -> list[str]:
    found = {w for w in re.findall(r"[\w.]+", text) if "." in w and w in IDS}
    found |= {m.group(0) for m in KEY_SHAPED.finditer(text) if not FILE_NAME.search(m.group(0))}
    return sorted(found)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_table_output_has_no_message_ids(wb, argv, lang, capsys):
    capsys.readouterr()
    code = main(["--lang", lang, *[a.format(wb=wb) for a in argv]])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.strip(), "no output"
    assert keys_in(out + err) == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_error_messages_have_no_message_ids(tmp_path, lang, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "ideas.csv").write_text("id;title;cost\nA;;-5\nA;Twee;veel\n", encoding="utf-8")
    assert main(["--lang", lang, "validate", str(bad)]) == 2
    assert main(["--lang", lang, "rank", str(SAMPLE), "--weights", "nope=1"]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") >= 3 and keys_in(out + err) == []


def test_the_checker_finds_an_id():
    assert keys_in("rang  col.rank  titel") == ["col.rank"]
    assert keys_in("zie data/sample.xlsx en reports/x.pdf") == []
