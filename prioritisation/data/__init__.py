"""Workbooks in and out: read and validate (located problems), write, safe exports, the
members' Excel forms, and the bundled sample. Imports only :mod:`prioritisation.core`."""
