"""Services that run beside the gateway (the camera ingest agent)."""
