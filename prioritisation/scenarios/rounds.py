"""Group rounds (vergaderrondes) in the scenario store: opened, weights shared, revealed, closed.

A round is named, tied to the SHA-256 of the workbook it was opened on, and has a chair. Its
history is append-only, like the rest of the store (every row a link of the hash chain,
:mod:`prioritisation.scenarios.integrity`): :func:`open_round` writes the round, and every
later step is an event — a member's weights shared (:func:`share_weights`), the weights
revealed (:func:`reveal`), a computed result stored (:func:`store_result`), the round
closed (:func:`close_round`). Nothing is updated in place: a member's **current** weight set
is the latest they shared (:func:`current_sets`).

A round is **blind** unless opened otherwise: until the chair reveals, each member sees
only their own weights (:meth:`Round.sees_all`; the group's weights and the sets they lead to
are shown to all). Closing stores the group decision as a scenario (the group's weights, the
chosen set as included ideas and the rest excluded, the rule in the note) and, in the close
event, the members' weights, the group's weights, the chosen set and the rule; after that the
round is read-only.

:func:`round_analysis` is what a page or the CLI calls: the analysis of the round's current
sets under a run, read from the store when it was stored for the same inputs
(:func:`~prioritisation.decisions.group_decision.inputs_digest`), else computed once and
stored.

>>> import tempfile
>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.scenarios.db import open_store
>>> wb = read_workbook(sample_path())
>>> with tempfile.TemporaryDirectory() as folder, open_store(url=f"{folder}/s.sqlite") as store:
...     opened = open_round(store, "Mei 2027", wb, chair="An (Cultuurconnect)", by="an")
...     _ = share_weights(store, "Mei 2027", "Bart (Bib Brugge)", {"innovation": 3,
...                       "desirability": 1}, by="bart", wb=wb)
...     _ = share_weights(store, "Mei 2027", "Bart (Bib Brugge)", {"innovation": 1}, by="bart")
...     sets = current_sets(store, "Mei 2027")
...     seen = get_round(store, "Mei 2027").sees_all("Bart (Bib Brugge)")
>>> opened.blind, sets.loc["Bart (Bib Brugge)"].to_dict(), seen
(True, {'innovation': 1.0}, False)
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa

from prioritisation.core import parse
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, fmt_percent, tr
from prioritisation.core.model import Workbook
from prioritisation.decisions.group_decision import GroupAnalysis, analyse_group, inputs_digest
from prioritisation.decisions.group_weights import DEFAULT_FLOOR, has_say, how_words
from prioritisation.engine.run import Run
from prioritisation.scenarios.integrity import ChainWriter
from prioritisation.scenarios.scenario import Scenario, check_author, check_name, make_scenario
from prioritisation.scenarios.schema import dump_json, round_events_table, rounds_table

RULES = ("compromise", "group")  # what a closing decision funds: the compromise or the group set


@dataclass(frozen=True)
class Round:
    """A round as its history says it is now: ``name``, ``workbook_sha256``, ``workbook``
    (file name), ``blind``, ``chair``, ``opened_by``, ``opened_at`` (UTC), ``note``;
    ``revealed_by``/``closed_by`` (``None`` while not), ``closed_at``, ``decision`` (the
    label of the scenario closing stored), ``members`` (who shared weights, in the order
    they first did)."""

    name: str
    workbook_sha256: str
    workbook: str | None
    blind: bool
    chair: str
    opened_by: str
    opened_at: datetime
    note: str = ""
    revealed_by: str | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    decision: str | None = None
    members: tuple[str, ...] = ()

    @property
    def closed(self) -> bool:
        return self.closed_by is not None

    @property
    def revealed(self) -> bool:
        return self.revealed_by is not None

    def is_chair(self, who: str | None) -> bool:
        return bool(who) and str(who).strip().casefold() == self.chair.casefold()

    def sees_all(self, viewer: str | None, role: str | None = None) -> bool:
        """Whether ``viewer`` (a member's name; ``role`` from the members sheet) may see every
        member's weights: a blind round hides them until revealed from everyone but the chair
        and the analysts who prepare the round."""
        return (not self.blind or self.revealed or self.closed or self.is_chair(viewer)
                or role == "analyst")  # fmt: skip

    def visible(self, viewer: str | None, members, role: str | None = None) -> list[str]:
        """The members whose own weights (and what follows from them) ``viewer`` may see."""
        if self.sees_all(viewer, role):
            return list(members)
        return [m for m in members if viewer and m.casefold() == viewer.casefold()]

    def to_dict(self) -> dict:
        return {
            "name": self.name, "workbook_sha256": self.workbook_sha256,
            "workbook": self.workbook, "blind": self.blind, "chair": self.chair,
            "opened_by": self.opened_by, "opened_at": self.opened_at.isoformat(),
            "note": self.note, "revealed_by": self.revealed_by, "closed_by": self.closed_by,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "decision": self.decision, "members": list(self.members),
        }  # fmt: skip


def _now() -> str:
    return datetime.now(UTC).isoformat()


def open_round(
    store, name: str, wb: Workbook, *, chair: str, by: str, blind: bool = True, note: str = ""
) -> Round:
    """Open round ``name`` on ``wb`` (its SHA-256 is kept) with ``chair`` (a member's name);
    ``by`` is who opens it (from the login). ``UsageError`` if the name is taken."""
    name = (name or "").strip()
    check_name(name)
    check_author(chair)
    check_author(by)
    if not wb.sha256:
        raise UsageError("usage.round_needs_file")
    row = dict(name=name, workbook_sha256=wb.sha256, workbook=_file_name(wb), blind=int(bool(blind)),
               chair=str(chair).strip(), opened_by=str(by), opened_at=_now(), note=note or "")  # fmt: skip
    with store.transaction() as conn:
        taken = conn.execute(sa.select(rounds_table.c.id).where(rounds_table.c.name == name))
        if taken.first() is not None:
            raise UsageError("usage.round_exists", name=name)
        conn.execute(rounds_table.insert().values(**ChainWriter(conn).seal("rounds", row)))
    return get_round(store, name)


def _file_name(wb: Workbook) -> str | None:
    from pathlib import Path

    return Path(wb.source).name if wb.source else None


def list_rounds(store) -> list[Round]:
    """Every round, in the order opened."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(rounds_table).order_by(rounds_table.c.id)).all()
        events = conn.execute(sa.select(round_events_table).order_by(round_events_table.c.id)).all()
    by_round: dict[str, list] = {}
    for event in events:
        by_round.setdefault(event._mapping["round_name"], []).append(event._mapping)
    return [_round(r._mapping, by_round.get(r._mapping["name"], [])) for r in rows]


def get_round(store, name: str) -> Round:
    """Round ``name`` as it is now; ``UsageError`` naming the known rounds if absent."""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(rounds_table).where(rounds_table.c.name == name)).first()
        if row is None:
            known = conn.execute(sa.select(rounds_table.c.name).order_by(rounds_table.c.id))
            raise UsageError("usage.round_unknown", name=name, store=store.display,
                             known=", ".join(r[0] for r in known) or "—")  # fmt: skip
        events = conn.execute(_events(name)).all()
    return _round(row._mapping, [e._mapping for e in events])


def _events(name: str, kind: str | None = None):
    e = round_events_table
    query = sa.select(e).where(e.c.round_name == name)
    if kind is not None:
        query = query.where(e.c.kind == kind)
    return query.order_by(e.c.id)


def _round(m, events) -> Round:
    revealed = next((e["actor"] for e in events if e["kind"] == "reveal"), None)
    close = next((e for e in events if e["kind"] == "close"), None)
    members = tuple(dict.fromkeys(e["member"] for e in events if e["kind"] == "share"))
    decision = json.loads(close["payload"]).get("scenario") if close is not None else None
    return Round(
        name=m["name"], workbook_sha256=m["workbook_sha256"], workbook=m["workbook"],
        blind=bool(m["blind"]), chair=m["chair"], opened_by=m["opened_by"],
        opened_at=datetime.fromisoformat(m["opened_at"]), note=m["note"] or "",
        revealed_by=revealed, closed_by=close["actor"] if close is not None else None,
        closed_at=datetime.fromisoformat(close["at"]) if close is not None else None,
        decision=decision, members=members,
    )  # fmt: skip


def _open_for_writing(conn, store, name: str) -> Round:
    """The round, checked to be open (read inside the write transaction)."""
    row = conn.execute(sa.select(rounds_table).where(rounds_table.c.name == name)).first()
    if row is None:
        get_round(store, name)  # raises the message that lists the known rounds
    current = _round(row._mapping, [e._mapping for e in conn.execute(_events(name)).all()])
    if current.closed:
        raise UsageError("usage.round_closed", name=name, by=current.closed_by,
                         decision=current.decision or "—")  # fmt: skip
    return current


def _append(conn, name: str, kind: str, by: str, payload: dict, member=None, digest=None):
    row = dict(round_name=name, at=_now(), actor=str(by), kind=kind, member=member,
               digest=digest, payload=dump_json(payload))  # fmt: skip
    conn.execute(round_events_table.insert().values(**ChainWriter(conn).seal("round_events", row)))


def check_workbook(current: Round, wb: Workbook) -> None:
    """``UsageError`` when ``wb`` is not the workbook the round was opened on."""
    if wb.sha256 != current.workbook_sha256:
        raise UsageError("usage.round_workbook", name=current.name,
                         opened=current.workbook_sha256[:12], given=str(wb.sha256)[:12])  # fmt: skip


def check_weights(weights: Mapping, criteria=None) -> dict[str, float]:
    """``weights`` (criterion → number ≥ 0, not all 0; text read by
    :func:`prioritisation.core.parse.assignments`) as shares; criteria checked when given.

    >>> check_weights("innovation=3; desirability=1")
    {'innovation': 0.75, 'desirability': 0.25}
    """
    values = parse.assignments(weights) if isinstance(weights, str) else dict(weights)
    known = list(criteria) if criteria is not None else None
    out = {}
    for criterion, value in values.items():
        criterion = str(criterion)
        if known is not None and criterion not in known:
            raise UsageError("usage.weight_unknown_criterion", id=criterion, known=", ".join(known))
        number = parse.number(value) if isinstance(value, str) else float(value)
        if number is None or not math.isfinite(number) or number < 0:
            raise UsageError("usage.round_weight", criterion=criterion, value=value)
        out[criterion] = float(number)
    total = sum(out.values())
    if not total > 0:
        raise UsageError("usage.round_weights_zero")
    return {c: v / total for c, v in out.items()}


def share_weights(
    store, name: str, member: str, weights, *, by: str, wb: Workbook | None = None
) -> dict[str, float]:
    """Append ``member``'s weight set (criterion → weight, any scale; stored as shares) to
    round ``name``; ``by`` is who shares it (from the login: the member, or an analyst or
    chair on their behalf). With ``wb``: the round's workbook, its criteria and members are
    checked (an observer or analyst has no weights of their own) and the set is stored over
    all its criteria. Returns the shares."""
    check_author(member)
    check_author(by)
    if wb is not None:
        if not has_say(wb, member) or not _known_member(wb, member):
            raise UsageError("usage.round_member", member=member)
    shares = check_weights(weights, wb.criteria.index if wb is not None else None)
    if wb is not None:  # every criterion of the workbook, 0 where the set does not name it
        shares = {c: shares.get(c, 0.0) for c in wb.criteria.index}
    with store.transaction() as conn:
        current = _open_for_writing(conn, store, name)
        if wb is not None:
            check_workbook(current, wb)
        _append(conn, name, "share", by, {"weights": shares}, member=str(member))
    return shares


def _known_member(wb: Workbook, member: str) -> bool:
    members = wb.members
    if members is not None and not members.empty:
        return member.casefold() in {str(n).casefold() for n in members["name"]}
    return True  # without a members sheet anyone who logs in takes part under their own name


def current_sets(store, name: str) -> pd.DataFrame:
    """Each member's current weight set in round ``name`` (the latest they shared), as
    shares: rows members in the order they first shared, columns criteria (0 where a set
    does not name one). All of them, for computing; shells show only
    :meth:`Round.visible` rows to a viewer."""
    with store.engine.connect() as conn:
        events = conn.execute(_events(name, "share")).all()
    latest: dict[str, dict] = {}
    for e in events:
        m = e._mapping
        latest[m["member"]] = json.loads(m["payload"])["weights"]
    order = list(dict.fromkeys(e._mapping["member"] for e in events))
    frame = pd.DataFrame.from_dict({m: latest[m] for m in order}, orient="index").fillna(0.0)
    frame.index.name, frame.columns.name = "member", "criterion"
    return frame.astype(float)


def history(store, name: str) -> pd.DataFrame:
    """The round's events, oldest first: ``at``, ``actor``, ``kind`` (share, reveal,
    result, close), ``member``, ``digest``."""
    with store.engine.connect() as conn:
        rows = conn.execute(_events(name)).all()
    columns = ["at", "actor", "kind", "member", "digest"]
    return pd.DataFrame([[r._mapping[c] for c in columns] for r in rows], columns=columns)


def last_shared(store, name: str) -> dict:
    """Member → when (a ``datetime``) they last shared weights in round ``name``."""
    events = history(store, name)
    shares = events[events["kind"] == "share"]
    return {
        str(m): pd.Timestamp(at).to_pydatetime()
        for m, at in zip(shares["member"], shares["at"], strict=True)
    }


def reveal(store, name: str, *, by: str) -> Round:
    """The chair reveals everyone's weights in a blind round."""
    with store.transaction() as conn:
        current = _open_for_writing(conn, store, name)
        if not current.is_chair(by):
            raise UsageError("usage.round_chair_only", name=name, chair=current.chair, who=by)
        if not current.blind or current.revealed:
            raise UsageError("usage.round_not_hidden", name=name)
        _append(conn, name, "reveal", by, {})
    return get_round(store, name)


def store_result(store, name: str, digest: str, result: dict, *, by: str) -> None:
    """Keep ``result`` (plain JSON) computed for the inputs ``digest`` with round ``name``, so
    that every page reads it instead of computing it again (:func:`stored_result`)."""
    with store.transaction() as conn:
        _open_for_writing(conn, store, name)
        _append(conn, name, "result", by, result, digest=digest)


def stored_result(store, name: str, digest: str) -> dict | None:
    """The latest result stored with round ``name`` for ``digest`` (``None``: none yet)."""
    e = round_events_table
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(e)
            .where(e.c.round_name == name, e.c.kind == "result", e.c.digest == digest)
            .order_by(e.c.id.desc())
            .limit(1)
        ).first()
    return None if row is None else json.loads(row._mapping["payload"])


def round_analysis(
    store, name: str, run: Run, *, by: str | None = None, how: str = "mean",
    floor: float = DEFAULT_FLOOR,
) -> tuple[GroupAnalysis, bool]:  # fmt: skip
    """The analysis of round ``name``'s current sets under ``run`` and whether it was read
    from the store (``True``) or computed now. A result computed now is stored (once per
    change of inputs) when ``by`` is given, the store is writable and the round open."""
    current = get_round(store, name)
    check_workbook(current, run.wb)
    sets = current_sets(store, name)
    if sets.empty:
        raise UsageError("usage.round_no_weights", name=name)
    digest = inputs_digest(run, sets, how, floor)
    found = stored_result(store, name, digest)
    if found is not None:
        return GroupAnalysis.from_dict(found), True
    analysis = analyse_group(run, sets, how=how, floor=floor)
    if by and not store.readonly and not current.closed:
        store_result(store, name, digest, analysis.to_dict(), by=by)
    return analysis, False


def close_round(
    store, name: str, *, by: str, run: Run, analysis: GroupAnalysis, rule: str = "compromise",
    lang: str | None = None,
) -> Scenario:  # fmt: skip
    """The chair closes round ``name``: the decision (the ``compromise`` set, or the ``group``
    set of the group's weights under the run's funding rule) is saved as a scenario named
    after the round (the group's weights; the chosen ideas included and the other eligible
    ideas excluded, so that opening it funds exactly that set) and, in the close event, with
    the members' weights, the group's weights, the chosen set and the rule. Both are written
    in one transaction; the round is read-only afterwards."""
    if rule not in RULES:
        raise UsageError("usage.round_rule", value=rule, choices=", ".join(RULES))
    chosen = list(analysis.compromise.funded if rule == "compromise" else analysis.group_set)
    wb = run.wb
    eligible = [i for i, ok in zip(wb.ideas.index, run.prepared.eligible, strict=True) if ok]
    low = analysis.satisfaction[rule].min()
    note = tr("round.decision_note", lang, round=name, rule=tr(_RULE_WORDS[rule], lang),
              n=len(analysis.members), low=fmt_percent(low, 1, lang) if low == low else "—",
              how=how_words(analysis.how, analysis.floor, lang))  # fmt: skip
    scenario = make_scenario(
        wb, name, by, weights=analysis.group_weights.to_dict(), method=run.method,
        aggregate=run.aggregate, budget=run.budget.as_dict(), include=chosen,
        exclude=[i for i in eligible if i not in chosen], note=note,
    )  # fmt: skip
    with store.transaction() as conn:
        current = _open_for_writing(conn, store, name)
        if not current.is_chair(by):
            raise UsageError("usage.round_chair_only", name=name, chair=current.chair, who=by)
        check_workbook(current, wb)
        saved = store._save(conn, scenario)  # the scenario and the close event: one transaction
        record = {
            "scenario": saved.label, "rule": rule, "chosen": chosen,
            "members_weights": {m: {c: float(v) for c, v in row.items()}
                                for m, row in analysis.weights.iterrows()},
            "group_weights": {c: float(v) for c, v in analysis.group_weights.items()},
            "how": analysis.how, "floor": analysis.floor, "digest": analysis.digest,
            "satisfaction": {m: None if v != v else float(v)
                             for m, v in analysis.satisfaction[rule].items()},
        }  # fmt: skip
        _append(conn, name, "close", by, record, digest=analysis.digest)
    return saved


_RULE_WORDS = {"compromise": N_("round.rule.compromise"), "group": N_("round.rule.group")}
