"""Templates left in the face index after their photos were deleted (the index away at the time) must not
hide a person's remaining photo from a search, over real HTTP on a gateway of its own (the shared
gateways' police lists hold the other test people's photos, which would match here too)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gateway.bench import GatewayDriver, frame_headers
from gateway.db.models import PersonPhoto
from gateway.faceindex import FacePoint

pytestmark = pytest.mark.slow


@pytest.fixture
def own(backend: str, harness: Any, tmp_path: Path) -> Iterator[tuple[Any, GatewayDriver]]:
    """A gateway of its own and its admin's driver."""
    with (
        harness.database(backend, tmp_path) as url,
        harness.start_gateway(harness.make_settings(tmp_path, url)) as gw,
    ):
        drv = GatewayDriver(gw.url, gw.admin_key)
        try:
            yield gw, drv
        finally:
            drv.close()


def test_more_left_over_templates_than_a_search_returns_do_not_hide_the_person(
    own: tuple[Any, GatewayDriver], lfw_dir: Path
) -> None:
    gw, drv = own
    rumsfeld = [(lfw_dir / "Donald_Rumsfeld" / f"Donald_Rumsfeld_{n:04d}.jpg").read_bytes() for n in (1, 2)]
    police = gw.key("police", "police")
    cam_key = drv.camera("door", faces=True, plates=False)
    wl = drv.watchlist(police, "persons", "wanted", camera_ids=["door"])
    entry = drv.person(police, wl, "Rumsfeld")
    photos = [drv.enrol(police, wl, entry, photo)["photos"][-1]["id"] for photo in rumsfeld]
    drv.authorise(police, ["door"])
    with gw.ctx.sessions() as s:
        first = np.asarray(s.get(PersonPhoto, photos[0]).embedding, dtype=np.float32)
    # the first photo's template, as if the photo had been deleted this many times while the index was
    # away: each copy scores 1.0 against that very picture, the second photo less
    left = gw.settings.match.face_top_k
    gw.ctx.face_index.upsert(
        [FacePoint(str(uuid.uuid4()), first, str(wl), str(entry), str(photos[0])) for _ in range(left)]
    )
    with gw.client(police) as c:
        path = f"/v1/watchlists/{wl}/persons/{entry}/photos/{photos[0]}"
        assert c.delete(path).status_code == 204  # its own template leaves the index with it

    r = drv.http.post("/v1/frames", content=rumsfeld[0], headers=frame_headers("door", cam_key, "f1"))
    assert r.status_code == 200 and r.json()["faces"], r.text
    with gw.client(police, **{"X-Purpose": "left-over templates", "X-Case-Number": "L-1"}) as c:
        alerts = c.get("/v1/alerts", params={"camera_id": "door"}).json()["data"]
        assert [(a["kind"], a["entry_id"]) for a in alerts] == [("face", entry)], alerts
        enrolled = c.get(f"/v1/alerts/{alerts[0]['id']}/evidence/enrolled.jpg")
    assert enrolled.status_code == 200 and enrolled.content == rumsfeld[1]
