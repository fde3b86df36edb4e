"""The JupyterHub settings the production and the demo configuration share.

``deploy/jupyterhub/jupyterhub_config.py`` (production) and ``deploy/jupyterhub/demo_config.py``
(``make hub``) both call :func:`configure`; they differ only in the login (single sign-on or the
demo's dummy login), the spawner (systemd units with a memory ceiling, or local processes) and
TLS. What :func:`configure` sets:

- who may log in: every login of every group's ``members`` sheet (nobody else), the hub groups
  ``analysts`` and one per steering group;
- what a login gets (:class:`SpawnPlan`, the spawner's ``pre_spawn_hook``): members, chairs and
  observers the app (:mod:`~prioritisation.app.hub.member`) on their group's workbook and store,
  analysts JupyterLab on their own copy (:mod:`~prioritisation.app.hub.analyst`) with the
  group's read-only store; a memory figure per role (enforced by the production spawner); a
  hub admin's app server names its owner as chair (``--chair``: opens, reveals and closes the
  group's round, as the ``members`` sheet's chair);
- everything on 127.0.0.1 but the public address; configurable-http-proxy from
  ``deploy/node_modules``; servers idle for an hour stopped by ``jupyterhub-idle-culler``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from prioritisation.app import CHAIR_ENV
from prioritisation.app.hub.groups import Login, Store, logins, read_groups

ROOT = Path(__file__).resolve().parents[3]  # a source checkout: deploy/ and notebooks/ are here
CHP = ROOT / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy"
MEMBER_MEMORY = "1G"  # launcher + Voila + one preheated and one page kernel (docs/admin.md)
ANALYST_MEMORY = "3G"  # JupyterLab, the notebooks' kernels, SMAA samples


def store_environment(store: Store) -> dict[str, str]:
    """The environment that points the app (or an analyst's notebooks) at a group's store.

    The password stays in its file: ``PRIORITISATION_STORE_PASSWORD_FILE`` names it and the
    store reads it when it connects (``prioritisation store init`` writes these files).

    >>> store_environment(Store())
    {}
    >>> sorted(store_environment(Store("postgresql+psycopg://app@127.0.0.1/prio", Path("/s/app.password"))))
    ['PRIORITISATION_STORE', 'PRIORITISATION_STORE_PASSWORD_FILE']
    """
    if not store.url:
        return {}  # the SQLite file beside the group's workbook
    env = {"PRIORITISATION_STORE": store.url}
    if store.password_file:
        env["PRIORITISATION_STORE_PASSWORD_FILE"] = str(store.password_file)
    return env


@dataclass
class SpawnPlan:
    """The spawner's ``pre_spawn_hook``: what the hub starts for a login (see the module)."""

    users: dict[str, Login]
    notebooks: Path
    python: str = sys.executable
    pool_size: int = 1
    member_memory: str = MEMBER_MEMORY
    analyst_memory: str = ANALYST_MEMORY

    def __call__(self, spawner) -> None:
        login = self.users.get(spawner.user.name)
        if login is None:  # allowed_users keeps them out; never start anything for them
            raise PermissionError(f"{spawner.user.name} is in no steering group")
        group = login.group
        env = {"PRIORITISATION_HUB_GROUP": group.name}
        if login.analyst:
            spawner.cmd = [self.python, "-m", "prioritisation.app.hub", "lab"]
            spawner.default_url = "/lab/tree/notebooks/analysis.ipynb"
            spawner.mem_limit = self.analyst_memory
            env.update(store_environment(group.analyst_store))
            env["PRIORITISATION_HUB_WORKBOOK"] = str(group.workbook)
            env["PRIORITISATION_HUB_NOTEBOOKS"] = str(self.notebooks)
        else:
            spawner.cmd = [self.python, "-m", "prioritisation.app.hub", "member"]
            spawner.args = []
            spawner.default_url = ""
            spawner.mem_limit = self.member_memory
            env.update(store_environment(group.store))
            env["PRIORITISATION_APP_WORKBOOK"] = str(group.workbook)
            env["PRIORITISATION_HUB_POOL_SIZE"] = str(self.pool_size)
            if getattr(spawner.user, "admin", False):  # a hub admin chairs their group's round
                env[CHAIR_ENV] = spawner.user.name
        spawner.environment = {**spawner.environment, **env}


def configure(c, groups_root, *, notebooks=None, bind_url: str = "http://127.0.0.1:8000",
              hub_port: int = 8081, proxy_api_port: int = 8001, pool_size: int = 1,
              cull_after: int = 3600) -> SpawnPlan:  # fmt: skip
    """Apply the shared settings to the hub's config object ``c``; returns the spawn plan
    (a production config may wrap it to add what its spawner needs)."""
    groups = read_groups(groups_root)
    users = logins(groups)
    c.JupyterHub.bind_url = bind_url
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{hub_port}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_api_port}"
    if CHP.exists():
        c.ConfigurableHTTPProxy.command = [str(CHP)]
    c.ConfigurableHTTPProxy.should_start = True
    c.JupyterHub.cleanup_servers = True
    c.Authenticator.allowed_users = set(users)
    c.JupyterHub.load_groups = {
        "analysts": {"users": sorted(u for u, login in users.items() if login.analyst)},
        **{g.name: {"users": sorted(g.members)} for g in groups},
    }
    plan = SpawnPlan(users, Path(notebooks or ROOT / "notebooks").resolve(), pool_size=pool_size)
    c.Spawner.pre_spawn_hook = plan
    c.Spawner.ip = "127.0.0.1"
    c.Spawner.http_timeout = 120  # a member's server answers once its app is preheated
    c.Spawner.start_timeout = 120
    c.Spawner.disable_user_config = True
    c.JupyterHub.services = [
        {"name": "idle-culler",
         "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={cull_after}"]},
    ]  # fmt: skip
    c.JupyterHub.load_roles = [
        {"name": "idle-culler", "services": ["idle-culler"],
         "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
    ]  # fmt: skip
    return plan
