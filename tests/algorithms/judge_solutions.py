"""Readers' solutions for the judge's tests (tests/algorithms/test_judge_cases.py, tests/browser/test_judge.py).

Each is Python source as a reader would type it in a panel: right ones, and plausible wrong ones with the
case (group, note) where they must first fail. Written here for the tests, not taken from anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Solution:
    """Source code for problem ``name``; ``first_failure`` is ``None`` for a right one."""

    name: str
    label: str
    source: str
    first_failure: tuple[str, str] | None = None


RIGHT = [
    Solution("longest_subarray_at_most", "sliding window", """
def longest_subarray_at_most(nums, s):
    best = left = total = 0
    for right, x in enumerate(nums):
        total += x
        while total > s:
            total -= nums[left]
            left += 1
        best = max(best, right - left + 1)
    return best
"""),
    Solution("longest_subarray_at_most_any", "brute force over prefix sums", """
from itertools import accumulate

def longest_subarray_at_most_any(nums, s):
    prefix = [0, *accumulate(nums)]
    return max((j - i for i in range(len(prefix)) for j in range(i + 1, len(prefix)) if prefix[j] - prefix[i] <= s),
               default=0)
"""),
    Solution("shortest_subarray_at_least", "sliding window", """
def shortest_subarray_at_least(nums, target):
    best = len(nums) + 1
    left = total = 0
    for right, x in enumerate(nums):
        total += x
        while total >= target:
            best = min(best, right - left + 1)
            total -= nums[left]
            left += 1
    return 0 if best > len(nums) else best
"""),
    Solution("max_subarray_sum", "Kadane", """
def max_subarray_sum(nums):
    if not nums:
        raise ValueError("nums is empty")
    best = here = nums[0]
    for x in nums[1:]:
        here = max(x, here + x)
        best = max(best, here)
    return best
"""),
    Solution("max_subarray", "Kadane keeping the LAST maximum subarray (ties go another way than the reference)", """
def max_subarray(nums):
    if not nums:
        raise ValueError("nums is empty")
    best, where = nums[0], (0, 1)
    here, start = nums[0], 0
    for i in range(1, len(nums)):
        if here <= 0:
            here, start = nums[i], i
        else:
            here += nums[i]
        if here >= best:
            best, where = here, (start, i + 1)
    return [best, *where]
"""),
]

WRONG = [
    Solution("longest_subarray_at_most", "off by one: shrinks while the sum is >= s, so a sum equal to s is refused",
             """
def longest_subarray_at_most(nums, s):
    best = left = total = 0
    for right, x in enumerate(nums):
        total += x
        while total >= s and left <= right:
            total -= nums[left]
            left += 1
        best = max(best, right - left + 1)
    return best
""", ("edge", "bound_inclusive")),
    Solution("longest_subarray_at_most", "records the window before shrinking it", """
def longest_subarray_at_most(nums, s):
    best = left = total = 0
    for right, x in enumerate(nums):
        total += x
        best = max(best, right - left + 1)
        while total > s:
            total -= nums[left]
            left += 1
    return best
""", ("example", "1")),
    Solution("longest_subarray_at_most", "assumes a subarray always exists", """
def longest_subarray_at_most(nums, s):
    best, left, total = 1, 0, 0
    for right, x in enumerate(nums):
        total += x
        while total > s:
            total -= nums[left]
            left += 1
        best = max(best, right - left + 1)
    return best
""", ("edge", "empty")),
    Solution("longest_subarray_at_most_any", "the sliding window, wrong once a number is negative", """
def longest_subarray_at_most_any(nums, s):
    best = left = total = 0
    for right, x in enumerate(nums):
        total += x
        while total > s and left <= right:
            total -= nums[left]
            left += 1
        best = max(best, right - left + 1)
    return best
""", ("edge", "negatives")),
    Solution("shortest_subarray_at_least", "returns its sentinel n + 1 when nothing reaches the target", """
def shortest_subarray_at_least(nums, target):
    best = len(nums) + 1
    left = total = 0
    for right, x in enumerate(nums):
        total += x
        while total >= target:
            best = min(best, right - left + 1)
            total -= nums[left]
            left += 1
    return best
""", ("example", "3")),
    Solution("max_subarray_sum", "prefix sums that index the first difference before checking there is one", """
def max_subarray_sum(nums):
    prefix = [0]
    for x in nums:
        prefix.append(prefix[-1] + x)
    best, lowest = prefix[1] - prefix[0], prefix[0]
    for j in range(1, len(prefix)):
        best = max(best, prefix[j] - lowest)
        lowest = min(lowest, prefix[j])
    return best
""", ("edge", "empty")),
    Solution("max_subarray_sum", "Kadane from 0: lets the empty subarray win", """
def max_subarray_sum(nums):
    best = here = 0
    for x in nums:
        here = max(0, here + x)
        best = max(best, here)
    return best
""", ("edge", "all_negative")),
    Solution("max_subarray_sum", "restarts only when the running sum is below the element, from 0", """
def max_subarray_sum(nums):
    if not nums:
        raise ValueError("empty")
    best = here = 0
    for x in nums:
        here = max(x, here + x)
        best = max(best, here)
    return best
""", ("edge", "all_negative")),
    Solution("max_subarray", "an inclusive stop index", """
def max_subarray(nums):
    if not nums:
        raise ValueError("nums is empty")
    best, where = nums[0], (0, 0)
    here, start = nums[0], 0
    for i in range(1, len(nums)):
        if here < 0:
            here, start = nums[i], i
        else:
            here += nums[i]
        if here > best:
            best, where = here, (start, i)
    return best, *where
""", ("example", "1")),
]

INFINITE_LOOP = """
def max_subarray_sum(nums):
    while True:
        pass
"""

SYNTAX_ERROR = """
def max_subarray_sum(nums)
    return max(nums)
"""
