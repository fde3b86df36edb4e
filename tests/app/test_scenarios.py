"""The scenarios part of the save tab (the scenario store)."""

from __future__ import annotations

import pytest


def test_scenarios_save_open_and_compare(app):
    app.tabs.selected_index = 4
    panel = app.scenarios
    assert panel is not None and panel.store is not None
    panel.save.click()
    assert "Geef het scenario een naam." in panel.saved.value  # nothing saved
    assert panel.store.list() == []
    panel.name.value, panel.author.value = "Werkmap", "An"
    panel.save.click()
    assert "Bewaard als Werkmap v1" in panel.saved.value
    app.sliders["innovation"].value = 100
    shares = app.state.weights().copy()
    panel.name.value = "Innovatie eerst"
    panel.save.click()
    app.reset.click()
    assert app.state.weights()["innovation"] == pytest.approx(0.3)
    panel.choice.value = "Innovatie eerst"
    panel.open.click()
    assert app.state.weights().to_dict() == pytest.approx(shares.to_dict())
    assert app.sliders["innovation"].value == round(100 * shares["innovation"])
    panel.a.value, panel.b.value = "Werkmap", "Innovatie eerst"
    panel.compare.click()
    assert "pw-compare-weights" in panel.comparison.value
    assert "pw-compare-ranking" in panel.comparison.value  # the order changes


def _behind_proxy(monkeypatch, tmp_path, login):
    from prioritisation.app import USER_HEADER_ENV, build_app, identity
    from tests.conftest import SAMPLE

    monkeypatch.setenv("PRIORITISATION_STORE", str(tmp_path / "scenarios.sqlite"))
    monkeypatch.setenv(USER_HEADER_ENV, "X-Remote-User")
    monkeypatch.setenv("HTTP_X_REMOTE_USER", login)
    monkeypatch.setattr(identity, "_current", None)
    return build_app(SAMPLE)


@pytest.fixture
def signed_in(monkeypatch, tmp_path):
    """The app behind a trusted proxy that says the page is login ``bart``'s, whom the
    sample's members sheet names "Bart (Bib Brugge)"."""
    from prioritisation.app import identity

    yield _behind_proxy(monkeypatch, tmp_path, "bart")
    identity._current = None


def test_the_login_is_mapped_to_the_member_name_and_role(monkeypatch, tmp_path):
    from prioritisation.app import identity

    app = _behind_proxy(monkeypatch, tmp_path, "An")
    assert "Aangemeld als An (Cultuurconnect) (voorzitter)." in app.who.value
    app.tabs.selected_index = 4
    assert app.scenarios.author.value == "An (Cultuurconnect)"
    identity._current = None


def test_a_login_not_on_the_members_list_cannot_save_even_with_a_forged_click(
    monkeypatch, tmp_path
):
    from prioritisation.app import identity

    app = _behind_proxy(monkeypatch, tmp_path, "mallory")
    assert "niet op de ledenlijst" in app.who.value
    app.tabs.selected_index = 4
    panel = app.scenarios
    assert panel.save.disabled
    panel.save.set_state({"disabled": False})  # a forged widget update
    panel.name.value = "Vervalst"
    panel.save.click()
    assert panel.store.list() == []
    assert "niet op de ledenlijst" in panel.saved.value
    identity._current = None


def test_a_forged_author_update_from_the_browser_does_not_change_the_author(signed_in):
    app = signed_in
    app.tabs.selected_index = 4
    panel = app.scenarios
    assert panel.author.value == "Bart (Bib Brugge)" and panel.author.disabled
    # what a widget `update` message over the kernel websocket does on the kernel side
    panel.author.set_state({"value": "Mallory", "disabled": False})
    panel.name.value = "Vervalst"
    panel.save.click()
    (saved,) = panel.store.list()
    assert saved.author == "Bart (Bib Brugge)"
    assert panel.author.value == "Bart (Bib Brugge)" and panel.author.disabled
    assert set(panel.store.audit()["actor"]) == {"Bart (Bib Brugge)"}  # the audit trail too
    assert "Aangemeld als Bart (Bib Brugge)" in app.who.value


def test_without_a_login_every_page_says_not_verified(app):
    header = app.who.value
    assert "Niet geverifieerd" in header


def test_a_preheated_page_is_built_before_its_login_and_named_when_it_comes(monkeypatch, tmp_path):
    """In a preheated kernel behind a proxy's user header the whole page is built while the
    kernel waits in the pool (the page is served at once when a member comes); the header's
    name, the share box and the Group tab follow on the kernel's loop once the page's request
    arrives, and never from anything the browser sends."""
    import asyncio
    import threading

    import prioritisation.app as app_module
    from prioritisation.app import USER_HEADER_ENV, build_app, identity, live
    from tests.conftest import SAMPLE

    monkeypatch.setenv("PRIORITISATION_STORE", str(tmp_path / "scenarios.sqlite"))
    monkeypatch.setenv(USER_HEADER_ENV, "X-Remote-User")
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.delenv("HTTP_X_REMOTE_USER", raising=False)
    monkeypatch.setattr(identity, "_current", None)
    monkeypatch.setattr(app_module, "_request_waiter", None)
    page_came = threading.Event()

    def receive_request_info():  # the app server hands the page's request to the kernel
        page_came.wait(30)
        monkeypatch.setenv("HTTP_X_REMOTE_USER", "bart")  # undone after the test

    monkeypatch.setattr(app_module, "receive_request_info", receive_request_info)
    loop = asyncio.new_event_loop()
    monkeypatch.setattr(live, "kernel_loop", lambda: loop)
    try:
        app = build_app(SAMPLE)  # returns without the login: nothing waits for it
        assert 'class="pw-in"' in app.table.value  # the ranking is there
        assert app.who.value == "" and app.share_slot.children == ()
        assert app.group.identity is None and not app.group.may_share()  # made, nobody's yet
        app.tabs.selected_index = 6  # the Group tab opened before the login: empty, no error
        assert app.group_slot.children == () and app.status.value == ""
        page_came.set()
        deadline = loop.time() + 30
        while app.group.identity is None and loop.time() < deadline:
            loop.run_until_complete(asyncio.sleep(0.05))
        assert "Aangemeld als Bart (Bib Brugge)" in app.who.value
        assert app.group.identity.name == "bart" and app.group.may_share()
        assert app.share_slot.children == (app.group.share_box,)
        assert app.group_slot.children == (app.group.tab,)
        assert app.root.children[-1] is app.group.beat
        app.lang.value = "en"  # a rebuild in another language keeps the login and the panel
        assert "Signed in as Bart (Bib Brugge)" in app.who.value
        assert app.share_slot.children == (app.group.share_box,)
    finally:
        if app_module._request_waiter is not None:
            app_module._request_waiter.join(5)
        group = getattr(locals().get("app"), "group", None)
        if group is not None:
            group.watch.stop()
        loop.close()
        identity._current = None
