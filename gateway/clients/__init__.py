"""Recognizer clients: one interface, in-process and HTTP implementations."""

from gateway.clients.base import (
    FrameImage,
    RecognizerClient,
    RecognizerKind,
    RecognizerRejected,
    RecognizerUnavailable,
)

__all__ = ["FrameImage", "RecognizerClient", "RecognizerKind", "RecognizerRejected", "RecognizerUnavailable"]
