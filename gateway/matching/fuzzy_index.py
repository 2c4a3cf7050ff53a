"""Candidate generation for fuzzy plate matching: deletion neighbourhoods of confusion-folded keys.

Memory matters at 100,000 entries (about nine keys per entry for one edit), so the base index is
two numpy arrays: 64-bit hashes of the deletion variants, sorted, and the owner of each. A hash
collision only adds a candidate; every candidate is verified with ``plate_distance`` afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from shared.plate_grammar import CONFUSABLE
from shared.plate_grammar.distance import OTHER


def _fold_table() -> dict[int, str]:
    """Union the confusable pairs into classes; map every member to the class's smallest char."""
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.setdefault(c, c) != c:
            c = parent[c]
        return c

    for a, b in CONFUSABLE:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {ord(c): find(c) for c in parent}


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Collapse glyph-alike characters (O/0/D/Q, I/1/L, B/8, ...) to one representative."""
    return text.translate(_FOLD)


def max_plain_edits(threshold: float) -> int:
    """Edits of cost ``OTHER`` that fit in ``threshold``; -1 means fuzzy matching is off."""
    if threshold <= 0:
        return -1
    return math.floor(threshold / OTHER + 1e-9)


class DeletionIndex:
    """Immutable map from deletion variants (hashed) to the entry ids that produce them."""

    __slots__ = ("_hashes", "_ids", "_owners")

    def __init__(self, hashes: np.ndarray, owners: np.ndarray, ids: list[str]) -> None:
        self._hashes = hashes
        self._owners = owners
        self._ids = ids

    @staticmethod
    def variants(key: str, k: int) -> set[str]:
        """``key`` and every string made by deleting up to ``k`` of its characters."""
        out = {key}
        frontier = {key}
        for _ in range(max(k, 0)):
            frontier = {f[:i] + f[i + 1 :] for f in frontier for i in range(len(f))}
            out |= frontier
        return out

    @classmethod
    def build(cls, items: Iterable[tuple[str, str]], k: int) -> DeletionIndex:
        """``items``: (entry_id, folded key)."""
        ids: list[str] = []
        hashes: list[int] = []
        owners: list[int] = []
        if k >= 0:
            for eid, key in items:
                n = len(ids)
                ids.append(eid)
                for v in cls.variants(key, k):
                    hashes.append(hash(v))
                    owners.append(n)
        h = np.asarray(hashes, dtype=np.int64)
        o = np.asarray(owners, dtype=np.int32)
        order = np.argsort(h, kind="stable")
        return cls(h[order], o[order], ids)

    def lookup(self, variants: Iterable[str]) -> set[str]:
        """Entry ids that share at least one variant hash (a superset of the true candidates)."""
        if self._hashes.size == 0:
            return set()
        q = np.fromiter((hash(v) for v in variants), dtype=np.int64)
        lo = np.searchsorted(self._hashes, q, side="left")
        hi = np.searchsorted(self._hashes, q, side="right")
        out: set[str] = set()
        ids = self._ids
        for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
            for i in self._owners[a:b].tolist():
                out.add(ids[i])
        return out

    def __len__(self) -> int:
        return len(self._ids)
