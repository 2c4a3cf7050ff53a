"""API keys, roles and the principal behind a request."""

from gateway.auth.keys import KEY_PREFIX, Principal, authenticate, create_key, hash_key, revoke_key

__all__ = ["KEY_PREFIX", "Principal", "authenticate", "create_key", "hash_key", "revoke_key"]
