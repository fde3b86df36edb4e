"""The chair's upload of a new version of the group's workbook (in the "save and share" tab).

Only the chair sees it (:func:`is_chair`: the login, decided in the kernel, never by the
browser, and the role the workbook's ``members`` sheet gives it) and the callback checks again. The file goes through
:func:`~prioritisation.data.versions.install_version`: validated first, every problem shown and
nothing replaced on error; else the previous version is kept in ``versions/`` and the app
reloads the workbook (:meth:`~prioritisation.app.ui.App.reload_workbook`). Other members' pages
keep the version they opened until they reload theirs; a scenario records the SHA-256 of the
version it was made on.
"""

from __future__ import annotations

import sys

import ipywidgets as w

from prioritisation.core.i18n import tr
from prioritisation.core.text import escape


def is_chair(wb, identity=None) -> bool:
    """Whether this page's login is the chair of the group of workbook ``wb`` (its
    ``members`` sheet; see :mod:`prioritisation.app.identity`). Unverified pages never are.

    >>> from prioritisation.app.identity import Identity
    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> wb = read_workbook(sample_path())
    >>> is_chair(wb, Identity("An", "hub")), is_chair(wb, Identity("bart", "hub"))
    (True, False)
    >>> is_chair(wb, Identity(None))
    False
    """
    if identity is None:
        from prioritisation.app.identity import current_identity

        identity = current_identity()
    return identity.in_workbook(wb).is_chair


def _app_problems(path) -> list:
    """What would keep the app from using the file at ``path`` beyond the reader's problems
    (a setting that does not resolve to a run): the app's own load, on the candidate."""
    from prioritisation.app.state import AppState

    return AppState.load(path).problems


class UploadPanel:
    """The upload widget and its message; ``app`` is the :class:`~prioritisation.app.ui.App`."""

    def __init__(self, app):
        self.app = app
        self.upload = w.FileUpload(
            accept=".xlsx,.ods",
            multiple=False,
            description=tr("upload.choose"),
            layout=w.Layout(width="260px"),
        ).add_class("pw-upload")
        self.message = w.HTML().add_class("pw-upload-message")
        self.upload.observe(self._on_upload, names="value")

    def widget(self) -> w.Widget:
        return w.VBox([
            w.HTML(f"<h3>{escape(tr('upload.title'))}</h3>"
                   f"<p class='pw-muted'>{escape(tr('upload.help'))}</p>"),
            self.upload, self.message,
        ]).add_class("pw-upload-panel")  # fmt: skip

    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        try:
            self.install(files[0]["name"], bytes(files[0]["content"]))
        except Exception as exc:  # noqa: BLE001 - the chair sees one plain line, never a traceback
            print(f"prioritisation app: {type(exc).__name__}: {exc}", file=sys.stderr)
            text = tr("app.error", None, error=type(exc).__name__)
            self.message.value = f"<p class='pw-box'>{escape(text)}</p>"
        finally:
            self.upload.value = ()  # the same file may be chosen again after a fix

    def install(self, name: str, data: bytes) -> None:
        """Install ``data`` (a file named ``name``) as the workbook's new version."""
        from prioritisation.data.versions import install_version

        if not is_chair(self.app.state.wb):
            self.message.value = f"<p class='pw-box'>{escape(tr('upload.not_chair'))}</p>"
            return
        result = install_version(self.app.state.path, data, name, check=_app_problems)
        if not result.ok:
            items = "".join(f"<li>{escape(p.format())}</li>" for p in result.problems)
            self.message.value = (
                f"<div class='pw-box pw-problems' role='alert'><p>"
                f"{escape(tr('upload.refused', None, name=name))}</p><ul>{items}</ul></div>"
            )
            return
        if result.unchanged:
            self.message.value = (
                f"<p class='pw-note'>"
                f"{escape(tr('upload.unchanged', None, sha=result.sha256[:12]))}</p>"
            )
            return
        done = tr(
            "upload.done",
            None,
            sha=result.sha256[:12],
            previous=f"versions/{result.previous.name}" if result.previous else tr("none"),
        )
        self.app.reload_workbook(
            f"<p class='pw-note pw-upload-done' role='status'>{escape(done)}</p>"
        )
