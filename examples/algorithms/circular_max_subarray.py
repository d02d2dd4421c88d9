"""Maximum-sum subarray of a circular array (an R2-5 follow-up, LeetCode 918).

In a circular array the element after the last one is the first one, so a
subarray may wrap around the end. A wrapping subarray is the whole array minus a
non-wrapping middle part, so its best sum is the total minus the smallest
subarray sum: two passes of Kadane's algorithm, O(n) time, O(1) extra space.
"""

from __future__ import annotations

# --8<-- [start:setup]
from collections.abc import Sequence

from examples.algorithms._validation import as_non_empty_int_list
from examples.algorithms.max_subarray import max_subarray_sum
# --8<-- [end:setup]


# --8<-- [start:circular]
def max_circular_subarray_sum(nums: Sequence[int]) -> int:
    """Largest sum of a non-empty subarray of the circular array ``nums``.

    The best subarray either does not wrap (Kadane's answer) or wraps, and then
    it is everything except a contiguous middle part, whose sum is at best the
    smallest subarray sum (Kadane on the negated numbers). One trap: if every
    number is negative, the "middle part" with the smallest sum is the whole
    array and the wrapping candidate is the empty subarray, sum 0, which is not
    allowed; the answer is then the largest number, which Kadane already gives.

    Each element is used at most once (a subarray is at most n long).
    O(n) time; the negated copy takes O(n) extra space.

    Args:
        nums: n >= 1 integers of any sign (shape (n,)).

    Returns:
        The maximum circular subarray sum.

    Raises:
        TypeError: if ``nums`` is not a sequence of integers.
        ValueError: if ``nums`` is empty.
    """
    nums = as_non_empty_int_list(nums, "nums")
    straight = max_subarray_sum(nums)
    if straight < 0:  # all negative: wrapping could only give the empty subarray
        return straight
    smallest_middle = -max_subarray_sum([-x for x in nums])
    return max(straight, sum(nums) - smallest_middle)
# --8<-- [end:circular]


if __name__ == "__main__":
    print(max_circular_subarray_sum([5, -3, 5]))  # 10: [5, 5] wraps around
