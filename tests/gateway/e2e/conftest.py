"""End to end over real HTTP: a real gateway process (real models in-process, Qdrant Edge, SQLite)."""

from __future__ import annotations

import signal
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.bench import GatewayDriver, GatewayProcess, free_port, shared_data

DATA = shared_data()
LFW = DATA / "faces_lfw_5people" / "images"


def lfw(name: str, n: int) -> bytes:
    return (LFW / name / f"{name}_{n:04d}.jpg").read_bytes()


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header is patched to claim ``width`` x ``height`` (a pixel bomb)."""
    data = bytearray(lfw("Colin_Powell", 1))
    i = data.index(b"\xff\xc0")
    data[i + 5 : i + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@dataclass
class Site:
    """A running gateway set up like a small community: two cameras, a plate list, a person list."""

    proc: GatewayProcess
    drv: GatewayDriver
    keys: dict[str, str] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)
    db_url: str = ""
    env: dict[str, str] = field(default_factory=dict)

    def _engine(self) -> Any:
        from sqlalchemy import create_engine

        return create_engine(self.db_url.replace("postgresql://", "postgresql+psycopg://", 1))

    def count(self, table: str) -> int:
        from sqlalchemy import text

        engine = self._engine()
        try:
            with engine.connect() as conn:
                return int(conn.execute(text(f"select count(*) from {table}")).scalar_one())
        finally:
            engine.dispose()

    def dump(self) -> str:
        """Every row of every table, as text."""
        import gateway.db.events
        import gateway.db.models  # noqa: F401
        from gateway.db.base import Base

        engine = self._engine()
        try:
            with engine.connect() as conn:
                return "\n".join(
                    str(row) for table in Base.metadata.sorted_tables for row in conn.execute(table.select())
                )
        finally:
            engine.dispose()


def build_site(proc: GatewayProcess, ua: UaPlates) -> Site:
    drv = GatewayDriver(proc.url, proc.admin_key)
    site = Site(proc, drv)
    site.keys["cam-a"] = drv.camera("cam-a")  # face matching authorised
    site.keys["cam-b"] = drv.camera("cam-b")  # faces detected only
    site.keys["council"] = drv.org_key("council", "council", "operator")
    site.keys["police"] = drv.org_key("police", "police", "officer 1")
    site.keys["police2"] = drv.org_key("police", "police", "officer 2")
    plates = drv.watchlist(site.keys["council"], "plates", "stolen")
    site.ids["plates"] = plates
    site.ids["exact"] = drv.plate(site.keys["council"], plates, ua.exact_text)
    # typed with a digit where the plate has a letter (O/0, B/8, I/1): only fuzzy matching finds it
    site.ids["fuzzy"] = drv.plate(site.keys["council"], plates, ua.fuzzy_entry)
    persons = drv.watchlist(site.keys["police"], "persons", "wanted")
    site.ids["persons"] = persons
    entry = drv.person(site.keys["police"], persons, "Colin Powell")
    for n in (1, 2, 3):
        drv.enrol(site.keys["police"], persons, entry, lfw("Colin_Powell", n))
    site.ids["colin"] = entry
    drv.authorise(site.keys["police"], ["cam-a"])
    return site


def need_shared_data() -> None:
    if not LFW.is_dir():
        pytest.skip(f"shared data absent at {DATA} (set VARTA_SHARED_DATA)")


@pytest.fixture(scope="package")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("site")


@contextmanager
def recognizer_services() -> Iterator[dict[str, str]]:
    """The plate and face recognizers as their own HTTP services (as in Compose)."""
    procs: list[subprocess.Popen[bytes]] = []
    urls: dict[str, str] = {}
    varta = str(Path(sys.executable).with_name("varta"))
    try:
        for kind in ("plates", "faces"):
            port = free_port()
            cmd = [varta, "recognizer", "serve", kind, "--port", str(port), "--log-level", "warning"]
            procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            urls[kind] = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        for url in urls.values():
            while not _ready(url):
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    raise RuntimeError("recognizer services did not start")
                time.sleep(0.3)
        yield urls
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(30)


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readiness", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


SITES = [
    "sqlite",  # the one-process default: recognizers in-process, SQLite
    pytest.param("postgres", marks=pytest.mark.postgres),
    "http",  # recognizers as separate services (HttpRecognizers), SQLite
]


@pytest.fixture(scope="package", params=SITES)
def site(request: pytest.FixtureRequest, site_dir: Path, ua: UaPlates, harness: Any) -> Iterator[Site]:
    """The same community scenario on every backend combination."""
    need_shared_data()
    kind = str(request.param)
    data_dir = site_dir / kind
    with ExitStack() as stack:
        url = stack.enter_context(harness.database("postgres" if kind == "postgres" else "sqlite", data_dir))
        env = {"VARTA_DATABASE_URL": url}
        if kind == "http":
            urls = stack.enter_context(recognizer_services())
            env |= {"VARTA_PLATES_URL": urls["plates"], "VARTA_FACES_URL": urls["faces"]}
        proc = GatewayProcess(data_dir, env=env).start()
        s = build_site(proc, ua)
        s.db_url, s.env = url, env
        try:
            yield s
        finally:
            s.drv.close()
            s.proc.stop()


TWINS = {"O": "0", "B": "8", "I": "1"}


@dataclass(frozen=True)
class UaPlates:
    """Two Ukrainian plates rendered by the project's renderer (recognizers.synth), as JPEG frames."""

    exact_text: str
    exact_jpeg: bytes
    fuzzy_text: str  # what the plate shows
    fuzzy_entry: str  # what the operator typed: one letter as its digit twin (O->0, B->8, I->1)
    fuzzy_jpeg: bytes


def _confused(text: str) -> str:
    for i, ch in enumerate(text):
        if ch in TWINS:
            return text[:i] + TWINS[ch] + text[i + 1 :]
    raise ValueError(f"{text} has no confusable letter")


def render_ua_plates(exact_seed: int = 9, fuzzy_seed: int = 7) -> UaPlates:
    from recognizers.common.image import encode_jpeg
    from recognizers.synth import render_plate

    a = render_plate(exact_seed, layout="current", height_range=(50, 90))
    b = render_plate(fuzzy_seed, layout="current", height_range=(50, 90))
    return UaPlates(
        a.text, encode_jpeg(a.image_bgr, 90), b.text, _confused(b.text), encode_jpeg(b.image_bgr, 90)
    )


@pytest.fixture(scope="package")
def ua() -> UaPlates:
    return render_ua_plates()


@pytest.fixture(name="lfw", scope="session")
def lfw_fixture() -> Any:
    return lfw


@pytest.fixture(name="jpeg_claiming", scope="session")
def jpeg_claiming_fixture() -> Any:
    return jpeg_claiming
