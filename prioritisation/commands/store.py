"""``prioritisation store init --postgres ADMIN_URL --app-role NAME --analyst-role NAME``: a
group's store on PostgreSQL with an app role that may only read and append and an analyst role
that may only read (:mod:`prioritisation.scenarios.roles`); prints the grants the roles hold.

Passwords are kept in files, never printed: ``--password-file`` (the app's; default
``$PRIORITISATION_STORE_PASSWORD_FILE``, else ``APP_ROLE.password`` here) and
``--analyst-password-file`` (default ``ANALYST_ROLE.password`` beside the app's). A file that
exists is read; one that does not is made with a new random password, mode 0600.
"""

from __future__ import annotations

import os
from pathlib import Path

from prioritisation.commands._emit import emit_json, emit_text
from prioritisation.core.i18n import tr


def register(sub) -> None:
    parser = sub.add_parser("store", help=tr("help.store_cmd"))
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    init = actions.add_parser("init", help=tr("help.store_init"))
    init.add_argument(
        "--postgres",
        required=True,
        metavar="ADMIN_URL",
        help="URL of a role that may create roles and the schema (the owner)",
    )
    init.add_argument(
        "--app-role",
        required=True,
        metavar="NAME",
        help="role the app connects with: may read and append, nothing else",
    )
    init.add_argument("--analyst-role", required=True, metavar="NAME",
                      help="role for analysts: may only read")  # fmt: skip
    init.add_argument(
        "--schema",
        default="public",
        metavar="NAME",
        help="the group's schema (one per steering group; default: public)",
    )
    init.add_argument(
        "--password-file",
        default=None,
        metavar="FILE",
        help="the app role's password (read, or made and written with mode 0600); "
        "default: $PRIORITISATION_STORE_PASSWORD_FILE, else APP_ROLE.password",
    )
    init.add_argument("--analyst-password-file", default=None, metavar="FILE",
                      help="the analyst role's password; default: ANALYST_ROLE.password beside "
                           "the app's")  # fmt: skip
    init.add_argument("--format", choices=("table", "json"), default="table")
    init.set_defaults(func=run_init)


def run_init(args) -> int:
    from prioritisation.scenarios.db import PASSWORD_FILE_ENV
    from prioritisation.scenarios.roles import init_json, init_store, init_text

    app_file = Path(args.password_file or os.environ.get(PASSWORD_FILE_ENV, "").strip()
                    or f"{args.app_role}.password")  # fmt: skip
    analyst_file = Path(
        args.analyst_password_file or app_file.parent / f"{args.analyst_role}.password"
    )
    result = init_store(args.postgres, args.app_role, args.analyst_role, schema=args.schema,
                        app_password_file=app_file, analyst_password_file=analyst_file)  # fmt: skip
    if args.format == "json":
        emit_json(init_json(result))
    else:
        emit_text(init_text(result))
    return 0
