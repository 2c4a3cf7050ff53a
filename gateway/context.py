"""``AppContext``: everything the running app holds, in one object on ``app.state.ctx``."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from gateway.audit.log import AuditWriter
from gateway.cameras.preview import PreviewCache
from gateway.config import GatewaySettings
from gateway.metrics import GatewayMetrics


@dataclass
class AppContext:
    """Built by ``create_app``; filled by the lifespan (matcher, face index, recognizers)."""

    settings: GatewaySettings
    engine: Engine
    sessions: sessionmaker[Session]
    audit: AuditWriter
    plate_matcher: Any = None  # gateway.matching.PlateMatcher, rebuilt from the DB at start
    face_index: Any = None  # gateway.faceindex.FaceIndex
    recognizers: Any = None  # gateway.clients.RecognizerClient
    ready: bool = False
    bootstrap_key: str | None = None  # the admin key created at first start (printed once)
    startup_error: str | None = None
    # serialises watchlist writes that touch the FaceIndex and the in-memory matcher
    watchlist_lock: threading.Lock = field(default_factory=threading.Lock)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)  # other parts' long-lived objects
    previews: PreviewCache = field(default_factory=PreviewCache)  # residents' live view, memory only
    metrics: GatewayMetrics = field(default_factory=GatewayMetrics)  # this app's own Prometheus registry
