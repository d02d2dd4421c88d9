"""Maximum-sum contiguous subarray with at least one element (R2-5, LeetCode 53).

Three functions:

* :func:`max_subarray_sum` -- Kadane's algorithm, the answer only.
* :func:`max_subarray` -- Kadane's algorithm that also returns where the best
  subarray starts and stops.
* :func:`max_subarray_sum_prefix` -- the same answer from prefix sums: the best
  subarray ending at j is P[j] minus the smallest earlier prefix sum.

All three run in O(n) time and O(1) extra space and raise ``ValueError`` on an
empty input, which has no subarray with at least one element.

:func:`max_subarray_sum_divide` answers LeetCode 53's follow-up: divide and
conquer, O(n log n) time.
"""

from __future__ import annotations

# --8<-- [start:setup]
from collections.abc import Sequence
from itertools import accumulate

from examples.algorithms._validation import as_non_empty_int_list
# --8<-- [end:setup]


# --8<-- [start:kadane]
def max_subarray_sum(nums: Sequence[int]) -> int:
    """Largest sum of a contiguous, non-empty subarray (Kadane's algorithm).

    ``ending_here`` is the best sum of a subarray that ends at the current
    element: either the element alone or the element appended to the best
    subarray ending just before it. The answer is the best of these over all ends.

    Args:
        nums: n >= 1 integers of any sign (shape (n,)).

    Returns:
        The maximum subarray sum (the largest element if all are negative).

    Raises:
        TypeError: if ``nums`` is not a sequence of integers.
        ValueError: if ``nums`` is empty.
    """
    nums = as_non_empty_int_list(nums, "nums")
    best = ending_here = nums[0]
    for x in nums[1:]:
        ending_here = max(x, ending_here + x)
        best = max(best, ending_here)
    return best
# --8<-- [end:kadane]


# --8<-- [start:indices]
def max_subarray(nums: Sequence[int]) -> tuple[int, int, int]:
    """Largest subarray sum and where it is: ``(best, start, stop)``.

    Kadane's algorithm keeping the start of the running subarray. The running
    subarray restarts at the current element only when what came before sums to
    less than zero, and ``best`` changes only on a strict improvement, so the
    result is the maximum-sum subarray with the smallest ``stop`` and, among
    those, the smallest ``start``.

    Args:
        nums: n >= 1 integers of any sign (shape (n,)).

    Returns:
        ``(best, start, stop)`` with ``0 <= start < stop <= n`` and
        ``sum(nums[start:stop]) == best``.

    Raises:
        TypeError: if ``nums`` is not a sequence of integers.
        ValueError: if ``nums`` is empty.
    """
    nums = as_non_empty_int_list(nums, "nums")
    best, best_start, best_stop = nums[0], 0, 1
    ending_here, start = nums[0], 0  # running subarray is nums[start:i + 1]
    for i in range(1, len(nums)):
        if ending_here < 0:  # a negative prefix only hurts: restart here
            ending_here, start = nums[i], i
        else:
            ending_here += nums[i]
        if ending_here > best:
            best, best_start, best_stop = ending_here, start, i + 1
    return best, best_start, best_stop
# --8<-- [end:indices]


# --8<-- [start:prefix]
def max_subarray_sum_prefix(nums: Sequence[int]) -> int:
    """Largest subarray sum via prefix sums: max over j of ``P[j] - min(P[:j])``.

    With ``P[0] = 0`` and ``P[j] = sum(nums[:j])``, the subarray ``nums[i:j]``
    sums to ``P[j] - P[i]``; for a fixed end ``j`` the best start is the one with
    the smallest earlier prefix sum, which a running minimum tracks.

    Args:
        nums: n >= 1 integers of any sign (shape (n,)).

    Returns:
        The maximum subarray sum.

    Raises:
        TypeError: if ``nums`` is not a sequence of integers.
        ValueError: if ``nums`` is empty.
    """
    nums = as_non_empty_int_list(nums, "nums")
    prefix = 0  # P[j]
    min_before = 0  # min(P[0..j-1]), starts with P[0] = 0
    best = nums[0]
    for x in nums:
        prefix += x
        best = max(best, prefix - min_before)
        min_before = min(min_before, prefix)
    return best
# --8<-- [end:prefix]


# --8<-- [start:divide]
def max_subarray_sum_divide(nums: Sequence[int]) -> int:
    """Largest subarray sum by divide and conquer (LeetCode 53's follow-up).

    Split ``nums[lo:hi]`` at ``mid``: the best subarray lies in the left half,
    in the right half, or crosses the middle. A crossing one is the best suffix
    of the left half (a sum ending at ``mid - 1``) plus the best prefix of the
    right half (a sum starting at ``mid``), both found by one scan. The scans
    cost O(hi - lo) per call, so T(n) = 2 T(n / 2) + O(n) = O(n log n) time;
    the recursion is O(log n) deep and copies nothing, so O(log n) extra space.

    Args:
        nums: n >= 1 integers of any sign (shape (n,)).

    Returns:
        The maximum subarray sum.

    Raises:
        TypeError: if ``nums`` is not a sequence of integers.
        ValueError: if ``nums`` is empty.
    """
    nums = as_non_empty_int_list(nums, "nums")

    def best_in(lo: int, hi: int) -> int:
        """Largest sum of a non-empty subarray of nums[lo:hi], hi - lo >= 1."""
        if hi - lo == 1:
            return nums[lo]
        mid = (lo + hi) // 2
        best_suffix = max(accumulate(nums[i] for i in range(mid - 1, lo - 1, -1)))  # sums of nums[i:mid]
        best_prefix = max(accumulate(nums[j] for j in range(mid, hi)))  # sums of nums[mid:j + 1]
        return max(best_in(lo, mid), best_in(mid, hi), best_suffix + best_prefix)

    return best_in(0, len(nums))
# --8<-- [end:divide]


if __name__ == "__main__":
    print(max_subarray([-2, 1, -3, 4, -1, 2, 1, -5, 4]))  # (6, 3, 7): [4, -1, 2, 1]
    print(max_subarray_sum_divide([-2, 1, -3, 4, -1, 2, 1, -5, 4]))  # 6
