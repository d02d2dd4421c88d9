"""Argument checks shared across the package: clear errors that name the argument."""

from __future__ import annotations


def check_positive_int(value: object, name: str) -> int:
    """Return ``value`` if it is an int >= 1; else raise TypeError / ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value
