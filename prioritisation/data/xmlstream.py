"""Feeding a zip member to expat in chunks, and the capped text of one XML element.

The ``.xlsx`` and ``.ods`` readers parse with expat directly (no tree is built) so that memory
stays bounded whatever the file holds: :func:`feed` spends an unpacked-bytes budget as it reads
and :class:`CappedText` keeps at most :data:`~prioritisation.data.limits.MAX_CELL_CHARS` + 1
characters of a cell while counting all of them.

>>> text = CappedText()
>>> text.add("abc"); text.value()
'abc'
"""

from __future__ import annotations

import xml.parsers.expat
from collections.abc import Iterator

from prioritisation.data.limits import MAX_CELL_CHARS, TooLong

CHUNK = 1 << 16


class CappedText:
    """Collects the text of one element up to the cell limit, counting the rest."""

    __slots__ = ("chunks", "length")

    def __init__(self):
        self.chunks: list[str] = []
        self.length = 0

    def add(self, data: str) -> None:
        if self.length < MAX_CELL_CHARS + 1:
            self.chunks.append(data[: MAX_CELL_CHARS + 1 - self.length])
        self.length += len(data)

    def value(self):
        return TooLong(self.length) if self.length > MAX_CELL_CHARS else "".join(self.chunks)


def local_name(name: str) -> str:
    """An element or attribute name without its namespace: ``'uri}row'`` → ``'row'``."""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def feed(stream, handlers: dict, budget: list[int]) -> Iterator[None]:
    """Feed ``stream`` to a fresh expat parser with ``handlers``; yield after each chunk.

    ``budget`` is a one-element list of unpacked bytes still allowed; it is spent as read."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    for name, handler in handlers.items():
        setattr(parser, name, handler)
    while True:
        data = stream.read(CHUNK)
        budget[0] -= len(data)
        if budget[0] < 0:
            raise TooBig
        parser.Parse(data, not data)
        yield
        if not data:
            return


class TooBig(Exception):
    """The unpacked-bytes budget of :func:`feed` is spent."""


class RowCollector:
    """The expat side of a streaming sheet reader: a subclass defines ``start``, ``end`` and
    ``chars`` and appends finished rows to ``done``; :meth:`take` hands them over."""

    done: list

    def handlers(self) -> dict:
        return {"StartElementHandler": self.start, "EndElementHandler": self.end,
                "CharacterDataHandler": self.chars}  # fmt: skip

    def take(self) -> list:
        done, self.done = self.done, []
        return done
