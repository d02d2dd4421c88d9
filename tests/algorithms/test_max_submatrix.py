"""Tests for examples.algorithms.max_submatrix (maximum-sum rectangle, the 2-D LeetCode 53)."""

import pytest
from hypothesis import given, settings, strategies as st

from examples.algorithms import max_subarray_sum, max_submatrix
from tests.algorithms import brute_force


@st.composite
def matrices(draw, max_side=6):
    rows = draw(st.integers(1, max_side))
    cols = draw(st.integers(1, max_side))
    return draw(st.lists(st.lists(st.integers(-20, 20), min_size=cols, max_size=cols), min_size=rows, max_size=rows))


@settings(max_examples=200, deadline=None)
@given(matrix=matrices())
def test_matches_brute_force(matrix):
    best, top, bottom, left, right = max_submatrix(matrix)
    assert 0 <= top < bottom <= len(matrix) and 0 <= left < right <= len(matrix[0])
    assert brute_force.rectangle_sum(matrix, top, bottom, left, right) == best
    assert best == brute_force.max_rectangle_sum(matrix)


@settings(max_examples=100, deadline=None)
@given(matrix=matrices())
def test_transposing_does_not_change_the_sum(matrix):
    transposed = [list(column) for column in zip(*matrix)]
    assert max_submatrix(transposed)[0] == max_submatrix(matrix)[0]


@settings(max_examples=100, deadline=None)
@given(row=st.lists(st.integers(-20, 20), min_size=1, max_size=20))
def test_one_row_or_one_column_is_the_1d_problem(row):
    assert max_submatrix([row])[0] == max_subarray_sum(row)
    assert max_submatrix([[x] for x in row])[0] == max_subarray_sum(row)


def test_uva_108_example():
    grid = [[0, -2, -7, 0], [9, 2, -6, 2], [-4, 1, -4, 1], [-1, 8, 0, -2]]
    assert max_submatrix(grid) == (15, 1, 4, 0, 2)  # [[9, 2], [-4, 1], [-1, 8]]


def test_all_negative_gives_the_largest_cell():
    assert max_submatrix([[-5, -1], [-3, -4]]) == (-1, 0, 1, 1, 2)
    assert max_submatrix([[-5], [-1], [-3]]) == (-1, 1, 2, 0, 1)  # tall: solved transposed


@pytest.mark.parametrize("matrix", [[], [[]], [[], []]])
def test_empty(matrix):
    with pytest.raises(ValueError, match="at least one row and one column"):
        max_submatrix(matrix)


def test_ragged():
    with pytest.raises(ValueError, match=r"matrix\[1\] has 1 entries"):
        max_submatrix([[1, 2], [3]])


@pytest.mark.parametrize(
    ("matrix", "message"),
    [(None, "matrix must"), ("12", "matrix must"), ([1, 2], r"matrix\[0\]"), ([[1, 2.0]], r"matrix\[0\]\[1\]")],
)
def test_bad_types(matrix, message):
    with pytest.raises(TypeError, match=message):
        max_submatrix(matrix)
