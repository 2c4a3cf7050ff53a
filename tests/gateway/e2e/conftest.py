"""End to end over real HTTP: a real gateway process (real models in-process, Qdrant Edge, SQLite)."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gateway.bench import GatewayDriver, GatewayProcess, shared_data

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


def build_site(proc: GatewayProcess) -> Site:
    drv = GatewayDriver(proc.url, proc.admin_key)
    site = Site(proc, drv)
    site.keys["cam-a"] = drv.camera("cam-a")  # face matching authorised
    site.keys["cam-b"] = drv.camera("cam-b")  # faces detected only
    site.keys["council"] = drv.org_key("council", "council", "operator")
    site.keys["police"] = drv.org_key("police", "police", "officer 1")
    site.keys["police2"] = drv.org_key("police", "police", "officer 2")
    plates = drv.watchlist(site.keys["council"], "plates", "stolen")
    site.ids["plates"] = plates
    site.ids["KA7781CT"] = drv.plate(site.keys["council"], plates, "KA 7781 CT")
    # typed with a digit zero where the plate has the letter O: only fuzzy matching finds it
    site.ids["AA1234B0"] = drv.plate(site.keys["council"], plates, "AA1234B0")
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


@pytest.fixture(scope="package")
def site(site_dir: Path) -> Iterator[Site]:
    need_shared_data()
    proc = GatewayProcess(site_dir).start()
    s = build_site(proc)
    yield s
    s.drv.close()
    proc.stop()


def render_ua_frame(text: str) -> bytes:
    """A 1280x720 frame with a Ukrainian-style plate (blue UA band, black text) on a car-grey body."""
    from PIL import Image, ImageDraw, ImageFont

    from recognizers.common.image import encode_jpeg

    font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"
    img = Image.new("RGB", (1280, 720), (88, 92, 96))
    draw = ImageDraw.Draw(img)
    draw.rectangle((360, 300, 920, 560), fill=(40, 44, 52))  # the car's rear
    x, y, w, h = 440, 440, 400, 84
    draw.rectangle((x - 3, y - 3, x + w + 3, y + h + 3), fill=(20, 20, 20))
    draw.rectangle((x, y, x + w, y + h), fill=(245, 245, 245))
    draw.rectangle((x, y, x + 36, y + h), fill=(0, 70, 170))
    draw.text((x + 8, y + 44), "UA", font=ImageFont.truetype(font_path, 16), fill=(250, 220, 0))
    shown = f"{text[:2]} {text[2:6]} {text[6:]}"
    size = 64
    while draw.textlength(shown, font=ImageFont.truetype(font_path, size)) > w - 60:
        size -= 2
    draw.text((x + 48, y + 8), shown, font=ImageFont.truetype(font_path, size), fill=(10, 10, 10))
    bgr = np.asarray(img)[:, :, ::-1].copy()
    return encode_jpeg(bgr, 90)


@pytest.fixture(scope="session")
def ua_frame() -> Any:
    try:  # the project's own renderer, with its fonts and plate geometry, when present
        from recognizers.synth import render_frame  # type: ignore[attr-defined]
    except ImportError:
        return render_ua_frame
    return render_frame


@pytest.fixture(name="lfw", scope="session")
def lfw_fixture() -> Any:
    return lfw


@pytest.fixture(name="jpeg_claiming", scope="session")
def jpeg_claiming_fixture() -> Any:
    return jpeg_claiming
