"""Maximum-sum submatrix (rectangle) of an integer matrix (an R2-5 follow-up).

The 2-D version of LeetCode 53: fix the top and bottom rows of the rectangle,
add up each column between them, and run Kadane's algorithm on those column
sums. O(r^2 c) time for r rows and c columns (the shorter side is used for the
rows), O(c) extra space beyond the input copy.
"""

from __future__ import annotations

# --8<-- [start:setup]
from collections.abc import Sequence

from examples.algorithms._validation import as_int_matrix
from examples.algorithms.max_subarray import max_subarray
# --8<-- [end:setup]


# --8<-- [start:submatrix]
def max_submatrix(matrix: Sequence[Sequence[int]]) -> tuple[int, int, int, int, int]:
    """Largest sum of a non-empty rectangle of ``matrix`` and where it is.

    For each pair of rows ``top <= bottom - 1``, ``column_sums[c]`` is the sum
    of ``matrix[top:bottom]`` in column ``c``; extending ``bottom`` by one row
    updates it in O(c). The best rectangle with these rows is the best
    subarray of ``column_sums`` (Kadane, :func:`max_subarray`). There are
    r (r + 1) / 2 row pairs, so O(r^2 c) time; if r > c the matrix is
    transposed first, giving O(min(r, c)^2 max(r, c)).

    Args:
        matrix: r >= 1 rows of c >= 1 integers each, shape (r, c): a sequence of
            equal-length sequences or a 2-D NumPy integer array.

    Returns:
        ``(best, top, bottom, left, right)``: the largest sum and a rectangle
        ``rows top:bottom, columns left:right`` (half-open) that has it, so
        ``best == sum(sum(row[left:right]) for row in matrix[top:bottom])``.

    Raises:
        TypeError: if ``matrix`` is not a sequence of sequences of integers.
        ValueError: if ``matrix`` has no row or no column, or is not rectangular.
    """
    rows = as_int_matrix(matrix, "matrix")  # (r, c)
    transposed = len(rows) > len(rows[0])
    if transposed:
        rows = [list(column) for column in zip(*rows)]  # (c, r): fewer rows than columns
    best = (rows[0][0], 0, 1, 0, 1)  # the top-left cell, until something beats it
    for top in range(len(rows)):
        column_sums = [0] * len(rows[0])  # (width,): sums of rows[top:bottom] per column
        for bottom in range(top + 1, len(rows) + 1):
            for c, x in enumerate(rows[bottom - 1]):
                column_sums[c] += x
            total, left, right = max_subarray(column_sums)
            if total > best[0]:
                best = (total, top, bottom, left, right)
    total, top, bottom, left, right = best
    return (total, left, right, top, bottom) if transposed else best
# --8<-- [end:submatrix]


if __name__ == "__main__":
    grid = [[0, -2, -7, 0], [9, 2, -6, 2], [-4, 1, -4, 1], [-1, 8, 0, -2]]
    print(max_submatrix(grid))  # (15, 1, 4, 0, 2): rows 1..3, columns 0..1
