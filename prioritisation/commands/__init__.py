"""One module per CLI command, each with ``register(subparsers)``; found by :mod:`..cli`."""
