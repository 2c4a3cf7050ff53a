"""Varta camera ingest agent: pulls frames from cameras and feeds the gateway.

Pipeline per camera (one thread each)::

    source (rtsp | http_snapshot | ezviz_cloud | file | folder | push)
      -> fps limit -> privacy masks blacked out -> region of interest crop
      -> motion gating (MOG2 background subtraction inside the region)
      -> JPEG encode -> delivery (direct POST while the link is healthy, else the on-disk spool)

Nothing that leaves the agent has seen an unmasked pixel: masks are applied to the decoded frame
before motion analysis and before JPEG encoding.

Vehicle / person pass grouping (one car -> one sighting, per-character vote over consecutive
reads) lives in the **gateway**, not here. Decision agreed with the gateway team: the gateway holds
the OCR reads and their confidences, so only it can vote per character; the agent stays OCR-free,
light enough for a small box in a village, and only sends motion-gated frames (a pass typically
yields a short burst of frames, which the gateway groups by camera and time).

Modules are small and import nothing heavy at import time; see ``cli.main`` for the entry point.
"""
