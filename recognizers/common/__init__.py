"""Pieces both recognizers use: onnxruntime sessions, image decoding with limits."""
