"""The hub's shared settings: who may log in, what each role gets, and the production config
differing from the demo's only in login, spawner and TLS."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from traitlets.config import Config

from prioritisation.app.hub.config import ROOT, configure
from prioritisation.app.hub.demo import DEMO_GROUPS, write_group
from prioritisation.app.hub.groups import GroupsError, Store, logins, read_groups

pytest.importorskip("jupyterhub")


@pytest.fixture
def groups_root(tmp_path):
    root = tmp_path / "groups"
    for name, (title, members) in DEMO_GROUPS.items():
        store = Store("postgresql+psycopg://x_app@127.0.0.1:5432/prioritisation",
                      root / name / "secrets" / "x_app.password")  # fmt: skip
        write_group(root / name, title, members, store, Store())
    return root


def fake_spawner(name, admin=False):
    return SimpleNamespace(user=SimpleNamespace(name=name, admin=admin), environment={"KEEP": "1"},
                           cmd=None, args=["--debug"], default_url=None, mem_limit=None)  # fmt: skip


def test_only_the_members_sheets_logins_may_log_in_and_roles_decide_what_starts(groups_root):
    c = Config()
    plan = configure(c, groups_root)
    assert c.Authenticator.allowed_users == {"an", "bart", "chris", "lies", "dina", "emre", "fien"}
    assert c.JupyterHub.load_groups["analysts"] == {"users": ["lies"]}
    assert c.JupyterHub.load_groups["erfgoed"] == {"users": ["dina", "emre", "fien"]}
    assert c.JupyterHub.bind_url.startswith("http://127.0.0.1:")
    assert c.Spawner.ip == "127.0.0.1"

    member = fake_spawner("dina")
    plan(member)
    assert member.cmd[-1] == "member" and member.args == []
    assert member.environment["PRIORITISATION_APP_WORKBOOK"] == str(groups_root / "erfgoed" / "workbook.xlsx")  # fmt: skip
    assert member.environment["PRIORITISATION_STORE"].startswith("postgresql+psycopg://x_app@")
    assert member.environment["PRIORITISATION_STORE_PASSWORD_FILE"].endswith("x_app.password")
    assert member.environment["KEEP"] == "1" and member.mem_limit == "1G"

    analyst = fake_spawner("lies")
    plan(analyst)
    assert analyst.cmd[-1] == "lab" and analyst.default_url.startswith("/lab/")
    assert "PRIORITISATION_STORE" not in analyst.environment  # this group's analyst store: none
    assert analyst.environment["PRIORITISATION_HUB_NOTEBOOKS"] == str(ROOT / "notebooks")
    with pytest.raises(PermissionError):
        plan(fake_spawner("zoe"))


def test_a_hub_admins_app_names_them_chair_and_nobody_elses(groups_root):
    from prioritisation.app import CHAIR_ENV
    from prioritisation.app.group import acts_as_chair, chair_logins
    from prioritisation.app.identity import Identity

    plan = configure(Config(), groups_root)
    admin, member = fake_spawner("dina", admin=True), fake_spawner("emre")
    plan(admin)
    plan(member)
    assert admin.environment[CHAIR_ENV] == "dina" and CHAIR_ENV not in member.environment
    with pytest.MonkeyPatch.context() as m:  # in dina's kernels, behind the hub's login
        m.setenv(CHAIR_ENV, admin.environment[CHAIR_ENV])
        assert chair_logins() == {"dina"}
        assert acts_as_chair(Identity("dina", "hub", "Dina", "member"))
        assert not acts_as_chair(Identity("emre", "hub", "Emre", "member"))


def test_a_login_in_two_groups_is_refused(groups_root):
    shutil.copytree(groups_root / "erfgoed", groups_root / "tweede")
    with pytest.raises(GroupsError, match="dina"):
        logins(read_groups(groups_root))


def load(path: Path, env: dict, monkeypatch) -> Config:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    c = Config()
    exec(compile(path.read_text(), str(path), "exec"), {"c": c, "__file__": str(path)})  # noqa: S102
    return c


def test_production_differs_from_the_demo_only_in_login_spawner_and_tls(groups_root, tmp_path, monkeypatch):  # fmt: skip
    run = groups_root.parent
    (run / "secrets").mkdir()
    for name in ("demo.password", "prestart.token"):
        (run / "secrets" / name).write_text("x\n")
    demo = load(ROOT / "deploy" / "jupyterhub" / "demo_config.py",
                {"PRIORITISATION_HUB_DIR": str(run), "PRIORITISATION_HUB_PORT": "8000",
                 "PRIORITISATION_HUB_API_PORT": "8081", "PRIORITISATION_HUB_PROXY_API_PORT": "8001"},
                monkeypatch)  # fmt: skip
    srv = tmp_path / "srv"
    shutil.copytree(groups_root, srv / "groups")
    secret = Path("/etc/jupyterhub/oidc-client-secret")
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: "s3cret" if self == secret else Path.read_bytes(self).decode())  # fmt: skip
    prod = load(ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py",
                {"PRIORITISATION_SRV": str(srv), "OIDC_CLIENT_ID": "prio", "OIDC_ISSUER": "https://sso.example.org/realms/bib",
                 "HUB_PUBLIC_URL": "https://prioritering.example.org/"}, monkeypatch)  # fmt: skip
    assert prod.JupyterHub.spawner_class == "systemdspawner.SystemdSpawner"
    assert prod.JupyterHub.authenticator_class == "generic-oauth"
    assert prod.JupyterHub.bind_url.startswith("https://")
    assert demo.JupyterHub.authenticator_class == "dummy"
    allowed = {"JupyterHub": {"authenticator_class", "spawner_class", "bind_url", "ssl_cert", "ssl_key",
                              "db_url", "cookie_secret_file", "services", "load_roles"},
               "Spawner": {"pre_spawn_hook"}}  # fmt: skip
    for section in set(demo) | set(prod):
        if section in ("DummyAuthenticator", "GenericOAuthenticator", "SystemdSpawner",
                       "SimpleLocalProcessSpawner"):  # fmt: skip
            continue
        for key in set(demo.get(section, {})) | set(prod.get(section, {})):
            if key in allowed.get(section, set()):
                continue
            if section == "Authenticator" and key == "admin_users":
                continue
            assert demo[section][key] == prod[section][key], (section, key)
    # the demo's only extra service is the prestart one; both run the idle culler
    assert [s["name"] for s in prod.JupyterHub.services] == ["idle-culler"]
    assert [s["name"] for s in demo.JupyterHub.services] == ["idle-culler", "prestart"]
    # production's hook is the shared plan plus the group's files
    spawner = fake_spawner("an")
    spawner.unit_extra_properties = {}
    prod.Spawner.pre_spawn_hook(spawner)
    assert spawner.unit_extra_properties == {"SupplementaryGroups": "prio-digitale-bibliotheek"}
    assert spawner.mem_limit == "1G"
