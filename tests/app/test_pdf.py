"""The PDF part of the save tab (the report pipeline)."""

from __future__ import annotations

import base64
import re

import pytest


@pytest.mark.slow
def test_pdf_report_is_offered_for_download(app):
    app.tabs.selected_index = 4
    app.pdf.button.click()
    app.pdf.thread.join(300)
    match = re.search(r'download="([^"]+)" href="data:application/pdf;base64,([^"]+)"',
                      app.pdf.link.value)  # fmt: skip
    assert match, app.pdf.status.value
    assert base64.b64decode(match.group(2)).startswith(b"%PDF")
    assert match.group(1) == "rapport.pdf"
