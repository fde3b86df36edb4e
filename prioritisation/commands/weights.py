"""``prioritisation weights PATH``: the weights in force, the other schemes, AHP consistency."""

from __future__ import annotations

import pandas as pd

from prioritisation.commands._common import (
    add_output_options,
    add_workbook_argument,
    emit_json,
    emit_text,
    load,
    text_table,
)
from prioritisation.core.i18n import fmt_number, fmt_percent, tr
from prioritisation.engine.weights import weights_report


def register(sub) -> None:
    parser = sub.add_parser("weights", help=tr("help.weights"))
    add_workbook_argument(parser)
    parser.add_argument("--weights", default=None,
                        help="the weights in force: e.g. innovation=3,desirability=2 or a scheme "
                        "(equal, roc, swing, ahp); default the workbook's")  # fmt: skip
    add_output_options(parser, formats=("table", "json"))
    parser.set_defaults(func=run)


def run(args) -> int:
    wb = load(args)
    report = weights_report(wb, args.weights)
    if args.format == "json":
        emit_json({"workbook": {"path": wb.source, "sha256": wb.sha256}, **report}, args.out)
    else:
        emit_text(weights_text(wb, report), args.out)
    return 0


def weights_text(wb, report: dict) -> str:
    labels = wb.criterion_labels()
    columns = {tr("weights.criterion"): [labels[c] for c in report["weights"]],
               tr("weights.in_force"): [fmt_percent(w, 1) for w in report["weights"].values()]}  # fmt: skip
    for scheme, weights in report["schemes"].items():
        columns[scheme] = [fmt_percent(weights[c], 1) for c in report["weights"]]
    lines = [text_table(pd.DataFrame(columns)), ""]
    ahp = report.get("ahp")
    if ahp is None:
        lines.append(tr("weights.no_ahp"))
        return "\n".join(lines)

    def flag(r):
        text = "" if r["consistent"] else tr("weights.inconsistent")
        return text + (tr("weights.incomplete", None, n=len(r["missing"])) if r["missing"] else "")

    lines.append(tr("weights.group_cr", None, n=len(ahp["members"]),
                    cr=fmt_number(ahp["consistency_ratio"], 3), flag=flag(ahp)))  # fmt: skip
    for name, r in ahp["members"].items():
        lines.append(tr("weights.member_cr", None, name=name,
                        cr=fmt_number(r["consistency_ratio"], 3), flag=flag(r)))  # fmt: skip
    for name in ahp["excluded_members"]:
        lines.append(tr("weights.excluded", None, name=name))
    n = len(report["weights"])
    lines.append(
        tr(
            "weights.ri",
            None,
            n=n,
            ri=fmt_number(ahp["random_index"]["table"].get(str(n), 1.49), 2),
        )
    )
    return "\n".join(lines)
