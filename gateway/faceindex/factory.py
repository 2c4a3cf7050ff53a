"""Pick the face index backend from the gateway settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from gateway.faceindex.base import FaceIndex


class _Settings(Protocol):
    qdrant_url: str | None
    qdrant_api_key: Any  # SecretStr | None
    data_dir: Path


def make_face_index(
    settings: _Settings, dim: int = 128, *, collection: str = "faces", warm_up: bool = True
) -> FaceIndex:
    """A Qdrant server when ``settings.qdrant_url`` is set, else Qdrant Edge in ``<data_dir>/faces``.

    On a server the collection is created with ``qdrant_replication_factor`` copies of each of
    ``qdrant_shard_number`` shards; the embedded Qdrant Edge has neither.

    ``dim`` is the face model's embedding size (``FaceRecognizer.embedding_dim``: 128 for SFace).
    """
    url = getattr(settings, "qdrant_url", None)
    if url:
        from gateway.faceindex.server import QdrantServerFaceIndex

        key: Any = getattr(settings, "qdrant_api_key", None)
        secret = key.get_secret_value() if hasattr(key, "get_secret_value") else key
        return QdrantServerFaceIndex(
            url=url,
            collection=collection,
            dim=dim,
            api_key=secret,
            replication_factor=int(getattr(settings, "qdrant_replication_factor", 1) or 1),
            shard_number=getattr(settings, "qdrant_shard_number", None),
            write_consistency_factor=getattr(settings, "qdrant_write_consistency_factor", None),
        )
    from gateway.faceindex.edge import EdgeFaceIndex

    path = getattr(settings, "faces_dir", None) or Path(settings.data_dir) / "faces"
    return EdgeFaceIndex(Path(path) / collection, dim, warm_up=warm_up)
