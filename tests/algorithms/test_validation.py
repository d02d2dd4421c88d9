"""Tests for examples.algorithms._validation: what the array functions accept, NumPy arrays included.

The package itself never imports NumPy (it must also run where NumPy is absent); these tests do.
"""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import examples.algorithms as algorithms
from examples.algorithms import max_submatrix, max_subarray_sum

# every public function that takes one integer array, with the extra arguments it needs
ONE_ARRAY = [
    (algorithms.longest_subarray_at_most, (7,), "non-negative"),
    (algorithms.longest_subarray_at_most_any, (7,), "any"),
    (algorithms.longest_subarray_at_most_linear, (7,), "any"),
    (algorithms.shortest_subarray_at_least, (7,), "non-negative"),
    (algorithms.shortest_subarray_at_least_any, (7,), "any"),
    (algorithms.count_subarrays_at_most, (7,), "non-negative"),
    (algorithms.count_subarrays_at_most_any, (7,), "any"),
    (algorithms.max_subarray_sum, (), "non-empty"),
    (algorithms.max_subarray_sum_prefix, (), "non-empty"),
    (algorithms.max_subarray_sum_divide, (), "non-empty"),
    (algorithms.max_subarray, (), "non-empty"),
    (algorithms.max_circular_subarray_sum, (), "non-empty"),
    (algorithms.max_product_subarray, (), "non-empty"),
]
IDS = [func.__name__ for func, _, _ in ONE_ARRAY]
INTEGER_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]


def test_every_public_function_is_covered():
    assert {func.__name__ for func, _, _ in ONE_ARRAY} | {"max_submatrix"} == set(algorithms.__all__)


def _inputs(kind: str):
    low = 0 if kind == "non-negative" else -50
    return st.lists(st.integers(low, 50), min_size=1 if kind == "non-empty" else 0, max_size=20)


@pytest.mark.parametrize(("func", "extra", "kind"), ONE_ARRAY, ids=IDS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_numpy_array_gives_the_list_answer(func, extra, kind, data):
    nums = data.draw(_inputs(kind))
    array = np.array(nums, dtype=np.int64)
    assert func(array, *extra) == func(nums, *extra)
    assert func([np.int64(x) for x in nums], *(np.int32(e) for e in extra)) == func(nums, *extra)


@pytest.mark.parametrize("dtype", INTEGER_DTYPES)
@pytest.mark.parametrize(("func", "extra", "kind"), ONE_ARRAY, ids=IDS)
def test_every_integer_dtype(func, extra, kind, dtype):
    nums = [2, 3, 1, 2, 4, 3]
    assert func(np.array(nums, dtype=dtype), *extra) == func(nums, *extra)


def test_int64_sums_do_not_wrap():
    array = np.array([2**62, 2**62], dtype=np.int64)
    assert int(array.sum()) == -(2**63)  # NumPy's own sum wraps around silently
    assert max_subarray_sum(array) == 2**63  # the entries become Python ints first: exact
    assert max_subarray_sum(np.array([2**64 - 1], dtype=np.uint64)) == 2**64 - 1


@pytest.mark.parametrize(("func", "extra", "kind"), ONE_ARRAY, ids=IDS)
@pytest.mark.parametrize("values", [[1.0, 2.0], [True, False], [1 + 0j], ["1"]])
def test_numpy_array_of_non_integers(func, extra, kind, values):
    array = np.array(values)
    with pytest.raises(TypeError, match=f"nums must hold integers, got a NumPy array of dtype {array.dtype}"):
        func(array, *extra)


@pytest.mark.parametrize(("func", "extra", "kind"), ONE_ARRAY, ids=IDS)
@pytest.mark.parametrize("array", [np.array(3), np.array([[1, 2], [3, 4]])])
def test_numpy_array_not_one_dimensional(func, extra, kind, array):
    with pytest.raises(ValueError, match=r"nums must be one-dimensional, got a NumPy array of shape"):
        func(array, *extra)


def test_numpy_object_arrays_are_checked_entry_by_entry():
    assert max_subarray_sum(np.array([1, -2, 3], dtype=object)) == 3
    with pytest.raises(TypeError, match=r"nums\[1\] must be an integer, got float"):
        max_subarray_sum(np.array([1, 2.5], dtype=object))
    with pytest.raises(TypeError, match=r"nums\[0\] must be an integer, got bool"):
        max_subarray_sum([np.bool_(True)])  # NumPy's bool is not an Integral


def test_numpy_matrix():
    grid = np.array([[0, -2, -7, 0], [9, 2, -6, 2], [-4, 1, -4, 1], [-1, 8, 0, -2]], dtype=np.int16)
    assert max_submatrix(grid) == max_submatrix(grid.tolist()) == (15, 1, 4, 0, 2)
    with pytest.raises(ValueError, match=r"matrix must be two-dimensional, got a NumPy array of shape \(3,\)"):
        max_submatrix(np.array([1, 2, 3]))
    with pytest.raises(TypeError, match=r"matrix\[0\] must hold integers"):
        max_submatrix(np.ones((2, 2)))


def _run(code: str) -> None:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_the_package_does_not_import_numpy():
    _run("import sys, examples.algorithms; assert 'numpy' not in sys.modules, 'numpy was imported'")


def test_the_package_works_without_numpy():
    _run(
        "import sys; sys.modules['numpy'] = None  # any import of numpy now fails\n"
        "from examples.algorithms import longest_subarray_at_most, max_submatrix\n"
        "assert longest_subarray_at_most([2, 3, 1, 2, 4, 3], 7) == 3\n"
        "assert max_submatrix([[1, -2], [3, 4]])[0] == 7\n"
    )
