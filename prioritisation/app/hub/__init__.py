"""The workbench under JupyterHub: one hub, several steering groups, members get the app only.

- :mod:`~prioritisation.app.hub.member`: a member's single-user server. It does the hub's
  login itself (OAuth, for pages and websockets alike), lets in only the server's owner, and
  passes only the app's own routes on to a standalone Voila (``prioritisation app``) that
  listens on 127.0.0.1 with an access key only this launcher knows.
- :mod:`~prioritisation.app.hub.analyst`: an analyst's server: JupyterLab on their own copy of
  the group's notebooks and workbook.
- :mod:`~prioritisation.app.hub.groups`: the groups' folders (workbook with its ``members``
  sheet, store) and who may log in as what.
- :mod:`~prioritisation.app.hub.config`: the JupyterHub settings the production and the demo
  configuration share (``deploy/jupyterhub/``).
- :mod:`~prioritisation.app.hub.demo`: ``make hub``: PostgreSQL, the demo groups and the hub on
  127.0.0.1, started and stopped with one command.

``python -m prioritisation.app.hub member|lab|demo`` runs them.
"""
