"""Bounded concurrency: a few requests run, a few wait, the rest are refused at once.

A request is *admitted* before its body is read, so at most ``max_concurrency + max_queue`` bodies
are held in memory; decoding and inference then wait for one of ``max_concurrency`` worker slots.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import anyio
import anyio.to_thread

from recognizers.service.errors import SaturatedError

T = TypeVar("T")


class Admission:
    def __init__(self, max_concurrency: int, max_queue: int, retry_after_s: int) -> None:
        self.capacity = max_concurrency + max_queue
        self.retry_after_s = retry_after_s
        self.admitted = 0
        self._workers = anyio.CapacityLimiter(max_concurrency)
        self.on_change: Callable[[int], None] = lambda _n: None

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a place among the admitted requests; raises SaturatedError when none is free."""
        # Single event loop: the check and the increment cannot interleave with another request.
        if self.admitted >= self.capacity:
            raise SaturatedError(self.capacity, self.retry_after_s)
        self.admitted += 1
        self.on_change(self.admitted)
        try:
            yield
        finally:
            self.admitted -= 1
            self.on_change(self.admitted)

    async def run(self, func: Callable[..., T], *args: object) -> T:
        """Run blocking work in a worker thread once one of the ``max_concurrency`` slots is free."""
        return await anyio.to_thread.run_sync(func, *args, limiter=self._workers)

    @property
    def running(self) -> int:
        return int(self._workers.borrowed_tokens)
