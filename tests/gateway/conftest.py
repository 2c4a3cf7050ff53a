"""Real gateways for API tests: uvicorn on a free loopback port, SQLite and PostgreSQL backends.

``start_gateway(settings)`` runs ``create_app(settings)`` in a thread (lifespan included: migrations,
bootstrap, real in-process recognizers, embedded Qdrant Edge) and stops it on exit. The session
fixture ``gateway`` is parametrised over both databases; PostgreSQL gets a throw-away database.
"""

from __future__ import annotations

import os
import secrets
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from gateway.bench import GatewayDriver
from gateway.config import GatewaySettings
from gateway.db.models import PersonPhoto
from gateway.main import create_app

sys.path.insert(0, str(Path(__file__).parent / "reports"))  # media_helpers: hand-built videos

PG_ADMIN_URL = os.environ.get("VARTA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def shared_data() -> Path:
    return Path(os.environ.get("VARTA_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningGateway:
    url: str
    admin_key: str
    settings: GatewaySettings
    app: Any
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def ctx(self) -> Any:
        return self.app.state.ctx

    def client(self, key: str | None = None, **headers: str) -> httpx.Client:
        h = dict(headers)
        if key:
            h["Authorization"] = f"Bearer {key}"
        return httpx.Client(base_url=self.url, headers=h, timeout=60)

    def key(self, role: str, org: str | None = None) -> str:
        """A (cached) key of that role and organisation, made through the API by the admin."""
        name = f"{role}:{org}"
        if name not in self.keys:
            with self.client(self.admin_key) as c:
                r = c.post("/v1/keys", json={"role": role, "organisation": org, "name": name})
                assert r.status_code == 201, r.text
                self.keys[name] = r.json()["key"]
        return self.keys[name]


@contextmanager
def start_gateway(settings: GatewaySettings, startup_timeout: float = 120.0) -> Iterator[RunningGateway]:
    app = create_app(settings)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("gateway failed to start (see log above)")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise TimeoutError("gateway did not start in time")
        time.sleep(0.05)
    key = settings.bootstrap_admin_key.get_secret_value() if settings.bootstrap_admin_key else ""
    try:
        yield RunningGateway(f"http://127.0.0.1:{port}", key or app.state.ctx.bootstrap_key, settings, app)
    finally:
        server.should_exit = True
        thread.join(timeout=60)


@contextmanager
def pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for one gateway; dropped afterwards."""
    from sqlalchemy import create_engine

    name = f"varta_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # the local server is part of CI; say clearly when it is missing
        admin.dispose()
        pytest.skip(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def database(backend: str, data_dir: Path) -> Iterator[str]:
    if backend == "postgres":
        with pg_database() as url:
            yield url
    else:
        yield f"sqlite:///{data_dir / 'varta.db'}"


def make_settings(data_dir: Path, db_url: str, **extra: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "environment": "dev",
        "data_dir": data_dir,
        "database_url": db_url,
        "bootstrap_admin_key": "vk_" + secrets.token_urlsafe(32),
        "retention": {"purge_interval_s": 3600},
    }
    return GatewaySettings(**(values | extra))


def photo_row(entry_id: int, watchlist_id: int, path: str, embedding: list[float] | None) -> PersonPhoto:
    """An enrolled photo's row with a new point id (the file and its measures are stand-ins)."""
    return PersonPhoto(
        entry_id=entry_id,
        watchlist_id=watchlist_id,
        path=path,
        sha256="0" * 64,
        width=100,
        height=100,
        quality=0.9,
        face_size_px=80,
        point_id=str(uuid.uuid4()),
        embedding=embedding,
    )


class Harness:
    """For tests that need their own gateway (restarts): the same pieces the session fixture uses, and
    the rows of tests that write the database themselves."""

    database = staticmethod(database)
    make_settings = staticmethod(make_settings)
    start_gateway = staticmethod(start_gateway)
    photo_row = staticmethod(photo_row)


@pytest.fixture(scope="session")
def harness() -> type[Harness]:
    return Harness


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def gateway(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    """One running gateway per database backend, shared by the API tests (each makes its own lists)."""
    data_dir = tmp_path_factory.mktemp(f"gw-{backend}")
    with database(backend, data_dir) as url, start_gateway(make_settings(data_dir, url)) as gw:
        yield gw


@pytest.fixture
def drv(gateway: Any) -> Iterator[GatewayDriver]:
    """The bench's driver of the running gateway, as its admin."""
    d = GatewayDriver(gateway.url, gateway.admin_key)
    yield d
    d.close()


@pytest.fixture(scope="session")
def lfw_dir() -> Path:
    path = shared_data() / "faces_lfw_5people" / "images"
    if not path.is_dir():
        pytest.skip(f"shared test data missing: {path} (set VARTA_SHARED_DATA)")
    return path
