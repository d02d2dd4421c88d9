"""Longest contiguous subarray with sum <= s (R1-11).

Two algorithms for the same question:

* :func:`longest_subarray_at_most` -- the interview's setting (non-negative
  numbers, s >= 0): a sliding window, O(n) time, O(1) extra space.
* :func:`longest_subarray_at_most_any` -- arbitrary integers: prefix sums, a
  running maximum of the prefix sums and a binary search, O(n log n) time,
  O(n) extra space. The sliding window is wrong as soon as a number can be
  negative (see the R1-11 page for a counterexample).
* :func:`longest_subarray_at_most_linear` -- arbitrary integers in O(n) time:
  two pointers over the prefix maxima and the suffix minima of the prefix sums.
"""

from __future__ import annotations

# --8<-- [start:setup]
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate

from examples.algorithms._validation import as_int, as_int_list, as_window_args
# --8<-- [end:setup]


# --8<-- [start:window]
def longest_subarray_at_most(nums: Sequence[int], s: int) -> int:
    """Length of the longest contiguous subarray of ``nums`` whose sum is <= ``s``.

    Sliding window: extend the window to the right one element at a time and,
    while its sum exceeds ``s``, drop elements from the left. Because no number
    is negative, dropping an element never increases the sum, and a window that
    is too heavy can only become valid by shrinking, so every right end is paired
    with its leftmost valid start. Each index enters and leaves the window at
    most once: O(n) time, O(1) extra space.

    Args:
        nums: n non-negative integers (shape (n,)); may be empty.
        s: the non-negative bound on the sum.

    Returns:
        The largest length, or 0 if no non-empty subarray has sum <= ``s``
        (also 0 for an empty ``nums``).

    Raises:
        TypeError: if ``nums`` is not a sequence of integers or ``s`` is not an integer.
        ValueError: if ``s`` or any number in ``nums`` is negative.
    """
    nums, s = as_window_args(nums, s)

    best = 0
    left = 0  # the window is nums[left:right + 1]
    window_sum = 0
    for right, x in enumerate(nums):
        window_sum += x
        while window_sum > s:  # too heavy: shrink from the left
            window_sum -= nums[left]
            left += 1
        best = max(best, right - left + 1)
    return best
# --8<-- [end:window]


# --8<-- [start:any]
def longest_subarray_at_most_any(nums: Sequence[int], s: int) -> int:
    """Length of the longest contiguous subarray with sum <= ``s``, any integers.

    With prefix sums ``P[0] = 0`` and ``P[j] = nums[0] + ... + nums[j - 1]``, the
    subarray ``nums[i:j]`` has sum ``P[j] - P[i]``, so for each end ``j`` we want
    the smallest ``i < j`` with ``P[i] >= P[j] - s``. The running maxima
    ``M[i] = max(P[0..i])`` are non-decreasing, and the first ``i`` with
    ``M[i] >= P[j] - s`` is exactly the first ``i`` with ``P[i] >= P[j] - s``
    (M only reaches a new value where P does). A binary search on M finds it in
    O(log n): O(n log n) time, O(n) extra space in total.

    Args:
        nums: n integers of any sign (shape (n,)); may be empty.
        s: the bound on the sum, any integer.

    Returns:
        The largest length, or 0 if no non-empty subarray has sum <= ``s``
        (also 0 for an empty ``nums``).

    Raises:
        TypeError: if ``nums`` is not a sequence of integers or ``s`` is not an integer.
    """
    nums = as_int_list(nums, "nums")
    s = as_int(s, "s")

    prefix = list(accumulate(nums, initial=0))  # (n + 1,): P[j] = sum(nums[:j])
    running_max = list(accumulate(prefix, max))  # (n + 1,): M[i] = max(P[:i + 1])
    best = 0
    for j in range(1, len(prefix)):
        i = bisect_left(running_max, prefix[j] - s, hi=j)  # first i < j with P[i] >= P[j] - s
        if i < j:
            best = max(best, j - i)
    return best
# --8<-- [end:any]


# --8<-- [start:linear]
def longest_subarray_at_most_linear(nums: Sequence[int], s: int) -> int:
    """Length of the longest contiguous subarray with sum <= ``s``, any integers, O(n).

    With prefix sums ``P`` (``nums[i:j]`` sums to ``P[j] - P[i]``), let
    ``M[i] = max(P[0..i])`` (prefix maxima) and ``m[j] = min(P[j..n])`` (suffix
    minima). Some valid subarray ``nums[i':j']`` with ``i' <= i < j <= j'``
    exists exactly when ``m[j] - M[i] <= s``, and both M and m are
    non-decreasing. So for each start ``i`` the ends ``j`` that pass form a
    prefix ``0..J(i)`` that only grows with ``i``; one pointer per array finds
    every ``J(i)`` and the answer is the largest ``J(i) - i``. O(n) time, O(n)
    extra space.

    Args:
        nums: n integers of any sign (shape (n,)); may be empty.
        s: the bound on the sum, any integer.

    Returns:
        The largest length, or 0 if no non-empty subarray has sum <= ``s``
        (also 0 for an empty ``nums``).

    Raises:
        TypeError: if ``nums`` is not a sequence of integers or ``s`` is not an integer.
    """
    nums = as_int_list(nums, "nums")
    s = as_int(s, "s")

    prefix = list(accumulate(nums, initial=0))  # (n + 1,): P[j] = sum(nums[:j])
    prefix_max = list(accumulate(prefix, max))  # (n + 1,): M[i] = max(P[:i + 1])
    suffix_min = list(accumulate(reversed(prefix), min))[::-1]  # (n + 1,): m[j] = min(P[j:])
    best = 0
    j = 0  # first end that fails for the current start: J(i) = j - 1
    for i in range(len(prefix)):
        while j < len(prefix) and suffix_min[j] - prefix_max[i] <= s:
            j += 1
        best = max(best, j - 1 - i)
    return best
# --8<-- [end:linear]


if __name__ == "__main__":
    example = [2, 3, 1, 2, 4, 3]
    print(longest_subarray_at_most(example, 7))  # 3: [2, 3, 1], [3, 1, 2], [1, 2, 4]
    print(longest_subarray_at_most_any([8, -6, 2, 3], 7))  # 4: the whole array sums to 7
    print(longest_subarray_at_most_linear([8, -6, 2, 3], 7))  # 4 again, in O(n)
