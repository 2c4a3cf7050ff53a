"""Gateway settings: one ``GatewaySettings`` built in ``create_app()`` (env prefix ``VARTA_``)."""

from __future__ import annotations

from ipaddress import ip_address
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values that must never protect a real deployment (refused unless environment == "dev").
WEAK_SECRETS = frozenset(
    {"", "changeme", "change-me", "secret", "password", "postgres", "varta", "admin", "test"}
)
MIN_AUDIT_DAYS = 183  # the law asks for at least six months of search logs


class RetentionSettings(BaseModel):
    """How long each data class is kept before the automatic purge removes it."""

    model_config = ConfigDict(extra="forbid")

    frames_days: int = Field(default=7, ge=1, title="Raw frames", description="full frames and crops (days)")
    reads_without_hit_days: int = Field(
        default=30, ge=1, title="Plate reads without a hit", description="sightings that matched nothing"
    )
    hits_days: int = Field(default=365, ge=1, title="Watchlist hits", description="alerts and their evidence")
    audit_days: int = Field(
        default=365, ge=MIN_AUDIT_DAYS, title="Audit log", description="at least 183 days (six months)"
    )
    reports_days: int = Field(
        default=90, ge=1, title="Resident reports", description="photos and videos residents sent in"
    )
    purge_interval_s: float = Field(default=3600.0, gt=0, description="seconds between automatic purges")


class MatchSettings(BaseModel):
    """Matching thresholds (a watchlist may override the face threshold)."""

    model_config = ConfigDict(extra="forbid")

    plate_fuzzy_threshold: float = Field(
        default=1.0, ge=0.0, le=3.0, description="max confusion-aware edit distance for a fuzzy plate hit"
    )
    plate_fuzzy_enabled: bool = Field(default=True, description="allow fuzzy plate hits at all")
    face_threshold: float = Field(
        default=0.40, gt=0.0, lt=1.0, description="default cosine similarity for a face hit"
    )
    face_top_k: int = Field(default=5, ge=1, le=100, description="templates returned per face search")


class EnrolmentSettings(BaseModel):
    """Quality gate for photos enrolled into a person watchlist."""

    model_config = ConfigDict(extra="forbid")

    min_face_px: float = Field(default=60.0, ge=16, description="minimum face width in pixels")
    min_quality: float = Field(default=0.35, ge=0.0, le=1.0, description="minimum FaceQuality.score")


FinerLook = Literal["off", "when_idle", "on"]
_SWITCH = {"true": "on", "1": "on", "yes": "on", "false": "off", "0": "off", "no": "off"}


class PipelineSettings(BaseModel):
    """The frame pipeline's own bounds."""

    model_config = ConfigDict(extra="forbid")

    face_alert_window_s: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="seconds within which the same person at the same camera raises one face alert, not more",
    )
    max_frames_in_flight: int = Field(
        default=32,
        ge=1,
        le=10_000,
        description="frames in the works at once; past it a camera gets 503 gateway_busy and spools",
    )
    static_text_min_frames: int = Field(
        default=10,
        ge=0,
        le=100_000,
        description="a text read this many times at one place of a camera's picture is static (0: off)",
    )
    static_text_min_span_s: float = Field(
        default=120.0, ge=0, le=86_400, description="... and over at least this many seconds of capture time"
    )
    static_text_forget_s: float = Field(
        default=600.0, gt=0, le=86_400, description="static text not read for this long is forgotten"
    )
    # a second detector run on every frame with no plate read (most motion frames) halves what two cores
    # carry, so by default only while the recognizers have time to spare (gateway.pipeline.load)
    plates_finer_look: FinerLook = Field(
        default="when_idle",
        description="a camera frame with no plate found is detected again at a finer scale (the plate "
        "recognizer's finer_look_scale); it reads small plates better and costs a second detector run "
        "on every such frame: on, off, or when_idle (while the recognizers were busy less than half "
        "of the last 10 s); true and false mean on and off",
    )

    @field_validator("plates_finer_look", mode="before")
    @classmethod
    def _finer_look_switch(cls, value: object) -> object:
        """``true`` / ``false`` (the setting's earlier form) mean ``on`` / ``off``."""
        if isinstance(value, bool):
            return "on" if value else "off"
        if isinstance(value, str):
            word = value.strip().lower()
            return _SWITCH.get(word, word)
        return value

    keep_letters_only_reads: bool = Field(
        default=False,
        description="store a read of letters only and of no Ukrainian format (a lorry's SCANIA, a van's "
        "brand) as a sighting even when it matches nothing; off: such text is matched against the "
        "watchlists and stored only on a hit",
    )


FORM_OVERHEAD_BYTES = 64 * 1024  # multipart boundaries, part headers and short text fields


class UploadLimits(BaseModel):
    """Byte, row and member caps for everything a client uploads."""

    model_config = ConfigDict(extra="forbid")

    max_frame_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    max_photo_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    max_csv_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    max_csv_rows: int = Field(default=100_000, ge=1)
    max_zip_bytes: int = Field(default=200 * 1024 * 1024, ge=1024)
    max_zip_members: int = Field(default=2000, ge=1)
    max_zip_uncompressed_bytes: int = Field(default=1024 * 1024 * 1024, ge=1024)
    max_zip_ratio: float = Field(default=100.0, ge=1.0, description="max uncompressed/compressed per member")
    max_preview_bytes: int = Field(default=1024 * 1024, ge=1024, description="one live-view preview JPEG")
    max_report_photo_bytes: int = Field(default=15 * 1024 * 1024, ge=1024, description="resident photo")
    max_report_video_bytes: int = Field(default=100 * 1024 * 1024, ge=1024, description="resident video")
    max_report_video_s: float = Field(default=120.0, gt=0, description="longest resident video (seconds)")
    # the child that opens a video: OpenCV alone takes about 280 MiB of address space, a 4K frame
    # and its BGR copy about 40 MiB; a frame larger than the video declares is what this cap stops
    max_report_decode_bytes: int = Field(
        default=1536 * 1024 * 1024,
        ge=384 * 1024 * 1024,
        description="address space of the child process that opens a resident video (RLIMIT_AS)",
    )
    max_report_decode_s: float = Field(
        default=60.0, gt=0, le=3600, description="time the child process that opens a resident video may take"
    )
    max_report_probes: int = Field(
        default=1,
        ge=1,
        le=16,
        description="resident videos opened at once (each child may take max_report_decode_bytes)",
    )
    max_reports_per_day: int = Field(default=20, ge=1, description="reports per resident key in 24 h")
    body_timeout_s: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="longest wait for the body of a frame or a live-view preview once its camera key is "
        "checked; a slower client gets 408 body_timeout (a stalled upload must not hold the gateway)",
    )

    @property
    def max_request_bytes(self) -> int:
        """Any request body: the largest upload limit and room for a form's boundaries and text fields."""
        files = (
            self.max_frame_bytes,
            self.max_photo_bytes,
            self.max_csv_bytes,
            self.max_zip_bytes,
            self.max_preview_bytes,
            self.max_report_photo_bytes,
            self.max_report_video_bytes,
        )
        return max(files) + FORM_OVERHEAD_BYTES


class GatewaySettings(BaseSettings):
    """Everything the gateway reads from the environment (``VARTA_*``; nested with ``__``)."""

    model_config = SettingsConfigDict(env_prefix="VARTA_", env_nested_delimiter="__", extra="forbid")

    environment: Literal["dev", "prod"] = Field(
        default="prod", description="'dev' allows weak secrets and plain-HTTP remote services"
    )
    data_dir: Path = Field(default=Path("./data"), description="SQLite, photos, evidence, embedded Qdrant")
    database_url: str | None = Field(default=None, description="default sqlite:///<data_dir>/varta.db")
    qdrant_url: str | None = Field(
        default=None, description="None = embedded Qdrant Edge in <data_dir>/faces"
    )
    qdrant_api_key: SecretStr | None = None
    qdrant_replication_factor: int = Field(
        default=1,
        ge=1,
        le=16,
        description="copies of each shard of the face collection on a Qdrant cluster (server mode only; "
        "set when the gateway creates the collection). 2 on 3 peers: one peer may fail",
    )
    qdrant_shard_number: int | None = Field(
        default=None, ge=1, le=64, description="shards of the face collection; None = Qdrant's default"
    )
    qdrant_write_consistency_factor: int | None = Field(
        default=None,
        ge=1,
        le=16,
        description="replicas that must confirm a write; None = Qdrant's default (1); at most the "
        "replication factor",
    )
    plates_url: str | None = Field(default=None, description="plate recognizer service; None = in-process")
    faces_url: str | None = Field(default=None, description="face recognizer service; None = in-process")
    recognizer_timeout_s: float = Field(default=5.0, gt=0)
    inprocess_threads: int = Field(
        default=1,
        ge=1,
        le=64,
        description=(
            "inference threads per model when the recognizers run inside the gateway process. One "
            "thread per model and as many frames in parallel as cores gives the most frames per second "
            "(measured on 2 cores: p95 frame-to-alert 579 ms with 1 thread vs 649 ms with 2). A model's "
            "own VARTA_PLATES__THREADS / VARTA_FACES__THREADS wins when set."
        ),
    )
    face_embedding_dim: int = Field(
        default=128, ge=16, le=4096, description="template size when faces run remotely (SFace: 128)"
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    evidence_dir: Path | None = Field(default=None, description="default <data_dir>/evidence")
    photos_dir: Path | None = Field(default=None, description="enrolled photos; default <data_dir>/photos")
    bootstrap_admin_key: SecretStr | None = Field(
        default=None, description="use this admin key at first start instead of generating one"
    )
    preview_max_age_s: float = Field(
        default=30.0, gt=0, le=3600, description="a camera's live preview older than this is not shown"
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="when set, GET /metrics asks for 'Authorization: Bearer <token>' (Prometheus "
        "'authorization: credentials'); unset, /metrics is open (the loopback one-process default)",
    )
    auto_migrate: bool = Field(default=True, description="run 'alembic upgrade head' at start")
    load_recognizers: bool = Field(default=True, description="build recognizer clients at start")
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    match: MatchSettings = Field(default_factory=MatchSettings)
    enrolment: EnrolmentSettings = Field(default_factory=EnrolmentSettings)
    limits: UploadLimits = Field(default_factory=UploadLimits)
    pipeline: PipelineSettings = Field(default_factory=PipelineSettings)

    @model_validator(mode="after")
    def _fill_paths_and_check_secrets(self) -> GatewaySettings:
        self.data_dir = Path(self.data_dir)
        if self.database_url is None:
            self.database_url = f"sqlite:///{(self.data_dir / 'varta.db').as_posix()}"
        if self.evidence_dir is None:
            self.evidence_dir = self.data_dir / "evidence"
        if self.photos_dir is None:
            self.photos_dir = self.data_dir / "photos"
        wcf = self.qdrant_write_consistency_factor
        if wcf is not None and wcf > self.qdrant_replication_factor:
            raise ValueError(
                "VARTA_QDRANT_WRITE_CONSISTENCY_FACTOR cannot exceed VARTA_QDRANT_REPLICATION_FACTOR"
            )
        if self.environment != "dev":
            _check_secrets(self)
        return self

    @property
    def db_url(self) -> str:
        assert self.database_url is not None
        return self.database_url

    @property
    def faces_dir(self) -> Path:
        return self.data_dir / "faces"

    @property
    def photo_root(self) -> Path:
        assert self.photos_dir is not None
        return self.photos_dir

    @property
    def evidence_root(self) -> Path:
        assert self.evidence_dir is not None
        return self.evidence_dir

    @property
    def reports_root(self) -> Path:
        """Photos and videos residents sent in: ``<data_dir>/reports/YYYY/MM/<id>.<ext>``."""
        return self.data_dir / "reports"


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _check_secrets(s: GatewaySettings) -> None:
    """Outside dev: no weak passwords, no remote services without credentials."""
    password = urlsplit(s.db_url).password
    if password is not None and password.lower() in WEAK_SECRETS:
        raise ValueError("VARTA_DATABASE_URL carries a default/weak password; set a real one")
    if s.qdrant_api_key is not None and s.qdrant_api_key.get_secret_value().lower() in WEAK_SECRETS:
        raise ValueError("VARTA_QDRANT_API_KEY is a default/weak value; set a real one")
    if s.qdrant_url and not _is_loopback(s.qdrant_url) and s.qdrant_api_key is None:
        raise ValueError("VARTA_QDRANT_API_KEY is required for a non-loopback VARTA_QDRANT_URL")
    if s.metrics_token is not None and len(s.metrics_token.get_secret_value()) < 16:
        raise ValueError("VARTA_METRICS_TOKEN must be at least 16 random characters")
    if s.bootstrap_admin_key is not None:
        key = s.bootstrap_admin_key.get_secret_value()
        if not key.startswith("vk_") or len(key) < 35:
            raise ValueError("VARTA_BOOTSTRAP_ADMIN_KEY must look like vk_<at least 32 random characters>")
