"""``prioritisation sensitivity PATH``: how solid the ranking is, and where members differ."""

from __future__ import annotations

import json
import re
import textwrap

import pandas as pd

from prioritisation.commands._common import (
    add_ranking_options,
    add_workbook_argument,
    check_outputs,
    load,
)
from prioritisation.commands._emit import _json_default, emit_text
from prioritisation.core.i18n import N_, fmt_number, fmt_percent, fmt_shares, tr
from prioritisation.core.text import text_table
from prioritisation.decisions.group import (
    MEMBER_VIEWS,
    disagreement,
    disagreement_dict,
    member_views,
    short_name,
    view_members,
)
from prioritisation.decisions.sensitivity import robustness_run
from prioritisation.decisions.smaa import fmt_estimate
from prioritisation.engine.run import SAMPLING_MODES, resolve_run
from prioritisation.engine.scoring import aggregate_label, method_label


def register(sub) -> None:
    parser = sub.add_parser("sensitivity", help=tr("help.sensitivity"))
    add_workbook_argument(parser)
    add_ranking_options(parser)
    parser.add_argument("--samples", default=None,
                        help="SMAA draws (default: the workbook's setting, else 10000)")  # fmt: skip
    parser.add_argument("--seed", default=None,
                        help="random seed (default: the workbook's setting, else 0)")  # fmt: skip
    parser.add_argument("--sampling", default=None, choices=SAMPLING_MODES,
                        help="draw weights around the weights in force (with --spread) or "
                        "uniformly, any weights at all (default: the workbook's setting, "
                        "else around)")  # fmt: skip
    parser.add_argument("--spread", default=None,
                        help="with --sampling around: how far the weights vary (0.05 tight … 1 "
                        "wide; default: the workbook's setting, else the spread of the members' "
                        "own weights, else 0.05)")  # fmt: skip
    parser.add_argument(
        "--vary-scores",
        action="store_true",
        help="also draw the scores, around each aggregate (see --score-spread)",
    )
    parser.add_argument("--score-spread", choices=("sem", "sd"), default="sem",
                        help="with --vary-scores: the standard error of the aggregate (sem, "
                        "default) or the assessors' standard deviation (sd)")  # fmt: skip
    parser.add_argument("--top", type=int, default=3, help="size of the top set (default 3)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--out", default=None, help="write to this file instead of the terminal")
    parser.set_defaults(func=run)


def run(args) -> int:
    check_outputs(args)
    wb = load(args)
    resolved = resolve_run(wb, method=args.method, weights=args.weights, aggregate=args.aggregate,
                           samples=args.samples, seed=args.seed, sampling=args.sampling,
                           spread=args.spread)  # fmt: skip
    result = robustness_run(resolved, top_k=args.top, progress=None,
                            vary_scores=args.score_spread if args.vary_scores else False)  # fmt: skip
    views = member_views(resolved)
    if args.format == "json":
        doc = {"workbook": {"path": wb.source, "sha256": wb.sha256}, **result.to_dict(arrays=True),
               "sampling_text": resolved.sampling.text(),
               "disagreement": {view: disagreement_dict(c, view) for view, c in views.items()}}  # fmt: skip
        emit_text(dumps(doc), args.out)
    else:
        emit_text(robustness_text(result, resolved.sampling, views), args.out)
    return 0


def dumps(doc: dict) -> str:
    """Indented JSON, each idea's lists and small maps on one line (fast for big runs)."""
    compact: list[str] = []
    try:  # orjson writes a million floats in 50 ms instead of 250 (optional)
        import orjson

        def encode(value) -> str:
            return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    except ImportError:  # pragma: no cover

        def encode(value) -> str:
            value = value.tolist() if hasattr(value, "tolist") else value
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def inline(value):
        compact.append(encode(value))
        return f"\x00{len(compact) - 1}\x00"

    for record in doc.get("ranking", []):
        record["rank_acceptability"] = inline(record["rank_acceptability"])
        record["rank_acceptability_se"] = inline(record["rank_acceptability_se"])
        if record.get("central_weights"):
            record["central_weights"] = inline(record["central_weights"])
    consensus = doc.get("consensus") or {}
    for key in ("member_ranks", "spread"):
        if consensus.get(key):
            consensus[key] = {k: inline(v) for k, v in consensus[key].items()}
    for view in (doc.get("disagreement") or {}).values():
        for record in view["ideas"]:
            record["ranks"] = inline(record["ranks"])
    text = json.dumps(doc, ensure_ascii=False, indent=2, default=_json_default)
    return re.sub(r'"\\u0000(\d+)\\u0000"', lambda m: compact[int(m.group(1))], text)


def robustness_text(result, sampling, views: dict, top: int = 15, members_top: int = 10) -> str:
    """The table output: stability, SMAA (``sampling``: the run's, named as the app and the
    report name it), agreement, and the members' disagreement in both views (``views``:
    :func:`~prioritisation.decisions.group.member_views` of the same run)."""
    labels, st, sm, co = result.labels, result.stability, result.smaa, result.consensus
    lines = [tr("sens.heading_sampling", None, method=method_label(result.method),
                aggregate=aggregate_label(result.aggregate), sampling=sampling.text()), ""]  # fmt: skip
    if st.winner is not None:
        lines.append(tr("sens.stability", None, winner=st.winner))
        now = fmt_shares(st.table["weight"].to_dict())  # adding up to 100 %
        for cid, r in st.table.iterrows():
            rivals = [x for x in (r["low_rival"], r["high_rival"]) if x]
            lines.append(tr("sens.stability_line", None, criterion=labels.get(cid, cid),
                            weight=now[cid], low=fmt_percent(r["low"], 0),
                            high=fmt_percent(r["high"], 0),
                            rivals=tr("sens.rivals", None, names=", ".join(rivals)) if rivals else ""))  # fmt: skip
        lines.append(tr("sens.top", None, k=st.top_k, ids=", ".join(st.top)))
        for cid, r in st.table.iterrows():
            lines.append(tr("sens.top_line", None, criterion=labels.get(cid, cid),
                            low=fmt_percent(r["top_low"], 0), high=fmt_percent(r["top_high"], 0)))  # fmt: skip
        lines.append("")
    if len(sm.acceptability) == 0:
        return "\n".join(lines + [tr("sens.none_ranked")])
    head = sm.acceptability.index[:top]
    frame = pd.DataFrame({
        tr("col.rank"): sm.current_rank.loc[head].to_numpy(), tr("col.id"): list(head),
        tr("col.title"): sm.titles.loc[head].to_numpy(),
        tr("col.p_first"): [fmt_estimate(p, se) for p, se in
                            zip(sm.p_first.loc[head], sm.p_first_se.loc[head], strict=True)],
        tr("col.p_top", None, k=sm.top_k): [fmt_estimate(p, se) for p, se in
                                            zip(sm.p_top_k.loc[head], sm.p_top_k_se.loc[head],
                                                strict=True)],
        tr("col.expected"): [fmt_number(v, 1) for v in sm.expected_rank.loc[head]],
    })  # fmt: skip
    lines += [tr("sens.smaa"), text_table(frame, max_width=50)]
    if len(sm.acceptability) > top:
        lines.append(tr("sens.more", None, n=len(sm.acceptability) - top))
    lines.append(tr("sens.se_note"))
    lines.append("")
    w = co.kendall_w
    if w != w:  # NaN
        lines.append(tr("sens.w_none"))
    else:
        meaning = ("sens.w_strong" if w >= 0.7 else "sens.w_moderate" if w >= 0.3
                   else "sens.w_weak")  # fmt: skip
        lines.append(tr("sens.consensus", None, w=fmt_number(w, 2), meaning=tr(meaning),
                        p="< " + fmt_number(0.001, 3) if co.p_value < 0.001 else "= " + fmt_number(co.p_value, 3)))  # fmt: skip
    if result.method != "wsm":
        lines.append(tr("sens.members_wsm"))
    for view, consensus in views.items():
        lines += ["", *members_text(consensus, view, sm.titles, members_top)]
    return "\n".join(lines)


def members_text(consensus, view: str, titles: pd.Series, top: int = 10) -> list[str]:
    """One view of the members' disagreement: its name (the app's words), what it means and
    the ideas the members disagree on most, each member's rank beside the group's."""
    title_id, help_id = MEMBER_VIEWS[view]
    table = disagreement(consensus, view)
    members = view_members(table)
    lines = [tr(title_id), *textwrap.wrap(tr(help_id), 100)]
    if len(members) < 2:
        none = N_("members.no_weights") if view == "weights" else N_("members.one")
        return [lines[0], tr(none)]
    shown = table.head(top)
    names = [short_name(m) for m in members]
    if len(set(names)) < len(names):  # two members called An: their full names
        names = members
    frame = pd.DataFrame({
        tr("col.id"): list(shown.index),
        tr("col.title"): titles.reindex(shown.index).fillna("").to_numpy(),
        tr("col.group_rank"): shown["group"].astype(int).to_numpy(),
        **{name: shown[m].astype(int).to_numpy() for m, name in zip(members, names, strict=True)},
        tr("col.difference"): shown["range"].astype(int).to_numpy(),
    })  # fmt: skip
    lines.append(text_table(frame, max_width=30))
    if len(table) > top:
        lines.append(tr("sens.more", None, n=len(table) - top))
    return [*lines, tr("sens.difference_key")]
