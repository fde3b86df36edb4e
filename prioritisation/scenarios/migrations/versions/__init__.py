"""The migrations of the store, one module per revision (see the package's text)."""
