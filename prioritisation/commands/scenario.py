"""``prioritisation scenario save|list|show|backup|compare PATH``: the append-only scenario store.

The store is the SQLite file beside the workbook (``sample.scenarios.sqlite``) unless
``--store URL`` or the environment variable ``PRIORITISATION_STORE`` names another one
(``postgresql://user@host/db`` for a shared server).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from prioritisation.commands._common import (
    add_force_option,
    add_store_option,
    add_workbook_argument,
    load,
    open_store_of,
    ranking_json,
    store_inputs,
)
from prioritisation.commands._emit import Output, emit
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import tr
from prioritisation.core.model import AGGREGATIONS
from prioritisation.core.text import has_control
from prioritisation.data.outputs import check_output
from prioritisation.data.workbook import file_sha256
from prioritisation.explain.text import ranking_text
from prioritisation.scenarios.compare import compare, scenario_ranking
from prioritisation.scenarios.scenario import make_scenario, scenarios_frame
from prioritisation.scenarios.text import compare_text, describe, saved_text, scenarios_text

FORMATS = ("table", "json", "csv", "xlsx")


def register(sub) -> None:
    parser = sub.add_parser("scenario", help=tr("help.scenario"))
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    save = actions.add_parser("save", help=tr("help.scenario_save"))
    add_workbook_argument(save)
    save.add_argument("--name", required=True)
    save.add_argument("--author", required=True)
    save.add_argument("--method", default=None)
    save.add_argument("--aggregate", default=None, choices=AGGREGATIONS)
    save.add_argument("--weights", default=None, help="e.g. innovation=3,desirability=2 or 'equal'")
    save.add_argument("--thresholds", default=None, help="e.g. innovation=2,feasibility=none")
    save.add_argument("--budget", default=None, help="e.g. 1500000 or 2027=700000,2028=600000")
    save.add_argument("--include", default=None, help="idea ids forced into the funded set")
    save.add_argument("--exclude", default=None, help="idea ids kept out of the funded set")
    save.add_argument("--note", default="")
    save.add_argument("--format", choices=("table", "json"), default="table")
    add_store_option(save)
    save.set_defaults(func=run_save)

    listing = actions.add_parser("list", help=tr("help.scenario_list"))
    add_workbook_argument(listing)
    listing.add_argument("--name", default=None, help="only this scenario's versions")
    listing.add_argument("--latest", action="store_true", help="only the latest version of each")
    add_file_options(listing)
    listing.set_defaults(func=run_list)

    show = actions.add_parser("show", help=tr("help.scenario_show"))
    add_workbook_argument(show)
    show.add_argument("name")
    show.add_argument("--version", type=int, default=None)
    add_file_options(show)
    show.set_defaults(func=run_show)

    backup = actions.add_parser("backup", help=tr("help.scenario_backup"))
    add_workbook_argument(backup)
    backup.add_argument("--out", required=True, help="the copy to write (.sqlite)")
    add_force_option(backup)
    add_store_option(backup)
    backup.set_defaults(func=run_backup)

    comp = actions.add_parser("compare", help=tr("help.scenario_compare"))
    add_workbook_argument(comp)
    comp.add_argument("a", metavar="A")
    comp.add_argument("b", metavar="B")
    add_file_options(comp)
    comp.set_defaults(func=run_compare)


def add_file_options(parser) -> None:
    """``--format``, ``--out``, ``--force`` and ``--store`` of list, show and compare."""
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--out", default=None)
    add_force_option(parser)
    add_store_option(parser)


def parse_ref(text: str) -> tuple[str, int | None]:
    """``"Leesklimaat@2"`` → ``("Leesklimaat", 2)``; ``"Leesklimaat"`` → (name, None)."""
    match = re.fullmatch(r"(.+)@(\d+)", text.strip())
    return (match.group(1), int(match.group(2))) if match else (text.strip(), None)


def check_plain(**fields) -> None:
    """A UsageError naming the first field (``name``, ``author``) that holds a control
    character: such a name would steer the terminal of whoever lists the scenarios."""
    words = {"name": tr("col.name"), "author": tr("col.author")}
    for key, value in fields.items():
        if has_control(value):
            raise UsageError("usage.control_characters", field=words[key], value=repr(value))


# --------------------------------------------------------------------------- actions


def run_save(args) -> int:
    check_plain(name=args.name, author=args.author)
    wb = load(args)
    scenario = make_scenario(
        wb, args.name, args.author, weights=args.weights, method=args.method,
        aggregate=args.aggregate, thresholds=args.thresholds, budget=args.budget,
        include=args.include, exclude=args.exclude, note=args.note,
    )  # fmt: skip
    with open_store_of(args) as store:
        saved = store.save(scenario)
        where = store.display
    emit(Output(table=lambda: saved_text(saved, where), json=saved.to_record), args.format)
    return 0


def run_list(args) -> int:
    with open_store_of(args) as store:
        scenarios = store.list(args.name, latest=args.latest)
        where = store.display
        if args.name is not None and not scenarios:
            store.get(args.name)  # raises the "unknown scenario" message with the known names
    current = file_sha256(Path(args.path)) if Path(args.path).exists() else None
    output = Output(
        table=lambda: scenarios_text(scenarios, current, where),
        json=lambda: [{**s.to_record(), "same_workbook": s.workbook_sha256 == current}
                      for s in scenarios],
        csv=lambda: scenarios_frame(scenarios),
        xlsx=lambda: {"scenarios": scenarios_frame(scenarios)},
    )  # fmt: skip
    emit(output, args.format, args.out, inputs=store_inputs(args), force=args.force)
    return 0


def run_show(args) -> int:
    wb = load(args)
    with open_store_of(args) as store:
        name, version = parse_ref(args.name) if args.version is None else (args.name, args.version)
        scenario = store.get(name, version)
    ranking = scenario_ranking(wb, scenario)

    def table() -> str:
        lines = [describe(scenario, wb.criterion_labels())]
        if scenario.workbook_sha256 and scenario.workbook_sha256 != wb.sha256:
            lines.append(tr("scenario.other_workbook", None, names=scenario.label))
        return "\n".join(lines) + "\n\n" + ranking_text(ranking)

    output = Output(
        table=table,
        json=lambda: {"scenario": scenario.to_record(), **ranking_json(wb, ranking)},
        csv=ranking.frame,
        xlsx=lambda: {"scenario": scenarios_frame([scenario]),
                      "ranking": ranking.frame().reset_index()},
    )  # fmt: skip
    emit(output, args.format, args.out, inputs=store_inputs(args), force=args.force)
    return 0


def run_backup(args) -> int:
    check_output(args.out, inputs=store_inputs(args), force=args.force)
    with open_store_of(args) as store:
        path = store.backup(args.out)
        where = store.display
    import sqlite3

    con = sqlite3.connect(path)  # the copy reads as a store
    try:
        n = con.execute("SELECT count(*) FROM scenarios").fetchone()[0]
    finally:
        con.close()
    emit(Output(table=lambda: tr("scenario.backup", None, store=where, path=path, n=n)))
    return 0


def run_compare(args) -> int:
    wb = load(args)
    with open_store_of(args) as store:
        a = store.get(*parse_ref(args.a))
        b = store.get(*parse_ref(args.b))
    result = compare(wb, a, b)
    output = Output(
        table=lambda: compare_text(wb.criterion_labels(), result),
        json=lambda: comparison_json(result),
        csv=lambda: result.ranking,
        xlsx=lambda: comparison_sheets(result),
    )
    emit(output, args.format, args.out, inputs=store_inputs(args), force=args.force)
    return 0


def comparison_sheets(result) -> dict[str, pd.DataFrame]:
    """The comparison as export tables: settings, weights, ranking (the funded set once known)."""
    settings = result.settings.copy()
    for col in ("a", "b"):
        settings[col] = settings[col].map(lambda v: "" if v is None else str(v))
    sheets = {"settings": settings, "weights": result.weights.reset_index(),
              "ranking": result.ranking.reset_index()}  # fmt: skip
    if result.funded is not None:
        sheets["funded"] = result.funded.reset_index()
    return sheets


def comparison_json(result) -> dict:
    """The comparison as one JSON document (the scenarios, and every table of the comparison)."""
    return {
        "a": result.a.to_record(), "b": result.b.to_record(),
        "settings": comparison_sheets(result)["settings"].to_dict("records"),
        "weights": result.weights.reset_index().to_dict("records"),
        "ranking": [{k: (None if pd.isna(v) else v) for k, v in r.items()}
                    for r in result.ranking.reset_index().to_dict("records")],
        "moved": result.moved,
        "funded": None if result.funded is None else [
            {"id": i, **{k: (None if isinstance(v, float) and pd.isna(v) else v)
                         for k, v in r.items()}}
            for i, r in result.funded.to_dict("index").items()],
        "funded_changed": result.funded_changed,
        "workbook_differs": list(result.workbook_differs),
    }  # fmt: skip
