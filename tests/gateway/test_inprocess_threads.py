"""The one-process default runs each model on one thread and as many frames in parallel as cores."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.config import GatewaySettings


def test_default_is_one_thread_per_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert GatewaySettings(data_dir=tmp_path).inprocess_threads == 1


def test_env_override(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VARTA_INPROCESS_THREADS", "2")
    assert GatewaySettings(data_dir=tmp_path).inprocess_threads == 2


@pytest.mark.parametrize("bad", [0, -1, 65])
def test_out_of_range_rejected(tmp_path, bad: int) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="inprocess_threads"):
        GatewaySettings(data_dir=tmp_path, inprocess_threads=bad)
