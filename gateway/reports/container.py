"""What the ISO-BMFF (MP4, MOV) and Matroska (WebM) readers share: their one error and their budget.

Both read a resident's untrusted bytes in the gateway process, so neither may loop without end nor
trust a size: every box or element must fit in what holds it, and a ``Budget`` caps how many they
look at in all. A file that breaks either rule is ``Malformed``, which the caller answers with a 4xx.
"""

from __future__ import annotations

# A phone's two-minute fragmented MP4 (one fragment a frame) holds about 100 000 boxes, a WebM of the
# same about 15 000 elements; a million takes about a second to walk in Python.
MAX_PARTS = 1_000_000


class Malformed(ValueError):
    """The container's own structure is broken; ``what``/``what_uk`` say how, in English and Ukrainian."""

    def __init__(self, what: str, what_uk: str) -> None:
        super().__init__(what)
        self.what = what
        self.what_uk = what_uk


class Budget:
    """How many boxes or elements one file may still have looked at."""

    def __init__(self, parts: int | None = None) -> None:
        self.parts = MAX_PARTS if parts is None else parts
        self.left = self.parts

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise Malformed(
                f"it holds more than {self.parts} boxes or elements",
                f"він містить понад {self.parts} блоків або елементів",
            )


def printable(name: bytes) -> str:
    """A box name from the file, safe to quote in a message (anything but printable ASCII is '?')."""
    return "".join(chr(b) if 32 <= b < 127 else "?" for b in name)
