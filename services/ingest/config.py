"""Ingest agent configuration: one YAML file lists villages, EZVIZ accounts and cameras.

Validation is strict (``extra="forbid"`` everywhere) and every problem names the camera and the
field, e.g. ``cameras[3] (id=kr-north): fps: must be > 0``. Secrets (camera keys, passwords, the
EZVIZ app secret) never live in the YAML: they come from an environment variable (``*_env``) or a
file (``*_file``) and are held as ``SecretStr`` so they never show up in logs or reprs.

Coordinates of the region of interest and privacy masks are fractions of the frame (0..1), so the
same configuration works for the main stream and the sub stream of a camera.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from services.ingest.config_errors import ConfigError, format_validation_error
from shared.validation_uk import invalid


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


class Rect(_Strict):
    """A rectangle in fractions of the frame: ``x, y`` top-left, ``w, h`` size."""

    x: Fraction = 0.0
    y: Fraction = 0.0
    w: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0
    h: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0

    @model_validator(mode="after")
    def _inside(self) -> Rect:
        if self.x + self.w > 1.0 + 1e-9 or self.y + self.h > 1.0 + 1e-9:
            raise invalid(
                "rectangle must lie inside the frame (x + w <= 1 and y + h <= 1)",
                "прямокутник має лежати в межах кадру (x + w <= 1 і y + h <= 1)",
            )
        return self

    def pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        x0, y0 = round(self.x * width), round(self.y * height)
        x1, y1 = round((self.x + self.w) * width), round((self.y + self.h) * height)
        return x0, y0, max(x1, x0 + 1), max(y1, y0 + 1)


class PrivacyMask(_Strict):
    """Either ``rect`` or ``polygon`` (at least three ``[x, y]`` points), in fractions of the frame."""

    rect: Rect | None = None
    polygon: list[tuple[Fraction, Fraction]] | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> PrivacyMask:
        if (self.rect is None) == (self.polygon is None):
            raise invalid("give exactly one of rect or polygon", "вкажіть щось одне: rect або polygon")
        if self.polygon is not None and len(self.polygon) < 3:
            raise invalid("polygon needs at least 3 points", "багатокутнику потрібно щонайменше 3 точки")
        return self


class MotionSettings(_Strict):
    """Background subtraction (MOG2) on a downscaled grey copy of the region of interest."""

    enabled: bool = True
    downscale_width: Annotated[int, Field(ge=32, le=1920)] = 256
    min_area_fraction: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.004
    min_consecutive_frames: Annotated[int, Field(ge=1, le=100)] = 2
    hold_frames: Annotated[int, Field(ge=0, le=100)] = 2
    warmup_frames: Annotated[int, Field(ge=0, le=1000)] = 10
    history: Annotated[int, Field(ge=10, le=10000)] = 300
    var_threshold: Annotated[float, Field(gt=0.0, le=1000.0)] = 32.0


def _check_url(url: str) -> str:
    """A URL whose host and port are usable (the pattern checked only the scheme)."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises for a port out of range or not a number
    except ValueError as exc:
        raise invalid(f"is not a valid URL ({exc})", f"недійсна URL-адреса ({exc})") from None
    if not parts.hostname:
        raise invalid("has no host", "не має адреси (хоста)")
    if port == 0:
        raise invalid("port must be 1-65535", "порт має бути від 1 до 65535")
    return url


def _check_no_inline_password(url: str) -> str:
    parts = urlsplit(_check_url(url))
    if parts.password:
        raise invalid(
            "must not carry a password: use password_env or password_file",
            "не має містити пароль: використайте password_env або password_file",
        )
    return url


class _Credentials(_Strict):
    username: str | None = None
    password_env: str | None = None
    password_file: Path | None = None
    _password: SecretStr | None = PrivateAttr(default=None)

    @property
    def password(self) -> SecretStr | None:
        return self._password


class RtspSource(_Credentials):
    type: Literal["rtsp"]
    url: Annotated[str, Field(pattern=r"^rtsps?://[^\s]+$")]
    transport: Literal["tcp", "udp"] = "tcp"
    open_timeout_s: Annotated[float, Field(gt=0, le=120)] = 10.0
    read_timeout_s: Annotated[float, Field(gt=0, le=120)] = 10.0
    backoff_initial_s: Annotated[float, Field(gt=0, le=600)] = 1.0
    backoff_max_s: Annotated[float, Field(gt=0, le=3600)] = 60.0
    failed_after: Annotated[int, Field(ge=1)] = 10

    _url = field_validator("url")(_check_no_inline_password)


class HttpSnapshotSource(_Credentials):
    type: Literal["http_snapshot"]
    url: Annotated[str, Field(pattern=r"^https?://[^\s]+$")]
    auth: Literal["none", "basic", "digest"] = "digest"
    timeout_s: Annotated[float, Field(gt=0, le=120)] = 10.0
    verify_tls: bool = True
    backoff_max_s: Annotated[float, Field(gt=0, le=3600)] = 60.0

    _url = field_validator("url")(_check_no_inline_password)

    @model_validator(mode="after")
    def _auth(self) -> HttpSnapshotSource:
        if self.auth != "none" and not self.username:
            raise invalid(
                f"auth {self.auth} needs a username", f"для auth {self.auth} потрібен username", "username"
            )
        return self


class EzvizCloudSource(_Strict):
    type: Literal["ezviz_cloud"]
    account: Annotated[str, Field(min_length=1)]
    device_serial: Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,32}$")]
    channel_no: Annotated[int, Field(ge=1, le=256)] = 1
    backoff_max_s: Annotated[float, Field(gt=0, le=3600)] = 300.0


class FileSource(_Strict):
    type: Literal["file"]
    path: Path
    realtime: bool = False
    loop: bool = False
    start_time: AwareDatetime | None = None  # a zoneless time would be refused by the gateway


class FolderSource(_Strict):
    type: Literal["folder"]
    path: Path
    pattern: str = "*.jpg"
    realtime: bool = False
    loop: bool = False
    start_time: AwareDatetime | None = None  # a zoneless time would be refused by the gateway


class PushSource(_Strict):
    """The camera POSTs a JPEG to the agent: ``POST /v1/push/{camera id}`` with ``Bearer <push key>``."""

    type: Literal["push"]
    key_env: str | None = None
    key_file: Path | None = None
    max_bytes: Annotated[int, Field(gt=0, le=64 * 1024 * 1024)] = 10 * 1024 * 1024
    _key: SecretStr | None = PrivateAttr(default=None)

    @property
    def key(self) -> SecretStr | None:
        return self._key


Source = Annotated[
    RtspSource | HttpSnapshotSource | EzvizCloudSource | FileSource | FolderSource | PushSource,
    Field(discriminator="type"),
]


class Camera(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    village: Annotated[str, Field(min_length=1)]
    name: Annotated[str, Field(min_length=1)]
    enabled: bool = True
    source: Source
    fps: Annotated[float, Field(gt=0, le=60)] = 2.0
    roi: Rect | None = None
    privacy_masks: list[PrivacyMask] = Field(default_factory=list)
    motion: MotionSettings = Field(default_factory=MotionSettings)
    jpeg_quality: Annotated[int, Field(ge=30, le=100)] = 85
    # live preview for residents (POST /v1/cameras/{id}/preview): off unless preview_every_s is set;
    # strict, so a quoted "5" or a yes/no is refused rather than read as a number
    preview_every_s: Annotated[float, Field(ge=1.0, le=300.0, strict=True)] | None = None
    preview_max_side: Annotated[int, Field(ge=160, le=1920, strict=True)] = 640
    key_env: str | None = None
    key_file: Path | None = None
    _key: SecretStr | None = PrivateAttr(default=None)

    @property
    def key(self) -> SecretStr:
        if self._key is None:
            raise RuntimeError(f"camera {self.id}: key not resolved (use load_config)")
        return self._key


class Village(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    name: Annotated[str, Field(min_length=1)]


class EzvizAccount(_Strict):
    name: Annotated[str, Field(min_length=1)]
    api_url: Annotated[str, Field(pattern=r"^https?://[^\s]+$")] = "https://open.ezvizlife.com"
    app_key: Annotated[str, Field(min_length=1)]
    app_secret_env: str | None = None
    app_secret_file: Path | None = None
    renew_before_s: Annotated[float, Field(ge=0)] = 3600.0
    timeout_s: Annotated[float, Field(gt=0, le=120)] = 15.0
    _app_secret: SecretStr | None = PrivateAttr(default=None)

    _api_url = field_validator("api_url")(_check_url)

    @property
    def app_secret(self) -> SecretStr:
        if self._app_secret is None:
            raise RuntimeError(f"ezviz account {self.name}: secret not resolved (use load_config)")
        return self._app_secret


class HttpSettings(_Strict):
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8090


class SpoolSettings(_Strict):
    path: Path = Path("/var/lib/varta-ingest/spool.db")
    max_bytes: Annotated[int, Field(gt=0)] = 2 * 1024**3
    max_records: Annotated[int, Field(gt=0)] = 200_000


class AgentSettings(_Strict):
    gateway_url: Annotated[str, Field(pattern=r"^https?://[^\s]+$")]
    http: HttpSettings = Field(default_factory=HttpSettings)
    spool: SpoolSettings = Field(default_factory=SpoolSettings)
    connect_timeout_s: Annotated[float, Field(gt=0, le=120)] = 5.0
    send_timeout_s: Annotated[float, Field(gt=0, le=600)] = 20.0
    backoff_initial_s: Annotated[float, Field(gt=0, le=600)] = 0.5
    backoff_max_s: Annotated[float, Field(gt=0, le=3600)] = 30.0
    max_retry_after_s: Annotated[float, Field(gt=0, le=86400)] = 300.0
    pending_max: Annotated[int, Field(ge=1, le=10000)] = 16

    _gateway_url = field_validator("gateway_url")(_check_url)


class IngestConfig(_Strict):
    agent: AgentSettings
    villages: list[Village] = Field(default_factory=list)
    ezviz_accounts: list[EzvizAccount] = Field(default_factory=list)
    cameras: Annotated[list[Camera], Field(min_length=1)]

    def camera(self, camera_id: str) -> Camera | None:
        return next((c for c in self.cameras if c.id == camera_id), None)

    def ezviz_account(self, name: str) -> EzvizAccount | None:
        return next((a for a in self.ezviz_accounts if a.name == name), None)


# ---------------------------------------------------------------------------------------------- loading


def _both(en: str, uk: str) -> str:
    """A problem line in English and Ukrainian, as every other config error."""
    return f"{en} / {uk}"


def read_secret(env_name: str | None, file: Path | None, env: Mapping[str, str], what: str) -> SecretStr:
    """Resolve a secret from an environment variable or a file; messages never contain the value."""
    if (env_name is None) == (file is None):
        raise ValueError(
            _both(
                f"{what}: give exactly one of {what}_env or {what}_file",
                f"вкажіть щось одне: {what}_env або {what}_file",
            )
        )
    if env_name is not None:
        value = env.get(env_name)
        if not value:
            raise ValueError(
                _both(
                    f"{what}_env: environment variable {env_name} is not set or empty",
                    f"змінна середовища {env_name} не задана або порожня",
                )
            )
        return SecretStr(value)
    assert file is not None
    try:
        value = file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ValueError(
            _both(
                f"{what}_file: cannot read {file}: {exc.strerror or exc}",
                f"не вдалося прочитати {file}",
            )
        ) from None
    except UnicodeDecodeError:
        raise ValueError(
            _both(f"{what}_file: {file} is not UTF-8 text", f"{file} не є текстом у кодуванні UTF-8")
        ) from None
    if not value:
        raise ValueError(_both(f"{what}_file: {file} is empty", f"{file} порожній"))
    return SecretStr(value)


def _resolve(cfg: IngestConfig, env: Mapping[str, str], base: Path) -> list[str]:
    problems: list[str] = []
    villages = {v.id for v in cfg.villages}
    accounts = {a.name for a in cfg.ezviz_accounts}
    seen: set[str] = set()

    problems.extend(_check_spool_path(cfg.agent.spool.path))
    for i, acc in enumerate(cfg.ezviz_accounts):
        try:
            acc._app_secret = read_secret(
                acc.app_secret_env, _rel(acc.app_secret_file, base), env, "app_secret"
            )
        except ValueError as exc:
            problems.append(f"ezviz_accounts[{i}] (name={acc.name}): {exc}")

    for i, cam in enumerate(cfg.cameras):
        where = f"cameras[{i}] (id={cam.id})"
        if cam.id in seen:
            problems.append(f"{where}: id: " + _both("duplicate camera id", "такий id камери вже є"))
        seen.add(cam.id)
        if villages and cam.village not in villages:
            known = ", ".join(sorted(villages))
            problems.append(
                f"{where}: village: "
                + _both(
                    f"unknown village {cam.village!r} (known: {known})",
                    f"невідоме село {cam.village!r} (відомі: {known})",
                )
            )
        problems.extend(f"{where}: {p}" for p in _resolve_camera(cam, env, base, accounts))
    return problems


def _check_spool_path(path: Path) -> list[str]:
    """The spool must be a file (or not exist yet) whose nearest existing ancestor is a directory."""
    where = "agent.spool.path"
    if path.is_dir():
        return [
            f"{where}: {path} is a directory; give the path of a file, e.g. {path / 'spool.db'} / "
            f"{path} є каталогом; вкажіть шлях до файлу, напр. {path / 'spool.db'}"
        ]
    for parent in path.parents:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                return [
                    f"{where}: {parent} is not a directory / {parent} не є каталогом",
                ]
            break
    return []


def _rel(path: Path | None, base: Path) -> Path | None:
    if path is None:
        return None
    return path if path.is_absolute() else base / path


def _resolve_camera(cam: Camera, env: Mapping[str, str], base: Path, accounts: set[str]) -> list[str]:
    problems: list[str] = []
    try:
        cam._key = read_secret(cam.key_env, _rel(cam.key_file, base), env, "key")
    except ValueError as exc:
        problems.append(str(exc))
    src = cam.source
    if isinstance(src, RtspSource | HttpSnapshotSource) and (src.password_env or src.password_file):
        try:
            src._password = read_secret(
                src.password_env, _rel(src.password_file, base), env, "source.password"
            )
        except ValueError as exc:
            problems.append(str(exc))
    elif isinstance(src, EzvizCloudSource) and src.account not in accounts:
        problems.append(
            "source.account: "
            + _both(
                f"unknown EZVIZ account {src.account!r} (see ezviz_accounts)",
                f"невідомий обліковий запис EZVIZ {src.account!r} (див. ezviz_accounts)",
            )
        )
    elif isinstance(src, FileSource | FolderSource):
        path = src.path if src.path.is_absolute() else base / src.path
        if isinstance(src, FileSource) and not path.is_file():
            problems.append("source.path: " + _both(f"no such file: {path}", f"немає такого файлу: {path}"))
        if isinstance(src, FolderSource) and not path.is_dir():
            problems.append(
                "source.path: " + _both(f"no such folder: {path}", f"немає такого каталогу: {path}")
            )
        src.path = path
    elif isinstance(src, PushSource):
        try:
            src._key = read_secret(src.key_env, _rel(src.key_file, base), env, "source.key")
        except ValueError as exc:
            problems.append(str(exc))
    return problems


GATEWAY_URL_ENV = "VARTA_INGEST_GATEWAY_URL"


def parse_config(raw: Any, env: Mapping[str, str] | None = None, base: Path | None = None) -> IngestConfig:
    """Validate an already-loaded YAML document; raise ConfigError listing every problem.

    ``VARTA_INGEST_GATEWAY_URL`` in the environment overrides ``agent.gateway_url`` (Compose sets it).
    """
    if not isinstance(raw, dict):
        raise ConfigError(
            [
                "config: "
                + _both(
                    "the file must hold a mapping with agent, villages and cameras",
                    "файл має містити словник з agent, villages і cameras",
                )
            ]
        )
    env = os.environ if env is None else env
    if env.get(GATEWAY_URL_ENV) and isinstance(raw.get("agent", {}), dict):
        raw = {**raw, "agent": {**raw.get("agent", {}), "gateway_url": env[GATEWAY_URL_ENV]}}
    try:
        cfg = IngestConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, raw)) from None
    problems = _resolve(cfg, env, base or Path.cwd())
    if problems:
        raise ConfigError(problems)
    return cfg


def load_config(path: str | Path, env: Mapping[str, str] | None = None) -> IngestConfig:
    """Read, validate and resolve secrets of the YAML file at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise ConfigError(
            [f"{path}: " + _both(f"cannot read: {why}", f"не вдалося прочитати: {why}")]
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [
                f"{path}: "
                + _both(
                    f"not UTF-8 text (byte {exc.start}); save the file as UTF-8",
                    f"не є текстом у кодуванні UTF-8 (байт {exc.start}); збережіть файл у UTF-8",
                )
            ]
        ) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            [f"{path}:{where}: " + _both(f"not valid YAML: {problem}", f"некоректний YAML: {problem}")]
        ) from None
    return parse_config(raw, env, path.resolve().parent)
