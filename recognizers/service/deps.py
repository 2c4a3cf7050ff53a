"""What a route needs from its app, injected with ``Depends``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from recognizers.service.admission import Admission
from recognizers.service.config import RecognizerServiceSettings
from recognizers.service.engine import Engine
from recognizers.service.metrics import ServiceMetrics


@dataclass
class ServiceState:
    settings: RecognizerServiceSettings
    engine: Engine[Any, Any]
    admission: Admission
    metrics: ServiceMetrics


def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.varta
    return state


StateDep = Annotated[ServiceState, Depends(get_state)]
