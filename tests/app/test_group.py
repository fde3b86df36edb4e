"""The Group tab without a browser: three members' pages (each its own app, as each has its
own kernel) on one store, driven through the widgets' callbacks; the store watch is run by
hand (``watch.check()``), as the kernel's loop would run it."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from prioritisation.app import build_app, identity
from prioritisation.app.group import acts_as_chair
from prioritisation.app.group_views import qr_svg
from prioritisation.app.identity import Identity
from prioritisation.data.workbook import read_workbook
from prioritisation.engine.run import resolve_run
from prioritisation.scenarios.db import open_store
from tests.group_helpers import brute_force_maxmin, small_workbook

GROUP_TAB = 6


def page(path, login, monkeypatch):
    """A member's page: the app as ``login`` (a trusted proxy's header) sees it."""
    monkeypatch.setattr(
        identity, "_current", Identity(login, "header") if login else Identity(None)
    )
    app = build_app(path)
    monkeypatch.setattr(identity, "_current", None)
    return app


def look(*apps) -> None:
    for app in apps:
        app.group.watch.check()


def set_weights(app, positions: dict) -> None:
    for cid, value in positions.items():
        app.sliders[cid].value = value


def member_rows(app) -> list[str]:
    return re.findall(r"class='pw-member-row' data-member='([^']+)'", app.group.body.value)


@pytest.fixture
def group(tmp_path, monkeypatch):
    path = small_workbook(tmp_path)
    return path, {login: page(path, login, monkeypatch) for login in ("an", "bart", "chris")}


def test_only_a_verified_chair_acts_as_chair(monkeypatch):
    monkeypatch.delenv("PRIORITISATION_APP_CHAIR", raising=False)
    bart = Identity("bart", "header", "Bart", "member")
    assert not acts_as_chair(bart)
    assert acts_as_chair(Identity("an", "header", "An", "chair"))
    monkeypatch.setenv("PRIORITISATION_APP_CHAIR", "BART")
    assert acts_as_chair(bart)
    assert not acts_as_chair(Identity(None))  # unverified: nobody is chair, whatever is named
    assert not acts_as_chair(Identity("zoe", "header", "zoe", None, listed=False))


def test_the_qr_code_is_inline_svg_of_the_address():
    svg = qr_svg("http://10.0.0.5:8866/?token=abc")
    assert svg.startswith("<svg") and "http://10.0.0.5:8866/?token=abc" in svg
    assert "http" not in svg.replace("http://10.0.0.5:8866/?token=abc", "").replace(
        "http://www.w3.org/2000/svg", ""
    )  # nothing loaded from elsewhere


def test_a_blind_round_from_opening_to_decision(group, tmp_path):
    path, apps = group
    an, bart, chris = apps["an"], apps["bart"], apps["chris"]
    for app in apps.values():
        app.tabs.selected_index = GROUP_TAB
    look(an, bart, chris)
    assert an.group.chair and not bart.group.chair
    assert an.group.open_btn in an.group.chair_box.children
    assert bart.group.chair_box.children == ()
    assert bart.group.share.disabled  # no round yet

    an.group.round_name.value = "Mei"
    an.group._on_open()
    look(an, bart, chris)
    assert an.group.view.round.blind and not bart.group.share.disabled

    chosen = {"an": {"innovation": 80, "desirability": 10, "viability": 5, "feasibility": 5},
              "bart": {"innovation": 5, "desirability": 70, "viability": 20, "feasibility": 5},
              "chris": {"innovation": 10, "desirability": 10, "viability": 10, "feasibility": 70}}  # fmt: skip
    for login, app in apps.items():
        set_weights(app, chosen[login])
        app.group._on_share()
        look(*apps.values())
    # blind: a member sees only their own row; the chair sees everyone
    assert member_rows(bart) == ["Bart"]
    assert "pw-hidden-count" in bart.group.body.value
    assert sorted(member_rows(an)) == ["An", "Bart", "Chris"]
    assert "niet gedeeld" not in an.group.who_shared.value.lower()

    an.group._on_reveal()
    look(an, bart, chris)
    for app in apps.values():
        assert sorted(member_rows(app)) == ["An", "Bart", "Chris"]
    # the group's weights are the mean of the shared shares
    sets = pd.DataFrame({login.capitalize(): pd.Series(w, dtype=float) / sum(w.values())
                         for login, w in chosen.items()}).T  # fmt: skip
    group_row = re.search(r"<tr class='pw-group-row'>.*?</tr>", chris.group.body.value).group(0)
    shown = dict(re.findall(r"data-c='(\w+)' data-w='([0-9.]+)'", group_row))
    for c in sets.columns:
        assert float(shown[c]) == pytest.approx(sets[c].mean(), abs=1e-6)
    # the compromise's lowest satisfaction is the brute-force max-min
    run = resolve_run(read_workbook(path))
    low = float(re.search(r"data-min='([0-9.]+)'", bart.group.body.value).group(1))
    assert low == pytest.approx(brute_force_maxmin(run, sets), abs=1e-6)
    assert "het minst" in bart.group.body.value

    an.group.rule.value = "compromise"
    an.group.pdf.start = lambda *a, **k: None  # the report itself: tests/report/test_group.py
    an.group._on_close()
    look(an, bart, chris)
    assert bart.group.share.disabled and bart.group.view.round.closed
    with open_store(path) as store:
        decision = store.get("Mei")
    assert sorted(decision.selection["include"]) == sorted(an.group.view.analysis.compromise.funded)
    assert np.isclose(sum(decision.weights.values()), 1.0)


def test_a_reconnected_member_gets_their_last_shared_weights_back(group, monkeypatch):
    path, apps = group
    an, bart = apps["an"], apps["bart"]
    an.group._on_open()
    look(bart)
    set_weights(bart, {"innovation": 3, "desirability": 90, "viability": 4, "feasibility": 3})
    bart.group._on_share()
    again = page(path, "bart", monkeypatch)  # a new kernel for the same member
    assert again.state.weights()["desirability"] == pytest.approx(0.9)
    look(again)
    assert "gedeeld" in again.group.share_note.value.lower()


def test_unverified_pages_pick_a_name_and_cannot_chair(tmp_path, monkeypatch):
    path = small_workbook(tmp_path)
    app = page(path, None, monkeypatch)
    look(app)
    assert not app.group.chair and app.group.name_pick is not None
    assert "Lies" not in [v for _, v in app.group.name_pick.options]  # an analyst has no say
    assert app.group.share.disabled
    assert "niet geverifieerd" in app.who.value.lower()


def test_without_a_round_the_tab_shows_the_workbooks_own_member_weights(app):
    app.tabs.selected_index = GROUP_TAB
    look(app)
    assert app.group.view.source == "workbook" and len(member_rows(app)) == 7
    assert "pw-sat-sentence" in app.group.body.value


def test_the_scenario_list_follows_the_store(group):
    from prioritisation.scenarios.scenario import make_scenario

    path, apps = group
    an, bart = apps["an"], apps["bart"]
    bart.tabs.selected_index = 4
    with open_store(path) as store:
        store.save(make_scenario(an.state.wb, "Van An", "An"))
    look(bart)
    assert "Van An" in [v for _, v in bart.scenarios.choice.options]


def test_the_strip_chart_leaves_room_for_the_longest_criterion_name():
    """ "Technische haalbaarheid" was cut to "echnische haalbaarheid" at a fixed 150 px."""
    import re

    import pandas as pd

    from prioritisation.app.group_views import GroupView, strip_svg

    sets = pd.DataFrame({"a": [0.5, 0.2], "b": [0.5, 0.8]}, index=["An", "Bo"])
    labels = {"a": "Technische haalbaarheid", "b": "Wens"}
    view = GroupView(source="workbook", sets=sets, visible=["An", "Bo"], labels=labels, titles={})
    svg = strip_svg(view, "nl")
    x = float(re.search(r"<text x='([\d.]+)'[^>]*text-anchor='end'[^>]*>Technische", svg).group(1))
    assert x >= len("Technische haalbaarheid") * 7
