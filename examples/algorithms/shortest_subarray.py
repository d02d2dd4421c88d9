"""Shortest contiguous subarray with sum >= target (LeetCode 209).

The mirror image of R1-11: R1-11 asks for the LONGEST subarray whose sum is at
most ``s``; LeetCode 209 asks for the SHORTEST subarray whose sum is at least
``target``. Both are solved by a sliding window over non-negative numbers.

:func:`shortest_subarray_at_least_any` drops the sign condition (LeetCode 862):
prefix sums and a monotonic deque, still O(n).
"""

from __future__ import annotations

# --8<-- [start:setup]
from collections import deque
from collections.abc import Sequence
from itertools import accumulate

from examples.algorithms._validation import as_int, as_int_list, check_non_negative
# --8<-- [end:setup]


# --8<-- [start:window]
def shortest_subarray_at_least(nums: Sequence[int], target: int) -> int:
    """Length of the shortest contiguous subarray of ``nums`` with sum >= ``target``.

    Sliding window: extend to the right; while the window's sum reaches
    ``target``, record its length and drop elements from the left to look for a
    shorter one. Each index enters and leaves the window at most once: O(n) time,
    O(1) extra space.

    Args:
        nums: n non-negative integers (shape (n,)); LeetCode 209 has
            1 <= nums[i] <= 10^4. May be empty.
        target: the positive lower bound on the sum.

    Returns:
        The smallest length, or 0 if no subarray reaches ``target``
        (also 0 for an empty ``nums``).

    Raises:
        TypeError: if ``nums`` is not a sequence of integers or ``target`` is not an integer.
        ValueError: if ``target`` is not positive or a number in ``nums`` is negative.
    """
    nums = as_int_list(nums, "nums")
    target = as_int(target, "target")
    if target <= 0:
        raise ValueError(f"target must be positive, got {target}")
    check_non_negative(nums, "nums")

    best = len(nums) + 1  # longer than any real subarray
    left = 0  # the window is nums[left:right + 1]
    window_sum = 0
    for right, x in enumerate(nums):
        window_sum += x
        while window_sum >= target:  # valid: record it, then try a shorter one
            best = min(best, right - left + 1)
            window_sum -= nums[left]
            left += 1
    return 0 if best > len(nums) else best
# --8<-- [end:window]


# --8<-- [start:deque]
def shortest_subarray_at_least_any(nums: Sequence[int], target: int) -> int:
    """Length of the shortest contiguous subarray with sum >= ``target``, any integers.

    LeetCode 862. With prefix sums ``P``, ``nums[i:j]`` sums to ``P[j] - P[i]``.
    Scan the ends ``j`` keeping a deque of candidate starts whose prefix sums
    increase from front to back:

    * while the front start ``i`` satisfies ``P[j] - P[i] >= target``, record
      ``j - i`` and drop ``i``: any later end would only give a longer subarray;
    * drop starts from the back while their prefix sum is ``>= P[j]``: ``j``
      starts later with a sum no larger, so it beats them for every later end.

    Each index enters and leaves the deque at most once: O(n) time, O(n) extra
    space.

    Args:
        nums: n integers of any sign (shape (n,)); LeetCode 862 has
            -10^5 <= nums[i] <= 10^5. May be empty.
        target: the lower bound on the sum, any integer (LeetCode 862 has
            1 <= k <= 10^9).

    Returns:
        The smallest length, or 0 if no non-empty subarray reaches ``target``
        (LeetCode 862 asks for -1 in that case).

    Raises:
        TypeError: if ``nums`` is not a sequence of integers or ``target`` is not an integer.
    """
    nums = as_int_list(nums, "nums")
    target = as_int(target, "target")

    prefix = list(accumulate(nums, initial=0))  # (n + 1,): P[j] = sum(nums[:j])
    best = len(nums) + 1  # longer than any real subarray
    starts: deque[int] = deque()  # candidate starts, P strictly increasing front to back
    for j, p in enumerate(prefix):
        while starts and p - prefix[starts[0]] >= target:
            best = min(best, j - starts.popleft())
        while starts and prefix[starts[-1]] >= p:
            starts.pop()
        starts.append(j)
    return 0 if best > len(nums) else best
# --8<-- [end:deque]


if __name__ == "__main__":
    print(shortest_subarray_at_least([2, 3, 1, 2, 4, 3], 7))  # 2: [4, 3]
    print(shortest_subarray_at_least_any([2, -1, 2], 3))  # 3: LeetCode 862's example
