"""Array problems from the coding rounds: R1-11 (longest subarray with sum <= s,
plus LeetCode 209) and R2-5 (maximum subarray, LeetCode 53)."""

from examples.algorithms.longest_subarray import (
    longest_subarray_at_most,
    longest_subarray_at_most_any,
)
from examples.algorithms.max_subarray import (
    max_subarray,
    max_subarray_sum,
    max_subarray_sum_prefix,
)
from examples.algorithms.shortest_subarray import shortest_subarray_at_least

__all__ = [
    "longest_subarray_at_most",
    "longest_subarray_at_most_any",
    "max_subarray",
    "max_subarray_sum",
    "max_subarray_sum_prefix",
    "shortest_subarray_at_least",
]
