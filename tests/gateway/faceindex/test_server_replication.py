"""The face collection on a Qdrant server gets the replication settings (no server needed: a fake client)."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest
from pydantic import ValidationError

from gateway.config import GatewaySettings
from gateway.faceindex import FaceIndexError, make_face_index
from gateway.faceindex import server as server_mod
from gateway.faceindex.server import QdrantServerFaceIndex


class FakeClient:
    """Records what QdrantServerFaceIndex asks of qdrant-client."""

    peers: ClassVar[int] = 3
    last: ClassVar[FakeClient]
    existing: ClassVar[dict[str, Any]] = {}

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.created: list[tuple[str, dict[str, Any]]] = []
        FakeClient.last = self

    def collection_exists(self, name: str) -> bool:
        return name in self.existing

    def get_collection(self, name: str) -> Any:
        return SimpleNamespace(config=SimpleNamespace(params=self.existing[name]))

    def cluster_status(self) -> Any:
        return SimpleNamespace(status="enabled", peers={i: object() for i in range(self.peers)})

    def create_collection(self, name: str, **kwargs: Any) -> bool:
        self.created.append((name, kwargs))
        return True

    def create_payload_index(self, *args: Any, **kwargs: Any) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> type[FakeClient]:
    monkeypatch.setattr(server_mod, "QdrantClient", FakeClient)
    monkeypatch.setattr(FakeClient, "peers", 3)
    monkeypatch.setattr(FakeClient, "existing", {})
    return FakeClient


def _settings(tmp_path: Path, **extra: Any) -> GatewaySettings:
    return GatewaySettings(
        data_dir=tmp_path, qdrant_url="http://qdrant:6333", qdrant_api_key="a-real-qdrant-key-1234", **extra
    )


def test_settings_default_to_one_copy_and_qdrant_defaults(tmp_path: Path) -> None:
    s = GatewaySettings(data_dir=tmp_path)
    assert s.qdrant_replication_factor == 1
    assert s.qdrant_shard_number is None and s.qdrant_write_consistency_factor is None


def test_settings_read_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VARTA_QDRANT_REPLICATION_FACTOR", "2")
    monkeypatch.setenv("VARTA_QDRANT_SHARD_NUMBER", "6")
    monkeypatch.setenv("VARTA_QDRANT_WRITE_CONSISTENCY_FACTOR", "1")
    s = GatewaySettings(data_dir=tmp_path)
    got = (s.qdrant_replication_factor, s.qdrant_shard_number, s.qdrant_write_consistency_factor)
    assert got == (2, 6, 1)


def test_write_consistency_cannot_exceed_replication(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="WRITE_CONSISTENCY"):
        GatewaySettings(data_dir=tmp_path, qdrant_replication_factor=2, qdrant_write_consistency_factor=3)


def test_collection_is_created_with_the_replication_settings(tmp_path: Path, fake: type[FakeClient]) -> None:
    settings = _settings(
        tmp_path, qdrant_replication_factor=2, qdrant_shard_number=6, qdrant_write_consistency_factor=1
    )
    index = make_face_index(settings)
    assert isinstance(index, QdrantServerFaceIndex)
    ((name, kwargs),) = fake.last.created
    assert name == "faces"
    assert kwargs["replication_factor"] == 2
    assert kwargs["shard_number"] == 6
    assert kwargs["write_consistency_factor"] == 1
    assert kwargs["vectors_config"].size == 128
    assert fake.last.kwargs["api_key"] == "a-real-qdrant-key-1234"


def test_defaults_create_one_copy(tmp_path: Path, fake: type[FakeClient]) -> None:
    make_face_index(_settings(tmp_path))
    ((_, kwargs),) = fake.last.created
    assert kwargs["replication_factor"] == 1
    assert kwargs["shard_number"] is None and kwargs["write_consistency_factor"] is None


def test_too_few_peers_refuses_to_create(tmp_path: Path, fake: type[FakeClient]) -> None:
    fake.peers = 1  # the gateway started before the other Qdrant peers joined
    with pytest.raises(FaceIndexError, match="1 cluster peer"):
        make_face_index(_settings(tmp_path, qdrant_replication_factor=2))
    assert fake.last.created == []


def test_existing_collection_with_fewer_copies_is_reported(
    tmp_path: Path, fake: type[FakeClient], caplog: pytest.LogCaptureFixture
) -> None:
    fake.existing = {"faces": SimpleNamespace(vectors=SimpleNamespace(size=128), replication_factor=1)}
    with caplog.at_level(logging.WARNING, logger="gateway.faceindex.server"):
        make_face_index(_settings(tmp_path, qdrant_replication_factor=2))
    assert fake.last.created == []
    assert "replication factor 1" in caplog.text


def test_local_mode_ignores_replication(tmp_path: Path) -> None:
    index = QdrantServerFaceIndex(location=":memory:", replication_factor=2, shard_number=3)
    try:
        assert index.count() == 0
    finally:
        index.close()
