"""Recognizer services on a real socket, started once per session with the real models."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # svc_helpers, shared by the modules of this folder

from svc_helpers import Started, start_service, stop_service

from recognizers.service.config import RecognizerServiceSettings


@pytest.fixture(scope="session")
def plates_service() -> Iterator[Started]:
    """The real plate recognizer (real models) behind real HTTP; warm-up long enough to see 503."""
    settings = RecognizerServiceSettings(max_bytes=4_000_000, warmup_runs=4)
    started = start_service("plates", settings)
    yield started
    stop_service(started)


@pytest.fixture(scope="session")
def faces_service() -> Iterator[Started]:
    settings = RecognizerServiceSettings(max_bytes=4_000_000, warmup_runs=6)
    started = start_service("faces", settings)
    yield started
    stop_service(started)
