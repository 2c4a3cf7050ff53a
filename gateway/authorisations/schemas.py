"""Face authorisation models."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from gateway.timestamps import UtcDateTime
from shared.validation_uk import invalid

EXAMPLE: dict[str, Any] = {
    "legal_basis": "Law 580-VIII art. 40; court ruling 123/456/26",
    "purpose": "search for a missing child",
    "case_number": "12026000000000123",
    "camera_ids": ["gate-north"],
    "starts_at": "2026-11-01T08:00:00Z",
    "expires_at": "2026-11-08T08:00:00Z",
    "daily_start": None,
    "daily_end": None,
    "notes": "",
}
MAX_DAYS = 90


def utc_time_of_day(value: time) -> time:
    """A daily window's bound in UTC without a zone: ``08:00+02:00`` is ``06:00``; a time without a
    zone is UTC already. Stored without one, a zone given would otherwise be dropped."""
    if value.tzinfo is None:
        return value
    return datetime.combine(date(2000, 1, 3), value).astimezone(UTC).time()


DailyTime = Annotated[time, AfterValidator(utc_time_of_day)]


class AuthorisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    legal_basis: str = Field(min_length=3, max_length=500)
    purpose: str = Field(min_length=3, max_length=500)
    case_number: str = Field(min_length=1, max_length=100)
    camera_ids: list[str] = Field(min_length=1, max_length=500)
    starts_at: UtcDateTime
    expires_at: UtcDateTime
    daily_start: DailyTime | None = Field(
        default=None, description="optional daily window start (UTC, or with a zone, e.g. 08:00+02:00)"
    )
    daily_end: DailyTime | None = Field(
        default=None, description="optional daily window end (UTC, or with a zone, e.g. 18:00+02:00)"
    )
    notes: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _window(self) -> AuthorisationCreate:
        if self.expires_at <= self.starts_at:
            raise invalid("must be after starts_at", "має бути пізніше за starts_at", "expires_at")
        if self.expires_at - self.starts_at > timedelta(days=MAX_DAYS):
            raise invalid(
                f"an authorisation lasts at most {MAX_DAYS} days; renew it with a new one",
                f"дозвіл діє щонайбільше {MAX_DAYS} днів; поновіть його новим",
                "expires_at",
            )
        if (self.daily_start is None) != (self.daily_end is None):
            raise invalid(
                "give both daily_start and daily_end, or neither",
                "вкажіть і daily_start, і daily_end, або жодного",
                "daily_end" if self.daily_end is None else "daily_start",
            )
        if self.daily_start is not None and self.daily_start == self.daily_end:
            raise invalid(
                "must differ from daily_start: the window would be empty and the authorisation never in "
                "force; for the whole day leave both out",
                "має відрізнятися від daily_start: вікно було б порожнім, і дозвіл не діяв би ніколи; "
                "для цілої доби не вказуйте жодного",
                "daily_end",
            )
        return self


class AuthorisationPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                EXAMPLE
                | {
                    "id": 1,
                    "organisation_id": "police",
                    "created_at": "2026-11-01T07:55:00Z",
                    "revoked_at": None,
                }
                | {"active": True}
            ]
        }
    )

    id: int
    organisation_id: str
    legal_basis: str
    purpose: str
    case_number: str
    camera_ids: list[str]
    starts_at: datetime
    expires_at: datetime
    daily_start: time | None
    daily_end: time | None
    notes: str
    created_at: datetime
    revoked_at: datetime | None
    active: bool
