"""Evidence files (full frame and crops) for frames that produced a sighting."""

from gateway.evidence.store import EvidenceError, EvidenceFile, EvidenceStore

__all__ = ["EvidenceError", "EvidenceFile", "EvidenceStore"]
