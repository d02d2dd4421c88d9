"""Input checks shared by the array problems (R1-11, R2-5).

Every public function in :mod:`examples.algorithms` validates its arguments with
these helpers, so bad input raises a ``TypeError`` or ``ValueError`` that names
the argument instead of failing later with an unrelated error.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral


def as_int(value: object, name: str) -> int:
    """Return ``value`` as a Python ``int``, or raise ``TypeError`` naming it.

    Args:
        value: the candidate integer (``bool`` is rejected even though it
            subclasses ``int``: ``True`` is almost always a bug here).
        name: the argument name used in the error message.

    Returns:
        The value as a plain ``int``.

    Raises:
        TypeError: if ``value`` is not an integer.
    """
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    return int(value)


def as_int_list(values: object, name: str) -> list[int]:
    """Return ``values`` as a list of Python ints, or raise ``TypeError`` naming it.

    Args:
        values: a sequence (list, tuple, range, ...) of integers, length n.
            Strings and bytes are rejected.
        name: the argument name used in the error message.

    Returns:
        A new list of n ints.

    Raises:
        TypeError: if ``values`` is not a sequence or holds a non-integer.
    """
    if isinstance(values, (str, bytes, bytearray)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of integers, got {type(values).__name__}")
    out = []
    for i, x in enumerate(values):
        if isinstance(x, bool) or not isinstance(x, Integral):
            raise TypeError(f"{name}[{i}] must be an integer, got {type(x).__name__}")
        out.append(int(x))
    return out


def check_non_negative(values: list[int], name: str) -> None:
    """Raise ``ValueError`` naming ``name`` if any entry of ``values`` is negative.

    Args:
        values: n integers.
        name: the argument name used in the error message.

    Raises:
        ValueError: if some ``values[i] < 0``.
    """
    for i, x in enumerate(values):
        if x < 0:
            raise ValueError(f"{name} must be non-negative, but {name}[{i}] = {x}")
