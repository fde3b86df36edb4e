"""JupyterHub for ``make hub``: the production settings on this machine, DEMO ONLY.

Started by ``python -m prioritisation.app.hub demo start`` (``make hub``), which made the groups,
their stores and the ports it passes in the environment. It differs from
``jupyterhub_config.py`` only where it must (see ``docs/admin.md`` for the diff):

- login: JupyterHub's dummy authenticator with one shared password, printed by ``make hub``.
  DEMO ONLY: anyone who knows it can log in as any demo login;
- spawner: local processes as the user running ``make hub`` (a development machine has no
  systemd), so no memory ceiling is enforced and every server runs as the same OS user;
- no TLS: everything listens on 127.0.0.1 only.
"""

# ruff: noqa: F821  (``c`` is provided by JupyterHub when it loads this file)
import os
from pathlib import Path

from prioritisation.app.hub.config import configure

run = Path(os.environ["PRIORITISATION_HUB_DIR"])
configure(
    c,
    run / "groups",
    bind_url=f"http://127.0.0.1:{os.environ['PRIORITISATION_HUB_PORT']}",
    hub_port=int(os.environ["PRIORITISATION_HUB_API_PORT"]),
    proxy_api_port=int(os.environ["PRIORITISATION_HUB_PROXY_API_PORT"]),
    pool_size=int(os.environ.get("PRIORITISATION_HUB_POOL_SIZE", "1")),
)
c.JupyterHub.db_url = f"sqlite:///{run / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(run / "secrets" / "jupyterhub_cookie_secret")

# --- login: DEMO ONLY (production: single sign-on, see jupyterhub_config.py)
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = (run / "secrets" / "demo.password").read_text().strip()

# --- spawner: local processes (production: systemd units with MemoryMax)
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(run / "home" / "{username}")

# --- the demo starts the members' servers before the first login, as an admin would before a
# meeting (production: the admin page's "Start All", or the same API call with a token)
c.JupyterHub.services.append(
    {"name": "prestart", "api_token": (run / "secrets" / "prestart.token").read_text().strip()}
)
c.JupyterHub.load_roles.append(
    {"name": "prestart", "services": ["prestart"], "scopes": ["servers", "read:users"]}
)
