"""JupyterHub in production: several steering groups, members get the app and nothing else.

Shared with the demo (``demo_config.py``, ``make hub``) through
:func:`prioritisation.app.hub.config.configure`: who may log in (the groups' ``members``
sheets in ``/srv/prioritisation/groups``), what each login gets (members the app behind the
hub's login, analysts JupyterLab on their own copy), idle servers stopped after an hour.
Only three things differ from the demo (docs/admin.md shows the diff):

1. login: the organisation's single sign-on (OpenID Connect: Entra ID or any OIDC provider);
2. spawner: one systemd unit per server, with a memory ceiling (MemoryMax) and its own user;
3. TLS: the hub's public address is https, with the organisation's certificate.

Needs, in the hub's environment: ``pip install '/srv/prioritisation[hub]'`` and
``npm ci`` in ``/srv/prioritisation/deploy`` (configurable-http-proxy).
"""

# ruff: noqa: F821  (``c`` is provided by JupyterHub when it loads this file)
import os
from pathlib import Path

from prioritisation.app.hub.config import configure

SRV = Path(os.environ.get("PRIORITISATION_SRV", "/srv/prioritisation"))
plan = configure(c, SRV / "groups", notebooks=SRV / "notebooks", bind_url="https://0.0.0.0:443")
c.JupyterHub.db_url = "sqlite:////var/lib/jupyterhub/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "/var/lib/jupyterhub/jupyterhub_cookie_secret"

# --- 1. login: single sign-on (OpenID Connect)
c.JupyterHub.authenticator_class = "generic-oauth"  # Entra ID: "azuread" (see docs/admin.md)
c.GenericOAuthenticator.client_id = os.environ["OIDC_CLIENT_ID"]
c.GenericOAuthenticator.client_secret = Path("/etc/jupyterhub/oidc-client-secret").read_text().strip()
c.GenericOAuthenticator.oauth_callback_url = os.environ["HUB_PUBLIC_URL"] + "hub/oauth_callback"
issuer = os.environ["OIDC_ISSUER"].rstrip("/")  # e.g. https://login.example.org/realms/bib
c.GenericOAuthenticator.authorize_url = f"{issuer}/protocol/openid-connect/auth"
c.GenericOAuthenticator.token_url = f"{issuer}/protocol/openid-connect/token"
c.GenericOAuthenticator.userdata_url = f"{issuer}/protocol/openid-connect/userinfo"
c.GenericOAuthenticator.scope = ["openid", "profile", "email"]
# the hub login is the part of the e-mail before @, lower case: what the members sheets list
c.GenericOAuthenticator.username_claim = lambda info: info["email"].split("@")[0].lower()
c.Authenticator.admin_users = set(os.environ.get("HUB_ADMINS", "").split()) or set()

# --- 2. spawner: a systemd unit per server, its own dynamic user, a memory ceiling
c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
c.SystemdSpawner.dynamic_users = True  # each login its own uid: nobody reads another's server
c.SystemdSpawner.isolate_tmp = True
c.SystemdSpawner.isolate_devices = True
c.SystemdSpawner.disable_user_sudo = True
c.SystemdSpawner.readonly_paths = [str(SRV)]  # the groups' workbooks: read, never written
c.SystemdSpawner.unit_name_template = "prioritisation-{USERNAME}"


def group_access(spawner):
    """The plan (command, environment, MemoryMax per role), then the group's files: a server
    may read its own group's folder and password files (group ``prio-GROUP``), no other."""
    plan(spawner)
    group = spawner.environment["PRIORITISATION_HUB_GROUP"]
    spawner.unit_extra_properties = {"SupplementaryGroups": f"prio-{group}"}


c.Spawner.pre_spawn_hook = group_access

# --- 3. TLS: the organisation's certificate on the public address
c.JupyterHub.ssl_cert = "/etc/jupyterhub/tls/fullchain.pem"
c.JupyterHub.ssl_key = "/etc/jupyterhub/tls/privkey.pem"
