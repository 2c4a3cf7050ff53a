"""Routes of a recognizer service."""
