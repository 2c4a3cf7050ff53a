"""Prior authorisations for live face matching (police; audited; expire by themselves)."""
