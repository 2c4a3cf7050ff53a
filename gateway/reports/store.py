"""Report files: ``<data_dir>/reports/YYYY/MM/<report id>.<ext>``, written like evidence (atomically)."""

from __future__ import annotations

from datetime import datetime

from gateway.evidence import EvidenceStore


class ReportStore(EvidenceStore):
    """The evidence store's atomic write, safe resolve and removal, with the reports' own layout."""

    @staticmethod
    def rel_path(created_at: datetime, report_id: str, ext: str) -> str:
        return f"{created_at:%Y/%m}/{report_id}.{ext}"

    def write_file(self, rel_path: str, data: bytes) -> None:
        """Temporary name, fsync, rename: a reader never sees half a file."""
        path = self.resolve(rel_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._atomic_write(path, data)
