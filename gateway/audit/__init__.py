"""Append-only, hash-chained audit log of every query, match, upload and change."""

from gateway.audit.chain import ChainReport, row_digest, verify_chain
from gateway.audit.log import AuditContext, AuditWriter

__all__ = ["AuditContext", "AuditWriter", "ChainReport", "row_digest", "verify_chain"]
