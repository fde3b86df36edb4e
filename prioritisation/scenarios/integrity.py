"""The store's hash chain: every saved version and audit entry sealed to the one before it.

History in the store is append-only: a scenario's "current" value is simply its latest version,
and nothing is ever updated or deleted (the database refuses it too: see the triggers in
:mod:`prioritisation.scenarios.migrations`). On top of that rule, each row of ``scenarios``,
``audit_log``, ``rounds`` and ``round_events`` is a link of ONE chain per store, in the order the rows were written: it carries
its position ``seq`` (1, 2, …), the hash of the link before it (``prev_hash``; the first link
follows :data:`GENESIS`) and its own ``hash``, the SHA-256 of its content (stable JSON, sorted
keys, see :func:`link_hash`) together with ``prev_hash``. So

- an edited row no longer matches its hash;
- a deleted row leaves a gap in ``seq`` and the next link's ``prev_hash`` points at nothing;
- the removal of the LAST rows leaves a shorter but consistent chain: only an outside copy of
  the head shows it, which is why every report prints the chain head (:func:`chain_head`) and
  :func:`verify` accepts a head given back: it must still be in the chain.

:func:`verify` walks the chain and says which entry broke first.

>>> import tempfile
>>> from prioritisation.scenarios.db import open_store
>>> from prioritisation.scenarios.scenario import Scenario
>>> with tempfile.TemporaryDirectory() as folder, open_store(url=f"{folder}/s.sqlite") as store:
...     saved = store.save(Scenario("A", "An", "wsm", "mean", {"x": 1.0}))
...     head = store.head()
...     result = verify(store, head=head)
...     store.log("Bart", "note", None, None, "later")
...     later = verify(store, head=head)
>>> result.ok, result.entries, result.head == head, len(head)
(True, 5, True, 64)
>>> later.ok, later.entries, later.after_head
(True, 6, 1)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, tr
from prioritisation.scenarios.schema import (
    audit_table,
    round_events_table,
    rounds_table,
    scenarios_table,
)

# The ``prev_hash`` of the first link.
GENESIS = "0" * 64

# The content each link's hash covers, per table (every column but the row id and the chain's
# own columns). Frozen: a column added later is covered only by a new hash version.
CONTENT = {
    "scenarios": ("name", "version", "author", "created", "method", "aggregate", "weights",
                  "thresholds", "budget", "selection", "note", "workbook_sha256", "workbook"),
    "audit_log": ("at", "actor", "action", "scenario", "version", "field", "item", "old", "new",
                  "workbook_sha256"),
    "rounds": ("name", "workbook_sha256", "workbook", "blind", "chair", "opened_by",
               "opened_at", "note"),
    "round_events": ("round_name", "at", "actor", "kind", "member", "digest", "payload"),
}  # fmt: skip

TABLES = {"scenarios": scenarios_table, "audit_log": audit_table, "rounds": rounds_table,
          "round_events": round_events_table}  # fmt: skip

# How a table's entries are named in a message.
WHAT = {"scenarios": N_("chain.what.scenarios"), "audit_log": N_("chain.what.audit_log"),
        "rounds": N_("chain.what.rounds"), "round_events": N_("chain.what.round_events")}  # fmt: skip

# A head given back may be shortened to this many hex digits (and must then be unique).
SHORT_HEAD = 12


def link_hash(table: str, seq: int, prev_hash: str, row) -> str:
    """The hash of one link: SHA-256 (hex) of the stable JSON of its table, position, the
    previous link's hash and its content columns.

    >>> row = {"at": "2026-01-01T00:00:00+00:00", "actor": "An", "action": "log", "field": "note"}
    >>> first = link_hash("audit_log", 1, GENESIS, row)
    >>> len(first), first == link_hash("audit_log", 1, GENESIS, {**row, "actor": "Bart"})
    (64, False)
    """
    content = {c: _plain(row.get(c)) for c in CONTENT[table]}
    text = json.dumps({"table": table, "seq": int(seq), "prev": prev_hash, "row": content},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))  # fmt: skip
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value):
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, int):
        return int(value)
    return str(value)


def chain_tail(conn) -> tuple[int, str]:
    """``(seq, hash)`` of the last link (``(0, GENESIS)`` in an empty store)."""
    best = (0, GENESIS)
    for table in TABLES.values():
        row = conn.execute(
            sa.select(table.c.seq, table.c.hash)
            .where(table.c.seq.is_not(None))
            .order_by(table.c.seq.desc())
            .limit(1)
        ).first()
        if row is not None and int(row[0]) > best[0]:
            best = (int(row[0]), row[1])
    return best


def chain_head(conn) -> str | None:
    """The hash of the last link: what a report prints; ``None`` for an empty store."""
    seq, head = chain_tail(conn)
    return head if seq else None


class ChainWriter:
    """Seals the rows of one write transaction, in the order they are inserted.

    Used under the store's write lock (``BEGIN IMMEDIATE`` / the advisory lock), so that the
    tail read here is still the tail when the rows are inserted.
    """

    def __init__(self, conn):
        self.seq, self.prev = chain_tail(conn)

    def seal(self, table: str, row: dict) -> dict:
        """``row`` with its ``seq``, ``prev_hash`` and ``hash``."""
        seq, prev = self.seq + 1, self.prev
        digest = link_hash(table, seq, prev, row)
        self.seq, self.prev = seq, digest
        return {**row, "seq": seq, "prev_hash": prev, "hash": digest}


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class ChainProblem:
    """The first link that broke: ``code`` (``chain.edited``, ``chain.gap``, ``chain.link``,
    ``chain.duplicate``, ``chain.unsealed``, ``chain.head_missing``), the table and row id of
    the entry (``None`` for a missing head), its position and the message's values."""

    code: str
    table: str | None = None
    id: int | None = None
    seq: int | None = None
    params: dict | None = None

    def text(self, lang: str | None = None) -> str:
        detail = tr(self.code, lang, **(self.params or {}))
        if self.table is None:
            return detail
        what = tr(WHAT[self.table], lang)
        if self.seq is None:
            return tr("chain.at_unsealed", lang, what=what, id=self.id, detail=detail)
        return tr("chain.at", lang, seq=self.seq, what=what, id=self.id, detail=detail)


@dataclass(frozen=True)
class VerifyResult:
    """What :func:`verify` found. ``ok``; ``entries``: links checked; ``head``: the hash of the
    store's last link (``None`` when empty); ``problem``: the first :class:`ChainProblem` or
    ``None``; ``given_head``: the head asked about; ``after_head``: how many links came after
    it (``None`` without a head or when it is missing); ``store``: the store as displayed."""

    ok: bool
    entries: int
    head: str | None
    problem: ChainProblem | None = None
    given_head: str | None = None
    after_head: int | None = None
    store: str = ""

    def text(self, lang: str | None = None) -> str:
        """The finding in words (nl/en), one or two sentences."""
        if self.problem is not None:
            return tr("chain.broken", lang, store=self.store, problem=self.problem.text(lang))
        text = tr("chain.ok", lang, store=self.store, n=self.entries, head=self.head or "—")
        if self.given_head is not None:
            text += " " + tr("chain.head_found", lang, head=self.given_head, n=self.after_head)
        return text


class ChainBroken(UsageError):
    """The chain does not verify where it must (a backup): says which entry broke."""

    def __init__(self, result: VerifyResult):
        self.result = result
        super().__init__("usage.chain_broken", problem=result.text())

    def lines(self, lang: str | None = None) -> list[str]:
        return [tr("usage.chain_broken", lang, problem=self.result.text(lang))]


def verify(store, head: str | None = None) -> VerifyResult:
    """Walk the chain of ``store`` (a :class:`~prioritisation.scenarios.db.ScenarioStore`) and
    report the first entry that broke; with ``head`` (a hash printed in a report, or its first
    :data:`SHORT_HEAD` or more digits), also check that it is still in the chain and count the
    entries after it: a head that is missing means the last entries were removed (or the chain
    rewritten). Reads only. See the module's example."""
    links = []
    with store.engine.connect() as conn:
        for name, table in TABLES.items():
            columns = [table.c.id, table.c.seq, table.c.prev_hash, table.c.hash]
            columns += [table.c[c] for c in CONTENT[name]]
            for row in conn.execute(sa.select(*columns)):
                links.append((name, dict(row._mapping)))
    sealed = sorted((x for x in links if x[1]["seq"] is not None), key=lambda x: x[1]["seq"])
    unsealed = sorted((x for x in links if x[1]["seq"] is None), key=lambda x: x[1]["id"])
    problem = _walk(sealed)
    if problem is None and unsealed:
        name, row = unsealed[0]
        problem = ChainProblem(N_("chain.unsealed"), name, row["id"])
    last = sealed[-1][1]["hash"] if sealed else None
    given, after = None, None
    if head is not None:
        given = str(head).strip().lower()
        found = [i for i, (_, row) in enumerate(sealed) if _matches(row["hash"], given)]
        if len(found) == 1:
            after = len(sealed) - 1 - found[0]
        elif problem is None:
            problem = ChainProblem(N_("chain.head_missing"), params={"head": given})
    return VerifyResult(ok=problem is None, entries=len(links), head=last, problem=problem,
                        given_head=given, after_head=after, store=store.display)  # fmt: skip


def _matches(digest: str | None, given: str) -> bool:
    if not digest or len(given) < SHORT_HEAD:
        return digest == given
    return digest.startswith(given)


def _walk(sealed) -> ChainProblem | None:
    expected_seq, prev = 1, GENESIS
    for name, row in sealed:
        seq = int(row["seq"])
        if seq < expected_seq:
            return ChainProblem(N_("chain.duplicate"), name, row["id"], seq)
        if seq > expected_seq:
            missing = str(expected_seq) if seq == expected_seq + 1 else f"{expected_seq}–{seq - 1}"
            return ChainProblem(N_("chain.gap"), name, row["id"], seq, {"missing": missing})
        if row["prev_hash"] != prev:
            return ChainProblem(N_("chain.link"), name, row["id"], seq)
        if link_hash(name, seq, prev, row) != row["hash"]:
            return ChainProblem(N_("chain.edited"), name, row["id"], seq)
        expected_seq, prev = seq + 1, row["hash"]
    return None
