"""Maximum-product contiguous subarray (an R2-5 follow-up, LeetCode 152).

Kadane's idea with two running values: a negative number turns the smallest
(most negative) product ending just before it into the largest, so the scan
keeps both the largest and the smallest product of a subarray ending here.
"""

from __future__ import annotations

# --8<-- [start:setup]
from collections.abc import Sequence

from examples.algorithms._validation import as_non_empty_int_list
# --8<-- [end:setup]


# --8<-- [start:product]
def max_product_subarray(nums: Sequence[int]) -> int:
    """Largest product of a contiguous, non-empty subarray.

    ``high`` and ``low`` are the largest and the smallest product of a subarray
    ending at the current element. A subarray ending at ``x`` is ``x`` alone or
    ``x`` appended to one ending just before it; multiplying by ``x`` is
    monotone (increasing for ``x >= 0``, decreasing for ``x < 0``), so the
    extremes are among ``x``, ``high * x`` and ``low * x``. A zero resets both
    to 0. O(n) time, O(1) extra space. Python ints do not overflow, so there is
    no 32-bit limit here (LeetCode 152 promises one).

    Args:
        nums: n >= 1 integers of any sign (shape (n,)).

    Returns:
        The maximum subarray product.

    Raises:
        TypeError: if ``nums`` is not a sequence of integers.
        ValueError: if ``nums`` is empty.
    """
    nums = as_non_empty_int_list(nums, "nums")
    best = high = low = nums[0]
    for x in nums[1:]:
        candidates = (x, high * x, low * x)
        high, low = max(candidates), min(candidates)
        best = max(best, high)
    return best
# --8<-- [end:product]


if __name__ == "__main__":
    print(max_product_subarray([2, 3, -2, 4]))  # 6: [2, 3]
