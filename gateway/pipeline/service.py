"""The app's one ``FrameProcessor``, built on first use from the ``AppContext``."""

from __future__ import annotations

import threading

from gateway.context import AppContext
from gateway.matching import PassGrouper
from gateway.pipeline.processor import FrameProcessor

_lock = threading.Lock()
KEY = "frame_processor"


def get_processor(ctx: AppContext) -> FrameProcessor:
    proc = ctx.extras.get(KEY)
    if proc is None:
        with _lock:
            proc = ctx.extras.get(KEY)
            if proc is None:
                proc = FrameProcessor(ctx, PassGrouper())
                ctx.extras[KEY] = proc
    assert isinstance(proc, FrameProcessor)
    return proc
