"""JupyterHub: one Voila app per member, each in their own single-user server.

Members log in to the hub and land on the app (rendered by the Voila server extension that
the `voila` package installs into every single-user server). Analysts open JupyterLab on the
same hub at /user/NAME/lab. Requires, in the hub's environment: jupyterhub, an authenticator,
and jupyterhub-idle-culler; in the users' environment: this project (`pip install /srv/prioritisation`).
"""

# ruff: noqa: F821  (``c`` is provided by JupyterHub when it loads this file)
import sys

c.JupyterHub.bind_url = "http://127.0.0.1:8000"  # behind nginx/TLS, as deploy/nginx
c.Authenticator.allowed_users = {"an", "bart", "chris", "dina", "emre", "fien", "geert"}
c.Authenticator.admin_users = {"analist"}

# Every member starts on the app, not in JupyterLab.
c.Spawner.notebook_dir = "/srv/prioritisation/notebooks"
c.Spawner.default_url = "/voila/render/app.ipynb"
c.Spawner.environment = {
    # the round's workbook and the shared scenario store (docs/scenarios.md)
    "PRIORITISATION_APP_WORKBOOK": "/srv/prioritisation/data/ronde.xlsx",
    "PRIORITISATION_STORE": "postgresql+psycopg://stuurgroep@localhost/prioritering",
    "PRIORITISATION_LANG": "nl",
}
c.Spawner.args = [
    "--VoilaConfiguration.show_tracebacks=False",
    "--VoilaConfiguration.strip_sources=True",
    "--MappingKernelManager.cull_idle_timeout=1800",
    "--MappingKernelManager.cull_interval=60",
]
c.Spawner.mem_limit = "1G"  # one app kernel plus the server; see docs/admin.md

# Stop single-user servers nobody has used for an hour.
c.JupyterHub.services = [
    {"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"]}
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
