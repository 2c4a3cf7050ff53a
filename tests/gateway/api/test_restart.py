"""Data survives a restart: keys, cameras, lists, entries, templates, audit chain; no second bootstrap."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gateway.bench import GatewayDriver, frame_headers
from gateway.db.models import PersonPhoto
from gateway.faceindex import FacePoint

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

pytestmark = pytest.mark.slow


def test_everything_survives_a_restart(
    backend: str, harness: Any, tmp_path: Path, lfw_dir: Path, capsys: Any
) -> None:
    with harness.database(backend, tmp_path) as url:
        settings = harness.make_settings(tmp_path, url, bootstrap_admin_key=None)
        with harness.start_gateway(settings) as gw:
            admin = gw.admin_key
            assert admin and admin in capsys.readouterr().out  # printed once, at first start
            police = gw.key("police", "police")
            with gw.client(admin) as c:
                assert c.post("/v1/cameras", json={"id": "gate", "name": "Gate"}).status_code == 201
            with gw.client(police) as c:
                plates = c.post("/v1/watchlists", json={"kind": "plates", "name": "p"}).json()
                c.post(f"/v1/watchlists/{plates['id']}/plates", json={"plate": "AA12??BB"})
                persons = c.post("/v1/watchlists", json={"kind": "persons", "name": "f"}).json()
                entry = c.post(f"/v1/watchlists/{persons['id']}/persons", json={"label": "Rumsfeld"}).json()
                photo = (lfw_dir / "Donald_Rumsfeld" / "Donald_Rumsfeld_0001.jpg").read_bytes()
                r = c.post(
                    f"/v1/watchlists/{persons['id']}/persons/{entry['id']}/photos",
                    files={"file": ("r.jpg", photo)},
                )
                assert r.status_code == 201, r.text
            templates = gw.ctx.face_index.count()

        with harness.start_gateway(settings) as gw2:
            assert gw2.ctx.bootstrap_key is None
            assert "Admin API key" not in capsys.readouterr().out  # never printed again
            hdr = {"X-Purpose": "restart test", "X-Case-Number": "R-1"}
            with gw2.client(police, **hdr) as c:
                assert c.get("/v1/keys/me").json()["role"] == "police"
                lists = {w["name"]: w for w in c.get("/v1/watchlists").json()["data"]}
                assert lists["p"]["entry_count"] == 1 and lists["f"]["entry_count"] == 1
                got = c.get(f"/v1/watchlists/{persons['id']}/entries").json()["persons"][0]
                assert got["label"] == "Rumsfeld" and len(got["photos"]) == 1
            with gw2.client(admin) as c:
                assert c.get("/v1/cameras/gate").json()["name"] == "Gate"
                assert c.get("/v1/audit/verify").json()["ok"] is True
            assert gw2.ctx.face_index.count() == templates == 1
            hits = gw2.ctx.plate_matcher.match("AA1234BB", watchlist_ids={str(plates["id"])})
            assert [h.rule for h in hits] == ["wildcard"]


def test_a_restart_puts_the_face_index_in_step_with_the_enrolled_photos(
    backend: str, harness: Any, tmp_path: Path, lfw_dir: Path
) -> None:
    """Templates whose photo is gone (a delete whose index call failed after the commit, an older database
    restored beside a newer index) leave the index at start-up, and an enrolled photo whose template went
    missing is put back: the person is found again. The index held more templates than photos, so a
    count alone saw nothing to mend."""
    rumsfeld = lfw_dir / "Donald_Rumsfeld"
    with harness.database(backend, tmp_path) as url:
        settings = harness.make_settings(tmp_path, url)
        with harness.start_gateway(settings) as gw:
            police = gw.key("police", "police")
            drv = GatewayDriver(gw.url, gw.admin_key)
            cam_key = drv.camera("door", faces=True, plates=False)
            wl = drv.watchlist(police, "persons", "wanted", camera_ids=["door"])
            entry = drv.person(police, wl, "Rumsfeld")
            enrolled = drv.enrol(police, wl, entry, (rumsfeld / "Donald_Rumsfeld_0001.jpg").read_bytes())
            drv.authorise(police, ["door"])
            drv.close()
            with gw.ctx.sessions() as s:
                photo = s.get(PersonPhoto, enrolled["photos"][0]["id"])
                point, template = photo.point_id, np.asarray(photo.embedding, dtype=np.float32)
            index = gw.ctx.face_index
            index.upsert([FacePoint(str(uuid.uuid4()), template, str(wl), str(entry), "0") for _ in range(3)])
            index.delete([point])
            assert index.count() == 3

        with harness.start_gateway(settings) as gw2:
            assert list(gw2.ctx.face_index.point_ids()) == [point]
            frame = (rumsfeld / "Donald_Rumsfeld_0002.jpg").read_bytes()
            with gw2.client() as c:
                r = c.post("/v1/frames", content=frame, headers=frame_headers("door", cam_key, "f1"))
            assert r.status_code == 200 and r.json()["faces"], r.text
            with gw2.client(police, **{"X-Purpose": "restart test", "X-Case-Number": "R-2"}) as c:
                alerts = c.get("/v1/alerts", params={"camera_id": "door"}).json()["data"]
            assert [(a["kind"], a["entry_id"]) for a in alerts] == [("face", entry)], alerts
