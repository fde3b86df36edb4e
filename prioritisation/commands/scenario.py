"""``prioritisation scenario save|list|show|compare PATH``: the append-only scenario store.

The store is the SQLite file beside the workbook (``sample.scenarios.sqlite``) unless
``--store URL`` or the environment variable ``PRIORITISATION_STORE`` names another one
(``postgresql://user@host/db`` for a shared server).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from prioritisation.commands._common import (
    add_workbook_argument,
    emit_json,
    emit_text,
    load,
    text_table,
)
from prioritisation.commands.rank import ranking_json, ranking_text
from prioritisation.core.errors import Problem, UsageError, WorkbookError
from prioritisation.core.i18n import N_, fmt_money, fmt_number, tr
from prioritisation.core.model import AGGREGATIONS
from prioritisation.data.export import frame_to_csv, write_xlsx
from prioritisation.data.workbook import file_sha256
from prioritisation.scenarios.audit import value_text
from prioritisation.scenarios.compare import compare, scenario_ranking
from prioritisation.scenarios.db import open_store
from prioritisation.scenarios.scenario import Scenario, make_scenario, scenarios_frame


def add_store_option(parser) -> None:
    parser.add_argument("--store", default=None, metavar="URL", help=tr("help.store"))


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
    listing.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table")
    listing.add_argument("--out", default=None)
    add_store_option(listing)
    listing.set_defaults(func=run_list)

    show = actions.add_parser("show", help=tr("help.scenario_show"))
    add_workbook_argument(show)
    show.add_argument("name")
    show.add_argument("--version", type=int, default=None)
    show.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table")
    show.add_argument("--out", default=None)
    add_store_option(show)
    show.set_defaults(func=run_show)

    backup = actions.add_parser("backup", help=tr("help.scenario_backup"))
    add_workbook_argument(backup)
    backup.add_argument("--out", required=True, help="the copy to write (.sqlite)")
    add_store_option(backup)
    backup.set_defaults(func=run_backup)

    comp = actions.add_parser("compare", help=tr("help.scenario_compare"))
    add_workbook_argument(comp)
    comp.add_argument("a", metavar="A")
    comp.add_argument("b", metavar="B")
    comp.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table")
    comp.add_argument("--out", default=None)
    add_store_option(comp)
    comp.set_defaults(func=run_compare)


# --------------------------------------------------------------------------- helpers


def _store(args):
    path = Path(args.path)
    if not args.store and not path.exists():
        raise WorkbookError([Problem(None, None, None, N_("problem.file_missing"), {"path": str(path)})],
                            source=str(path))  # fmt: skip
    return open_store(args.path, url=args.store)


def _when(scenario: Scenario) -> str:
    return scenario.created.strftime("%Y-%m-%d %H:%M UTC") if scenario.created else ""


def _weights_text(scenario: Scenario, labels: dict | None = None) -> str:
    labels = labels or {}
    return ", ".join(f"{labels.get(c, c)} {fmt_number(100 * w, 0)} %"
                     for c, w in scenario.weights.items())  # fmt: skip


def _budget_text(budget: dict) -> str:
    total = budget.get("total")
    text = fmt_money(total) if total is not None else tr("none")
    years = budget.get("per_year") or {}
    if years:
        text += " (" + ", ".join(f"{y}: {fmt_money(v)}" for y, v in years.items()) + ")"
    return text


def _needs_out(args) -> None:
    if args.format == "xlsx" and not args.out:
        raise UsageError("usage.xlsx_needs_out")


def parse_ref(text: str) -> tuple[str, int | None]:
    """``"Leesklimaat@2"`` → ``("Leesklimaat", 2)``; ``"Leesklimaat"`` → (name, None)."""
    match = re.fullmatch(r"(.+)@(\d+)", text.strip())
    return (match.group(1), int(match.group(2))) if match else (text.strip(), None)


def describe(scenario: Scenario, labels: dict | None = None) -> str:
    """A scenario's settings in a few lines of plain words."""
    thresholds = ", ".join(f"{(labels or {}).get(c, c)} ≥ {fmt_number(v, 2)}"
                           for c, v in scenario.thresholds.items() if v is not None)  # fmt: skip
    lines = [
        tr("scenario.header", None, name=scenario.name, version=scenario.version,
           author=scenario.author, created=_when(scenario)),
        tr("scenario.settings", None, method=scenario.method, aggregate=scenario.aggregate,
           budget=_budget_text(scenario.budget)),
        _weights_text(scenario, labels),
        tr("scenario.thresholds", None, thresholds=thresholds or tr("none")),
    ]  # fmt: skip
    sel = scenario.selection
    if sel.get("include") or sel.get("exclude"):
        lines.append(tr("scenario.selection", None,
                        include=", ".join(sel.get("include") or []) or "—",
                        exclude=", ".join(sel.get("exclude") or []) or "—"))  # fmt: skip
    if scenario.note:
        lines.append(tr("scenario.note", None, note=scenario.note))
    return "\n".join(lines)


# --------------------------------------------------------------------------- actions


def run_save(args) -> int:
    wb = load(args)
    scenario = make_scenario(
        wb, args.name, args.author, weights=args.weights, method=args.method,
        aggregate=args.aggregate, thresholds=args.thresholds, budget=args.budget,
        include=args.include, exclude=args.exclude, note=args.note,
    )  # fmt: skip
    with open_store(args.path, url=args.store) as store:
        saved = store.save(scenario)
        where = store.display
    if args.format == "json":
        emit_json(saved.to_record(), None)
    else:
        emit_text(tr("scenario.saved", None, name=saved.name, version=saved.version,
                     author=saved.author, created=_when(saved), store=where), None)  # fmt: skip
    return 0


def run_list(args) -> int:
    _needs_out(args)
    with _store(args) as store:
        scenarios = store.list(args.name, latest=args.latest)
        where = store.display
    if args.name is not None and not scenarios:
        with _store(args) as store:
            store.get(args.name)  # raises the "unknown scenario" message with the known names
    current = file_sha256(Path(args.path)) if Path(args.path).exists() else None
    if args.format == "json":
        emit_json([{**s.to_record(), "same_workbook": s.workbook_sha256 == current}
                   for s in scenarios], args.out)  # fmt: skip
    elif args.format == "csv":
        emit_text(frame_to_csv(scenarios_frame(scenarios)), args.out)
    elif args.format == "xlsx":
        write_xlsx({"scenarios": scenarios_frame(scenarios)}, args.out)
    elif not scenarios:
        emit_text(tr("scenario.none", None, store=where), args.out)
    else:
        frame = pd.DataFrame({
            tr("col.name"): [s.name for s in scenarios],
            tr("col.version"): [s.version for s in scenarios],
            tr("col.author"): [s.author for s in scenarios],
            tr("col.created"): [_when(s) for s in scenarios],
            tr("col.method"): [f"{s.method}/{s.aggregate}" for s in scenarios],
            tr("col.weights"): [_weights_text(s) for s in scenarios],
            tr("col.workbook"): [tr("workbook.this") if s.workbook_sha256 == current
                                 else tr("workbook.other") for s in scenarios],
            tr("col.note"): [s.note for s in scenarios],
        })  # fmt: skip
        emit_text(text_table(frame, max_width=60), args.out)
    return 0


def run_show(args) -> int:
    _needs_out(args)
    wb = load(args)
    with open_store(args.path, url=args.store) as store:
        scenario = store.get(*_ref(args.name, args.version))
    ranking = scenario_ranking(wb, scenario)
    if args.format == "json":
        emit_json({"scenario": scenario.to_record(), **ranking_json(wb, ranking)}, args.out)
    elif args.format == "csv":
        emit_text(frame_to_csv(ranking.frame(), index=True), args.out)
    elif args.format == "xlsx":
        write_xlsx({"scenario": scenarios_frame([scenario]),
                    "ranking": ranking.frame().reset_index()}, args.out)  # fmt: skip
    else:
        lines = [describe(scenario, wb.criterion_labels())]
        if scenario.workbook_sha256 and scenario.workbook_sha256 != wb.sha256:
            lines.append(tr("scenario.other_workbook", None, names=scenario.label))
        emit_text("\n".join(lines) + "\n\n" + ranking_text(ranking), args.out)
    return 0


def run_backup(args) -> int:
    with _store(args) as store:
        path = store.backup(args.out)
        where = store.display
    import sqlite3

    con = sqlite3.connect(path)  # the copy reads as a store
    try:
        n = con.execute("SELECT count(*) FROM scenarios").fetchone()[0]
    finally:
        con.close()
    emit_text(tr("scenario.backup", None, store=where, path=path, n=n), None)
    return 0


def _ref(name: str, version: int | None) -> tuple[str, int | None]:
    parsed, v = parse_ref(name)
    return (name, version) if version is not None else (parsed, v)


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


def run_compare(args) -> int:
    _needs_out(args)
    wb = load(args)
    with open_store(args.path, url=args.store) as store:
        a = store.get(*parse_ref(args.a))
        b = store.get(*parse_ref(args.b))
    result = compare(wb, a, b)
    if args.format == "json":
        emit_json({
            "a": a.to_record(), "b": b.to_record(),
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
        }, args.out)  # fmt: skip
    elif args.format == "csv":
        emit_text(frame_to_csv(result.ranking, index=True), args.out)
    elif args.format == "xlsx":
        write_xlsx(comparison_sheets(result), args.out)
    else:
        emit_text(compare_text(wb, result), args.out)
    return 0


def compare_text(wb, result) -> str:
    labels = wb.criterion_labels()
    out = [tr("compare.header", None, a=f"{result.a.label} ({result.a.author}, {_when(result.a)})",
              b=f"{result.b.label} ({result.b.author}, {_when(result.b)})")]  # fmt: skip
    if result.workbook_differs:
        out.append(tr("scenario.other_workbook", None, names=", ".join(result.workbook_differs)))
    changed = result.settings[result.settings["changed"]]
    if len(changed):
        out += ["", tr("compare.settings")]
        frame = pd.DataFrame({
            tr("col.setting"): changed["label"],
            "A": [value_text(f, v, None) if f not in ("include", "exclude") else (v or "—")
                  for f, v in zip(changed["field"], changed["a"], strict=True)],
            "B": [value_text(f, v, None) if f not in ("include", "exclude") else (v or "—")
                  for f, v in zip(changed["field"], changed["b"], strict=True)],
        })  # fmt: skip
        out.append(text_table(frame))
    else:
        out += ["", tr("compare.same_settings")]
    w = result.weights
    frame = pd.DataFrame({
        tr("col.criterion"): [labels.get(c, c) for c in w.index],
        "A": [f"{fmt_number(100 * v, 1)} %" for v in w["a"]],
        "B": [f"{fmt_number(100 * v, 1)} %" for v in w["b"]],
        tr("col.difference"): [f"{'+' if v > 0 else ''}{fmt_number(100 * v, 1)} %" for v in w["difference"]],
    })  # fmt: skip
    out += ["", tr("compare.weights"), text_table(frame)]
    r = result.ranking
    frame = pd.DataFrame({
        tr("col.id"): r.index, tr("col.title"): r["title"],
        "A": r["rank_a"], "B": r["rank_b"],
        tr("col.moved"): [("" if pd.isna(m) else f"{'+' if m > 0 else ''}{m}") if i in result.moved
                          else "" for i, m in zip(r.index, r["moved"], strict=True)],
        tr("col.score") + " A": r["score_a"].map(lambda v: fmt_number(v, 3)),
        tr("col.score") + " B": r["score_b"].map(lambda v: fmt_number(v, 3)),
    })  # fmt: skip
    out += ["", tr("compare.ranking", None, n=len(result.moved)), text_table(frame, max_width=50)]
    if result.funded is None:
        out += ["", tr("compare.no_budget")]
    else:
        f = result.funded
        for side, portfolio in (("A", result.portfolio_a), ("B", result.portfolio_b)):
            out.append("")
            out.append(tr("compare.funded_total", None, side=side, n=len(portfolio.selected),
                          cost=fmt_money(portfolio.total_cost), budget=fmt_money(portfolio.budget)))  # fmt: skip
            if portfolio.status == "infeasible":
                out += [f"  - {c}" for c in portfolio.conflicts]
        changed = f[f["changed"]]
        if len(changed):
            out += ["", tr("compare.funded_changed", None, n=len(changed))]
            frame = pd.DataFrame({
                tr("col.id"): changed.index, tr("col.title"): changed["title"],
                tr("col.cost"): changed["cost"].map(fmt_money),
                "A": [tr("compare.in") if x else tr("compare.out") for x in changed["funded_a"]],
                "B": [tr("compare.in") if x else tr("compare.out") for x in changed["funded_b"]],
                tr("col.reason") + " B": changed["reason_b"],
            })  # fmt: skip
            out.append(text_table(frame, max_width=60))
        else:
            out += ["", tr("compare.funded_same")]
    return "\n".join(out)
