"""Varta's own contracts: pydantic schemas, enums, protocols and pure domain rules.

Nothing in this package does I/O, loads a model or touches a database.
"""
