"""Vision token counts: published numbers pinned, resize rules against independent re-computations."""

from __future__ import annotations

import pytest
import torch
from hypothesis import example, given, settings, strategies as st

from examples.mllm import MODELS, vision_token_table, vision_tokens
from examples.mllm.vision_tokens import (
    LLAVA_NEXT_PINPOINTS,
    QWEN2_VL_PIXEL_LIMITS,
    internvl_tiles,
    llava_next_best_resolution,
    llava_next_tokens,
    qwen2_vl_resize,
    qwen2_vl_tokens,
)

PUBLISHED = [  # (model, height, width, tokens) as stated by the papers / code
    ("llava", 224, 224, 256),
    ("llava-1.5", 336, 336, 576),
    ("llava-next", 672, 672, 2928),
    ("qwen-vl", 448, 448, 256),
    ("qwen2-vl", 224, 224, 64),
    ("internvl", 448, 448, 256),
    ("blip-2", 224, 224, 32),
    ("flamingo", 320, 320, 64),
    ("mplug-owl", 224, 224, 65),
]


@pytest.mark.parametrize(("model", "height", "width", "tokens"), PUBLISHED)
def test_published_numbers(model, height, width, tokens):
    assert vision_tokens(model, height, width) == tokens


def test_llava_next_672_is_4_tiles_plus_base_plus_newlines():
    tiles, base, newlines = 4 * 576, 576, 48
    assert tiles + base == 2880
    assert llava_next_tokens(672, 672) == tiles + base + newlines == 2928


def test_fixed_count_models_ignore_image_size():
    for model in ("llava", "llava-1.5", "qwen-vl", "blip-2", "flamingo", "mplug-owl"):
        assert len({vision_tokens(model, h, w) for h, w in [(100, 900), (336, 336), (2000, 1000)]}) == 1


def unpad_by_slicing(height: int, width: int, rows: int, cols: int) -> tuple[int, int]:
    """LLaVA's unpad_image applied to a real (1, rows, cols) tensor, float arithmetic as in the original."""
    feature = torch.zeros(1, rows, cols)
    if width / height > cols / rows:
        new_h = int(height * (cols / width))
        pad = (rows - new_h) // 2
        feature = feature[:, pad : rows - pad, :]
    else:
        new_w = int(width * (rows / height))
        pad = (cols - new_w) // 2
        feature = feature[:, :, pad : cols - pad]
    return feature.shape[1], feature.shape[2]


sides = st.integers(20, 3000)


@settings(max_examples=60)
@given(sides, sides)
def test_llava_next_matches_tensor_unpadding(height, width):
    canvas_h, canvas_w = llava_next_best_resolution(height, width)
    rows, cols = unpad_by_slicing(height, width, 24 * canvas_h // 336, 24 * canvas_w // 336)
    assert vision_tokens("llava-next", height, width) == rows * cols + rows + 576


def kept_and_waste(height: int, width: int, canvas: tuple[int, int]) -> tuple[int, int]:
    """Image pixels kept and canvas pixels wasted when the image is scaled to fit a (height, width) canvas."""
    ch, cw = canvas
    scale = min(cw / width, ch / height)
    kept = min(int(width * scale) * int(height * scale), width * height)
    return kept, ch * cw - kept


@settings(max_examples=40)
@given(sides, sides)
def test_llava_next_canvas_keeps_most_pixels_then_wastes_least(height, width):
    best = kept_and_waste(height, width, llava_next_best_resolution(height, width))
    for canvas in LLAVA_NEXT_PINPOINTS:
        kept, waste = kept_and_waste(height, width, canvas)
        assert kept < best[0] or (kept == best[0] and waste >= best[1])


def test_llava_next_wide_image():
    """336 x 1344 goes on the 336 x 1008 canvas (1 x 3 tiles, 24 x 72 features); 3 padding rows go each side."""
    assert llava_next_best_resolution(336, 1344) == (336, 1008)
    assert llava_next_tokens(336, 1344) == 18 * 72 + 18 + 576


@settings(max_examples=60)
@given(st.integers(10, 5000), st.integers(10, 5000))
def test_qwen2_vl_resize_rule(height, width):
    if max(height, width) / min(height, width) > 200:
        with pytest.raises(ValueError, match="aspect"):
            qwen2_vl_resize(height, width)
        return
    new_h, new_w = qwen2_vl_resize(height, width)
    assert new_h % 28 == 0 and new_w % 28 == 0
    assert 56 * 56 <= new_h * new_w <= 28 * 28 * 1280
    assert 4 <= vision_tokens("qwen2-vl", height, width) == (new_h // 28) * (new_w // 28) <= 1280


def test_qwen2_vl_three_branches():
    assert qwen2_vl_resize(224, 224) == (224, 224)  # already multiples of 28
    assert qwen2_vl_resize(230, 300) == (224, 308)  # rounded to the nearest multiples
    # 1000 x 1000 would round to 1008 x 1008 = 1296 tokens > 1280: scaled down, rounded down to 980
    assert qwen2_vl_resize(1000, 1000) == (980, 980)
    # 20 x 20 rounds to 28 x 28 < 56 x 56: scaled up, rounded up
    assert qwen2_vl_resize(20, 20) == (56, 56)


def original_llava_anyres_count(height: int, width: int, pinpoints=LLAVA_NEXT_PINPOINTS) -> int:
    """haotian-liu/LLaVA, step by step: (width, height) sizes and pinpoints, a real feature tensor, its unpad."""
    image_size = (width, height)  # PIL's image.size
    best, max_kept, min_waste = None, 0, float("inf")
    for canvas_w, canvas_h in pinpoints:  # select_best_resolution reads pinpoints as (width, height)
        scale = min(canvas_w / image_size[0], canvas_h / image_size[1])
        kept = min(int(image_size[0] * scale) * int(image_size[1] * scale), width * height)
        if kept > max_kept or (kept == max_kept and canvas_w * canvas_h - kept < min_waste):
            best, max_kept, min_waste = (canvas_w, canvas_h), kept, canvas_w * canvas_h - kept
    tiles_w, tiles_h = best[0] // 336, best[1] // 336  # get_anyres_image_grid_shape
    feature = torch.zeros(tiles_h, tiles_w, 24, 24, 1)  # view(num_patch_height, num_patch_width, h, w, -1)
    feature = feature.permute(4, 0, 2, 1, 3).flatten(1, 2).flatten(2, 3)  # (1, rows, cols)
    rows, cols = feature.shape[1:]
    if image_size[0] / image_size[1] > cols / rows:  # unpad_image with original_size = (width, height)
        pad = (rows - int(image_size[1] * (cols / image_size[0]))) // 2
        feature = feature[:, pad : rows - pad, :]
    else:
        pad = (cols - int(image_size[0] * (rows / image_size[1]))) // 2
        feature = feature[:, :, pad : cols - pad]
    rows, cols = feature.shape[1:]
    return rows * cols + rows + 576


@settings(max_examples=80)
@given(sides, sides)
def test_llava_next_width_height_order_matches_the_original_code(height, width):
    assert llava_next_tokens(height, width, pinpoint_order="wh") == original_llava_anyres_count(height, width)


@settings(max_examples=80)
@given(sides, sides)
def test_the_two_orders_only_break_ties_differently(height, width):
    hw = llava_next_best_resolution(height, width)
    wh = llava_next_best_resolution(height, width, pinpoint_order="wh")
    assert kept_and_waste(height, width, hw) == kept_and_waste(height, width, wh)  # equally good canvases: the symmetric list only changes which tie comes first


def test_small_non_square_image_differs_between_transformers_and_the_original():
    assert llava_next_best_resolution(224, 300) == (336, 672)  # transformers: 1 x 2 tiles side by side
    assert llava_next_best_resolution(224, 300, pinpoint_order="wh") == (672, 336)  # original: 2 x 1 stacked
    assert llava_next_tokens(224, 300) == 24 * 32 + 24 + 576 == 1368
    assert llava_next_tokens(224, 300, pinpoint_order="wh") == 18 * 24 + 18 + 576 == 1026
    assert original_llava_anyres_count(224, 300) == 1026
    assert llava_next_tokens(672, 672) == llava_next_tokens(672, 672, pinpoint_order="wh") == 2928  # no tie


def test_qwen2_vl_resize_never_returns_a_zero_side():
    # a 27-px-high image under a 6272-pixel cap: the shrink rounds its height down to 0 without the floor
    assert qwen2_vl_resize(27, 300, 28, 3136, 6272) == (28, 252)
    assert qwen2_vl_resize(300, 27, 28, 3136, 6272) == (252, 28)


def test_qwen2_vl_shrink_can_lengthen_a_side_when_only_rounding_went_over_the_cap():
    # 17 x 142 = 2,414 px is under a 3,072-px cap, but rounding to multiples of 32 gives 32 x 128 = 4,096, so the
    # shrink branch runs with sqrt(2414 / 3072) < 1: the width becomes floor(142 / 0.886 / 32) * 32 = 160 and the
    # height is held at one factor (Qwen2-VL's smart_resize and qwen-vl-utils apply the same formula)
    assert qwen2_vl_resize(17, 142, 32, 1024, 3072) == (32, 160)


@settings(max_examples=200)
@given(st.integers(1, 4000), st.integers(1, 4000), st.sampled_from([14, 16, 28, 32]),
       st.integers(1, 64), st.integers(1, 2048))
@example(557, 557, 14, 1, 80)  # the shrink lands on a multiple exactly: rounding in the check must not refuse it
@example(17, 142, 32, 1, 2)
def test_qwen2_vl_resize_properties_for_any_limits(height, width, factor, min_tokens, extra_tokens):
    if max(height, width) / min(height, width) > 200:
        return
    min_pixels = min_tokens * factor * factor
    max_pixels = min_pixels + extra_tokens * factor * factor
    new_h, new_w = qwen2_vl_resize(height, width, factor, min_pixels, max_pixels)
    assert new_h >= factor and new_w >= factor
    assert new_h % factor == 0 and new_w % factor == 0
    rounded = round(height / factor) * factor * round(width / factor) * factor
    if min_pixels <= rounded <= max_pixels:  # in range: plain rounding to the nearest multiples
        assert (new_h, new_w) == (round(height / factor) * factor, round(width / factor) * factor)
    elif rounded > max_pixels:  # shrunk: within the cap unless a side is held at one factor
        assert new_h * new_w <= max_pixels or min(new_h, new_w) == factor
        # each side scaled by sqrt(max_pixels / area), then rounded down; that scale is above 1 when only the
        # rounding up went over the cap, so a side can end up longer than the image's (the examples above)
        scale = (max_pixels / (height * width)) ** 0.5 * (1 + 1e-9)  # (557 x 557 at factor 14: 126 vs 125.99...)
        assert new_h <= max(factor, height * scale) and new_w <= max(factor, width * scale)
    else:  # grown: at least the floor
        assert new_h * new_w >= min_pixels


def test_qwen2_vl_pixel_limits_by_source():
    assert 56 * 56 == 4 * 28 * 28 == 3136  # the two ways of writing the lower limit are one value
    assert QWEN2_VL_PIXEL_LIMITS["released-config"] == QWEN2_VL_PIXEL_LIMITS["qwen-vl-utils"] == (3136, 12845056)
    assert 12845056 == 16384 * 28 * 28
    assert QWEN2_VL_PIXEL_LIMITS["processor-default"] == (3136, 28 * 28 * 1280)
    assert qwen2_vl_tokens(1080, 1920) == 26 * 47 == 1222  # 728 x 1316 under the class default
    assert qwen2_vl_tokens(1080, 1920, "released-config") == 39 * 69 == 2691  # 1092 x 1932, not scaled down
    assert qwen2_vl_tokens(1080, 1920, "qwen-vl-utils") == 2691
    assert qwen2_vl_tokens(4000, 4000, "released-config") == 16384  # 3584 x 3584
    with pytest.raises(ValueError, match="limits"):
        qwen2_vl_tokens(224, 224, "default")


@settings(max_examples=40)
@given(sides, sides, st.integers(1, 12))
def test_internvl_tiles(height, width, max_tiles):
    cols, rows = internvl_tiles(height, width, max_tiles)
    assert 1 <= cols * rows <= max_tiles
    best_diff = min(abs(width / height - c / r) for c in range(1, 13) for r in range(1, 13) if c * r <= max_tiles)
    assert abs(width / height - cols / rows) == best_diff


def test_internvl_examples():
    assert vision_tokens("internvl", 448, 896) == 256 * (2 + 1)  # 2 x 1 tiles + thumbnail
    assert vision_tokens("internvl", 1000, 1000) == 256 * (9 + 1)  # big enough for 3 x 3
    assert internvl_tiles(448, 448) == (1, 1)  # not big enough for 2 x 2


def test_table_has_every_model_and_the_headers_it_is_given():
    table = vision_token_table("Modèle", "{height} by {width}", [(224, 224), (672, 672)])
    lines = table.splitlines()
    assert lines[0] == "| Modèle | 224 by 224 | 672 by 672 |"
    assert len(lines) == 2 + len(MODELS)
    assert "| LLaVA-NeXT | 1,176 | 2,928 |" in lines
    assert "| Qwen2-VL | 64 | 576 |" in lines


def test_bad_inputs():
    with pytest.raises(ValueError, match="model"):
        vision_tokens("gpt-4v", 224, 224)
    with pytest.raises(ValueError, match="model"):
        vision_tokens(None, 224, 224)
    with pytest.raises(ValueError, match="height"):
        vision_tokens("llava", 0, 224)
    with pytest.raises(TypeError, match="width"):
        vision_tokens("qwen2-vl", 224, 224.0)
    with pytest.raises(ValueError, match="aspect"):
        vision_tokens("qwen2-vl", 10, 3000)
    with pytest.raises(ValueError, match="sizes"):
        vision_token_table("Model", "{height}", [])
    with pytest.raises(ValueError, match="min_pixels"):
        qwen2_vl_resize(224, 224, 28, 6272, 3136)
    with pytest.raises(TypeError, match="max_pixels"):
        qwen2_vl_resize(224, 224, 28, 3136, 6272.0)
    with pytest.raises(ValueError, match="factor"):
        qwen2_vl_resize(224, 224, 0)
    with pytest.raises(ValueError, match="pinpoint_order"):
        llava_next_tokens(224, 300, pinpoint_order="xy")
