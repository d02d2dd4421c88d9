"""Array problems from the coding rounds: R1-11 (longest subarray with sum <= s,
plus LeetCode 209 and 862 and counting) and R2-5 (maximum subarray, LeetCode 53,
with its circular, product and 2-D follow-ups).

Pure Python (standard library only), so the same files also run in a browser.
"""

from examples.algorithms.circular_max_subarray import max_circular_subarray_sum
from examples.algorithms.count_subarrays import count_subarrays_at_most, count_subarrays_at_most_any
from examples.algorithms.longest_subarray import (
    longest_subarray_at_most,
    longest_subarray_at_most_any,
    longest_subarray_at_most_linear,
)
from examples.algorithms.max_product_subarray import max_product_subarray
from examples.algorithms.max_subarray import (
    max_subarray,
    max_subarray_sum,
    max_subarray_sum_divide,
    max_subarray_sum_prefix,
)
from examples.algorithms.max_submatrix import max_submatrix
from examples.algorithms.shortest_subarray import shortest_subarray_at_least, shortest_subarray_at_least_any

__all__ = [
    "count_subarrays_at_most",
    "count_subarrays_at_most_any",
    "longest_subarray_at_most",
    "longest_subarray_at_most_any",
    "longest_subarray_at_most_linear",
    "max_circular_subarray_sum",
    "max_product_subarray",
    "max_subarray",
    "max_subarray_sum",
    "max_subarray_sum_divide",
    "max_subarray_sum_prefix",
    "max_submatrix",
    "shortest_subarray_at_least",
    "shortest_subarray_at_least_any",
]
