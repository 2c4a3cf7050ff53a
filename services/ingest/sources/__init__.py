"""Frame sources: rtsp, http_snapshot, ezviz_cloud, file, folder, push. See ``build_source``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.ingest.config import Camera, IngestConfig
    from services.ingest.metrics import CameraHealth, IngestMetrics
    from services.ingest.sources.base import Source


def build_source(
    cam: Camera, cfg: IngestConfig, health: CameraHealth, metrics: IngestMetrics, shared: dict[str, Any]
) -> Source:
    """Create the source object for a camera (imports only the module that type needs).

    ``shared`` holds objects several cameras share (one EZVIZ client, hence one token, per account).
    """
    from services.ingest import config as c

    src = cam.source
    if isinstance(src, c.RtspSource):
        from services.ingest.sources.rtsp import RtspReader

        return RtspReader(cam.id, src, health, metrics)
    if isinstance(src, c.HttpSnapshotSource):
        from services.ingest.sources.http_snapshot import HttpSnapshotReader

        return HttpSnapshotReader(cam.id, src, health)
    if isinstance(src, c.EzvizCloudSource):
        from services.ingest.sources.ezviz import EzvizClient, EzvizSnapshotReader

        account = cfg.ezviz_account(src.account)
        assert account is not None
        client = shared.setdefault(f"ezviz:{account.name}", None) or EzvizClient(account)
        shared[f"ezviz:{account.name}"] = client
        return EzvizSnapshotReader(cam.id, src, client, health)
    if isinstance(src, c.FileSource):
        from services.ingest.sources.file import VideoFileReader

        return VideoFileReader(src, health)
    if isinstance(src, c.FolderSource):
        from services.ingest.sources.file import ImageFolderReader

        return ImageFolderReader(src, cam.fps, health)
    from services.ingest.sources.push import PushReceiver

    return PushReceiver(cam.id, src, health)
