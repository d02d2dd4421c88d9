"""Hypothesis strategies shared by the video attention tests."""

from __future__ import annotations

from hypothesis import strategies as st

Grid = tuple[int, int, int]


@st.composite
def grid_window_shift(draw, max_windows: int = 3) -> tuple[Grid, Grid, Grid]:
    """A (t, h, w) grid tiled by a whole number (1..max_windows per axis) of windows, and a shift within a window."""
    window = draw(st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)))
    counts = draw(st.tuples(*(st.integers(1, max_windows) for _ in range(3))))
    grid = tuple(w * c for w, c in zip(window, counts))
    shift = tuple(draw(st.integers(0, w - 1)) for w in window)
    return grid, window, shift
