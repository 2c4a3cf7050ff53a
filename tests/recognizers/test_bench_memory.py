"""The bench's memory figure is the recognizers' own process, not the bench process around it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recognizers.bench.memory import peak_rss_of_this_image_mb, recognizers_peak_rss_mb
from recognizers.common.procfs import peak_rss_mb, proc_field


def test_peak_rss_is_at_least_the_current_rss() -> None:
    current_mb = int(str(proc_field("/proc/self/status", "VmRSS")).split()[0]) / 1024
    assert peak_rss_of_this_image_mb() >= current_mb > 10


def test_proc_fields_that_are_not_there_are_none() -> None:
    assert proc_field("/proc/meminfo", "MemTotal") is not None
    assert proc_field("/proc/meminfo", "NoSuchField") is None
    assert proc_field("/nonexistent/status", "VmHWM") is None
    assert peak_rss_mb(2**31 - 1) is None  # no such process (the gateway bench's child has ended)


@pytest.mark.slow
def test_recognizers_process_does_not_inherit_the_parents_peak() -> None:
    """The parent holds 1.5 GB; the child (both real recognizers, frames read) reports its own peak."""
    held = np.ones(1536 * 1024 * 1024, np.uint8)
    assert peak_rss_of_this_image_mb() > 1536
    mb = recognizers_peak_rss_mb(None)
    assert 100 < mb < 1200, mb
    assert held[-1] == 1


def test_a_child_that_cannot_load_the_models_is_an_error_that_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VARTA_MODELS_DIR", str(tmp_path))  # the child inherits it: no models there
    with pytest.raises(RuntimeError, match="memory child failed") as err:
        recognizers_peak_rss_mb(None)
    assert "varta models pull" in str(err.value)
