"""The ``varta`` command-line entry point."""
