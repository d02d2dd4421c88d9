"""Counting the contiguous subarrays with sum <= s (an R1-11 follow-up).

Two algorithms, as for the longest such subarray:

* :func:`count_subarrays_at_most` -- non-negative numbers: a sliding window,
  O(n) time, O(1) extra space.
* :func:`count_subarrays_at_most_any` -- arbitrary integers: count the pairs of
  prefix sums ``P[i] >= P[j] - s`` with ``i < j`` using a Fenwick tree (binary
  indexed tree) over the sorted prefix sums, O(n log n) time, O(n) extra space.
"""

from __future__ import annotations

# --8<-- [start:setup]
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate

from examples.algorithms._validation import as_int, as_int_list, as_window_args
# --8<-- [end:setup]


# --8<-- [start:window]
def count_subarrays_at_most(nums: Sequence[int], s: int) -> int:
    """Number of non-empty contiguous subarrays of ``nums`` whose sum is <= ``s``.

    The R1-11 sliding window: after shrinking, ``nums[left:right + 1]`` is the
    longest valid subarray ending at ``right``, and with no negative number every
    shorter one ending there is valid too, so ``right - left + 1`` subarrays end
    at ``right``. O(n) time, O(1) extra space.

    Args:
        nums: n non-negative integers (shape (n,)); may be empty.
        s: the non-negative bound on the sum.

    Returns:
        The count, between 0 and n (n + 1) / 2.

    Raises:
        TypeError: if ``nums`` is not a sequence of integers or ``s`` is not an integer.
        ValueError: if ``s`` or any number in ``nums`` is negative.
    """
    nums, s = as_window_args(nums, s)

    count = 0
    left = 0  # the window is nums[left:right + 1]
    total = 0
    for right, x in enumerate(nums):
        total += x
        while total > s:
            total -= nums[left]
            left += 1
        count += right - left + 1  # every start in left..right is valid
    return count
# --8<-- [end:window]


# --8<-- [start:fenwick]
def count_subarrays_at_most_any(nums: Sequence[int], s: int) -> int:
    """Number of non-empty contiguous subarrays with sum <= ``s``, any integers.

    With prefix sums ``P``, ``nums[i:j]`` is counted when ``P[i] >= P[j] - s``.
    Scan the ends ``j`` from left to right; a Fenwick tree indexed by the rank of
    each prefix sum among all n + 1 of them counts how many earlier ``P[i]`` lie
    below ``P[j] - s`` in O(log n), and the rest are counted. O(n log n) time,
    O(n) extra space. (A merge sort that counts the pairs while merging gives the
    same bound.)

    Args:
        nums: n integers of any sign (shape (n,)); may be empty.
        s: the bound on the sum, any integer.

    Returns:
        The count, between 0 and n (n + 1) / 2.

    Raises:
        TypeError: if ``nums`` is not a sequence of integers or ``s`` is not an integer.
    """
    nums = as_int_list(nums, "nums")
    s = as_int(s, "s")

    prefix = list(accumulate(nums, initial=0))  # (n + 1,): P[j] = sum(nums[:j])
    ranks = sorted(set(prefix))  # (u,): the distinct prefix sums, u <= n + 1
    tree = [0] * (len(ranks) + 1)  # (u + 1,): Fenwick tree of counts, 1-based

    def add_one(rank: int) -> None:
        """Count one more prefix sum of 0-based ``rank``."""
        k = rank + 1
        while k < len(tree):
            tree[k] += 1
            k += k & -k

    def count_below(rank: int) -> int:
        """How many counted prefix sums have a 0-based rank below ``rank``."""
        total, k = 0, rank
        while k > 0:
            total += tree[k]
            k -= k & -k
        return total

    count = 0
    add_one(bisect_left(ranks, prefix[0]))
    for j in range(1, len(prefix)):
        too_small = count_below(bisect_left(ranks, prefix[j] - s))  # earlier P[i] < P[j] - s
        count += j - too_small  # j earlier prefix sums in all
        add_one(bisect_left(ranks, prefix[j]))
    return count
# --8<-- [end:fenwick]


if __name__ == "__main__":
    print(count_subarrays_at_most([2, 3, 1, 2, 4, 3], 7))  # 14 of the 21 subarrays
    print(count_subarrays_at_most_any([8, -6, 2, 3], 7))  # 9 of the 10: all but [8]
