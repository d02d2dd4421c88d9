"""Position codes: sin-cos by brute force, RoPE as complex rotation, relative-offset property, M-RoPE ids."""

from __future__ import annotations

import cmath
import math

import pytest
import torch
from hypothesis import given, settings, strategies as st

from examples.mllm import (
    apply_mrope,
    apply_rope,
    apply_rope_2d,
    grid_positions,
    mrope_position_ids,
    sincos_1d,
    sincos_2d,
)

DTYPE = torch.float64


def brute_sincos(p: float, dim: int) -> list[float]:
    k = dim // 2
    return [math.sin(p * 10000 ** (-i / k)) for i in range(k)] + [math.cos(p * 10000 ** (-i / k)) for i in range(k)]


def test_sincos_1d_formula():
    pos = torch.tensor([0, 1, 5, 17])
    code = sincos_1d(pos, 8)
    expected = torch.tensor([brute_sincos(float(p), 8) for p in pos], dtype=DTYPE)
    torch.testing.assert_close(code, expected)


@settings(max_examples=20)
@given(st.integers(1, 5), st.integers(1, 5), st.sampled_from([4, 8, 12]))
def test_sincos_2d_half_rows_half_columns(grid_h, grid_w, dim):
    code = sincos_2d(grid_h, grid_w, dim)
    assert code.shape == (grid_h * grid_w, dim)
    for r in range(grid_h):
        for c in range(grid_w):
            expected = brute_sincos(r, dim // 2) + brute_sincos(c, dim // 2)
            torch.testing.assert_close(code[r * grid_w + c], torch.tensor(expected, dtype=DTYPE))


def test_grid_positions_raster_order():
    rows, cols = grid_positions(2, 3)
    assert rows.tolist() == [0, 0, 0, 1, 1, 1]
    assert cols.tolist() == [0, 1, 2, 0, 1, 2]


def complex_rope(x: torch.Tensor, positions: list[int]) -> torch.Tensor:
    """RoPE as complex multiplication: pair (x_i, x_{i+d/2}) is z_i, rotated by e^{i p θ_i}."""
    n, d = x.shape
    half = d // 2
    out = torch.empty_like(x)
    for t in range(n):
        for i in range(half):
            z = complex(x[t, i], x[t, i + half]) * cmath.exp(1j * positions[t] * 10000 ** (-2 * i / d))
            out[t, i], out[t, i + half] = z.real, z.imag
    return out


@settings(max_examples=20)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=5), st.sampled_from([2, 4, 8]))
def test_apply_rope_is_complex_rotation(positions, d):
    x = torch.randn(len(positions), d, dtype=DTYPE)
    torch.testing.assert_close(apply_rope(x, torch.tensor(positions)), complex_rope(x, positions))


def score_2d(q, k, q_pos, k_pos):
    (qr, qc), (kr, kc) = q_pos, k_pos
    rq = apply_rope_2d(q[None], torch.tensor([qr]), torch.tensor([qc]))[0]
    rk = apply_rope_2d(k[None], torch.tensor([kr]), torch.tensor([kc]))[0]
    return torch.dot(rq, rk)


coords = st.tuples(st.integers(0, 40), st.integers(0, 40))


@settings(max_examples=40)
@given(coords, coords, st.tuples(st.integers(-20, 20), st.integers(-20, 20)), st.sampled_from([4, 8, 16]))
def test_2d_rope_score_depends_only_on_relative_offset(q_pos, k_pos, shift, d):
    gen = torch.Generator().manual_seed(d)
    q, k = torch.randn(d, generator=gen, dtype=DTYPE), torch.randn(d, generator=gen, dtype=DTYPE)
    moved_q = (q_pos[0] + shift[0], q_pos[1] + shift[1])
    moved_k = (k_pos[0] + shift[0], k_pos[1] + shift[1])
    torch.testing.assert_close(score_2d(q, k, q_pos, k_pos), score_2d(q, k, moved_q, moved_k))


def test_2d_rope_tells_rows_from_columns():
    """Offset (1, 0) and offset (0, 1) give different scores: the code is truly two-dimensional."""
    gen = torch.Generator().manual_seed(0)
    q, k = torch.randn(8, generator=gen, dtype=DTYPE), torch.randn(8, generator=gen, dtype=DTYPE)
    assert not torch.isclose(score_2d(q, k, (1, 0), (0, 0)), score_2d(q, k, (0, 1), (0, 0)))


def brute_mrope_ids(segments):
    """Independent list-based version of Qwen2-VL's rules."""
    t_ids, h_ids, w_ids, nxt = [], [], [], 0
    for seg in segments:
        if isinstance(seg, int):
            for i in range(seg):
                t_ids.append(nxt + i), h_ids.append(nxt + i), w_ids.append(nxt + i)
            nxt += seg
        else:
            t, h, w = seg
            for a in range(t):
                for b in range(h):
                    for c in range(w):
                        t_ids.append(nxt + a), h_ids.append(nxt + b), w_ids.append(nxt + c)
            nxt = max(t_ids + h_ids + w_ids) + 1
    return [t_ids, h_ids, w_ids]


def test_mrope_worked_example():
    ids = mrope_position_ids([3, (1, 2, 3), 2])
    assert ids.tolist() == [
        [0, 1, 2, 3, 3, 3, 3, 3, 3, 6, 7],
        [0, 1, 2, 3, 3, 3, 4, 4, 4, 6, 7],
        [0, 1, 2, 3, 4, 5, 3, 4, 5, 6, 7],
    ]


segments = st.lists(
    st.one_of(st.integers(0, 6), st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 4))), max_size=5
)


@settings(max_examples=40)
@given(segments)
def test_mrope_ids_match_brute_force(segs):
    assert mrope_position_ids(segs).tolist() == brute_mrope_ids(segs)


@settings(max_examples=20)
@given(st.integers(0, 50))
def test_mrope_ids_of_pure_text_are_1d_positions(n):
    ids = mrope_position_ids([n])
    assert torch.equal(ids, torch.arange(n).expand(3, n))


def test_text_after_a_32x32_image_advances_by_32_not_1024():
    ids = mrope_position_ids([1, (1, 32, 32), 1])
    assert ids.shape == (3, 1 + 1024 + 1)
    assert ids[:, -1].tolist() == [33, 33, 33]  # the image's largest id is 1 + 31 = 32


@settings(max_examples=20)
@given(st.integers(1, 12), st.sampled_from([(1, 1, 2), (2, 3, 3), (16, 24, 24)]))
def test_mrope_on_text_equals_plain_rope(n, sections):
    d = 2 * sum(sections)
    x = torch.randn(2, n, d, dtype=DTYPE)
    ids = mrope_position_ids([n])
    torch.testing.assert_close(apply_mrope(x, ids, sections), apply_rope(x, torch.arange(n)))


def test_mrope_sections_pick_axes_brute_force():
    sections, d = (1, 2, 3), 12
    ids = mrope_position_ids([2, (2, 2, 3)])
    x = torch.randn(ids.shape[1], d, dtype=DTYPE)
    axis_of_pair = [0] * sections[0] + [1] * sections[1] + [2] * sections[2]
    expected = torch.empty_like(x)
    for t in range(ids.shape[1]):
        for i in range(d // 2):
            angle = int(ids[axis_of_pair[i], t]) * 10000 ** (-2 * i / d)
            z = complex(x[t, i], x[t, i + d // 2]) * cmath.exp(1j * angle)
            expected[t, i], expected[t, i + d // 2] = z.real, z.imag
    torch.testing.assert_close(apply_mrope(x, ids, sections), expected)


def test_bad_inputs():
    with pytest.raises(ValueError, match="dim"):
        sincos_1d(torch.arange(3), 5)
    with pytest.raises(ValueError, match="dim"):
        sincos_2d(2, 2, 6)
    with pytest.raises(ValueError, match="grid_h"):
        sincos_2d(0, 2, 8)
    with pytest.raises(TypeError, match="grid_w"):
        grid_positions(2, 2.0)
    with pytest.raises(ValueError, match="positions"):
        sincos_1d(torch.zeros(2, 2), 4)
    with pytest.raises(TypeError, match="positions"):
        apply_rope(torch.randn(3, 4), [0, 1, 2])
    with pytest.raises(ValueError, match="positions"):
        apply_rope(torch.randn(3, 4), torch.arange(2))
    with pytest.raises(ValueError, match="multiple of 2"):
        apply_rope(torch.randn(3, 5), torch.arange(3))
    with pytest.raises(ValueError, match="multiple of 4"):
        apply_rope_2d(torch.randn(3, 6), torch.arange(3), torch.arange(3))
    with pytest.raises(ValueError, match="cols"):
        apply_rope_2d(torch.randn(3, 8), torch.arange(3), torch.arange(4))
    with pytest.raises(ValueError, match="segments"):
        mrope_position_ids([2, (1, 0, 3)])
    with pytest.raises(ValueError, match="segments"):
        mrope_position_ids([-1])
    with pytest.raises(TypeError, match="segments"):
        mrope_position_ids([2, "image"])
    with pytest.raises(TypeError, match="segments"):
        mrope_position_ids("text")
    with pytest.raises(ValueError, match="sections"):
        apply_mrope(torch.randn(3, 8), mrope_position_ids([3]), (1, 1, 1))
    with pytest.raises(ValueError, match="position_ids"):
        apply_mrope(torch.randn(3, 8), torch.arange(3), (1, 1, 2))
