"""Circuit breaker state machine (closed -> open -> half-open -> closed/open) on a fake clock."""

from __future__ import annotations

import pytest

from gateway.clients.breaker import BreakerState, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_opens_after_consecutive_failures_only() -> None:
    clock = Clock()
    b = CircuitBreaker(failures=3, reset_s=10, clock=clock)
    b.record_failure()
    b.record_failure()
    b.record_success()  # resets the streak
    b.record_failure()
    b.record_failure()
    assert b.state is BreakerState.CLOSED and b.allow()
    b.record_failure()
    assert b.state is BreakerState.OPEN
    assert not b.allow()
    assert b.retry_after() == pytest.approx(10)
    clock.t += 4
    assert b.retry_after() == pytest.approx(6)


def test_half_open_lets_one_probe_through_and_success_closes() -> None:
    clock = Clock()
    b = CircuitBreaker(failures=1, reset_s=5, clock=clock)
    b.record_failure()
    clock.t += 5
    assert b.state is BreakerState.HALF_OPEN
    assert b.allow() is True
    assert b.allow() is False  # a second caller waits for the probe's verdict
    b.record_success()
    assert b.state is BreakerState.CLOSED and b.allow() and b.allow()


def test_failed_probe_reopens_for_a_full_period() -> None:
    clock = Clock()
    b = CircuitBreaker(failures=2, reset_s=5, clock=clock)
    b.record_failure()
    b.record_failure()
    clock.t += 6
    assert b.allow()
    b.record_failure()  # one failure is enough in half-open
    assert b.state is BreakerState.OPEN and not b.allow()
    clock.t += 4.9
    assert not b.allow()
    clock.t += 0.1
    assert b.allow()


def test_released_probe_lets_the_next_caller_probe() -> None:
    clock = Clock()
    b = CircuitBreaker(failures=1, reset_s=1, clock=clock)
    b.record_failure()
    clock.t += 1
    assert b.allow() and not b.allow()
    b.release_probe()
    assert b.allow()


def test_invalid_settings() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(failures=0)
    with pytest.raises(ValueError):
        CircuitBreaker(reset_s=0)
