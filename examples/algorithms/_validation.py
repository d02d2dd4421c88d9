"""Input checks shared by the array problems (R1-11, R2-5).

Every public function in :mod:`examples.algorithms` validates its arguments with
these helpers, so bad input raises a ``TypeError`` or ``ValueError`` that names
the argument instead of failing later with an unrelated error.
"""

from __future__ import annotations

import sys
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


def _numpy_array_values(values: object, name: str) -> list | None:
    """The entries of ``values`` as a list if it is a NumPy array, else ``None``.

    NumPy is never imported here (the package must run where it is absent, such
    as a browser): if the caller built a NumPy array, NumPy is already in
    ``sys.modules``, and that module is the one to ask.

    Args:
        values: any object.
        name: the argument name used in error messages.

    Returns:
        ``None`` if ``values`` is not a NumPy array; otherwise its n entries as
        Python objects (``ndarray.tolist()`` turns int64/uint64 entries into
        exact Python ints, so later sums cannot overflow).

    Raises:
        ValueError: if the array is not one-dimensional.
        TypeError: if its dtype is neither an integer dtype nor ``object``.
    """
    numpy = sys.modules.get("numpy")
    if numpy is None or not isinstance(values, numpy.ndarray):
        return None
    if values.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got a NumPy array of shape {values.shape}")
    if values.dtype.kind not in "iuO":  # signed, unsigned, object (checked entry by entry below)
        raise TypeError(f"{name} must hold integers, got a NumPy array of dtype {values.dtype}")
    return values.tolist()


def as_int_list(values: object, name: str) -> list[int]:
    """Return ``values`` as a list of Python ints, or raise ``TypeError`` naming it.

    Args:
        values: a sequence (list, tuple, range, ...) of integers, length n, or a
            one-dimensional NumPy array of an integer dtype. Entries may be any
            ``numbers.Integral`` (``int``, ``numpy.int64``, ...) except ``bool``.
            Strings and bytes are rejected.
        name: the argument name used in the error message.

    Returns:
        A new list of n Python ints.

    Raises:
        TypeError: if ``values`` is not a sequence or holds a non-integer.
        ValueError: if ``values`` is a NumPy array that is not one-dimensional.
    """
    entries = _numpy_array_values(values, name)
    if entries is None:
        if isinstance(values, (str, bytes, bytearray)) or not isinstance(values, Sequence):
            raise TypeError(
                f"{name} must be a sequence of integers or a 1-D NumPy integer array, "
                f"got {type(values).__name__}"
            )
        entries = values
    out = []
    for i, x in enumerate(entries):
        if isinstance(x, bool) or not isinstance(x, Integral):
            raise TypeError(f"{name}[{i}] must be an integer, got {type(x).__name__}")
        out.append(int(x))
    return out


def as_non_empty_int_list(values: object, name: str) -> list[int]:
    """Like :func:`as_int_list`, but also refuse an empty ``values`` (n >= 1).

    For the problems whose answer is a subarray with at least one element: an
    empty input has no such subarray, so there is no correct number to return.

    Args:
        values: as for :func:`as_int_list`, with n >= 1 entries.
        name: the argument name used in error messages.

    Returns:
        A new list of n >= 1 Python ints.

    Raises:
        TypeError: as :func:`as_int_list`.
        ValueError: if ``values`` is empty, or a NumPy array that is not one-dimensional.
    """
    out = as_int_list(values, name)
    if not out:
        raise ValueError(f"{name} must contain at least one number")
    return out


def as_window_args(nums: object, s: object) -> tuple[list[int], int]:
    """Check the arguments of a sliding window over non-negative numbers.

    Args:
        nums: n non-negative integers (shape (n,)), as for :func:`as_int_list`.
        s: the non-negative bound on a window's sum.

    Returns:
        ``(nums, s)`` as a list of Python ints and a Python int.

    Raises:
        TypeError: if ``nums`` is not a sequence of integers or ``s`` is not an integer.
        ValueError: if ``s`` or any number in ``nums`` is negative.
    """
    values = as_int_list(nums, "nums")
    bound = as_int(s, "s")
    if bound < 0:
        raise ValueError(f"s must be non-negative, got {bound}")
    check_non_negative(values, "nums")
    return values, bound


def as_int_matrix(rows: object, name: str) -> list[list[int]]:
    """Return ``rows`` as a non-empty rectangular list of lists of Python ints.

    Args:
        rows: a sequence of r >= 1 rows, each a sequence of c >= 1 integers
            (every row the same length), or a 2-D NumPy integer array of shape (r, c).
        name: the argument name used in error messages.

    Returns:
        A new list of r lists of c ints, shape (r, c).

    Raises:
        TypeError: if ``rows`` or one of its rows is not a sequence of integers.
        ValueError: if there is no row, a row is empty, or the rows differ in length.
    """
    numpy = sys.modules.get("numpy")  # never imported here, see _numpy_array_values
    if numpy is not None and isinstance(rows, numpy.ndarray):
        if rows.ndim != 2:
            raise ValueError(f"{name} must be two-dimensional, got a NumPy array of shape {rows.shape}")
        rows = list(rows)  # r one-dimensional rows of shape (c,)
    elif isinstance(rows, (str, bytes, bytearray)) or not isinstance(rows, Sequence):
        raise TypeError(f"{name} must be a sequence of rows of integers, got {type(rows).__name__}")
    out = [as_int_list(row, f"{name}[{r}]") for r, row in enumerate(rows)]
    if not out or not out[0]:
        raise ValueError(f"{name} must have at least one row and one column")
    for r, row in enumerate(out):
        if len(row) != len(out[0]):
            raise ValueError(
                f"{name} must be rectangular, but {name}[{r}] has {len(row)} entries "
                f"and {name}[0] has {len(out[0])}"
            )
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
