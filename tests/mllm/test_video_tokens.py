"""Video token budgets: qwen-vl-utils' sampling and resize rule, pooled frames against real pooling."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch.nn import functional as F

from examples.mllm.video_tokens import (
    LLAVA_ONEVISION_FRAME_TOKENS,
    LONGVA_FRAME_TOKENS,
    pooled_frame_tokens,
    qwen2_vl_video_frame_pixels,
    qwen2_vl_video_frames,
    qwen2_vl_video_tokens,
    video_budget,
)
from examples.mllm.vision_tokens import qwen2_vl_resize


def test_published_per_frame_counts():
    assert LLAVA_ONEVISION_FRAME_TOKENS == 14 * 14 == 196  # 27 x 27 SigLIP patches, ceil(27 / 2) = 14
    assert LONGVA_FRAME_TOKENS == 12 * 12 == 144  # 24 x 24 CLIP patches, 2 x 2 average pooling
    assert video_budget(2000, LONGVA_FRAME_TOKENS) == 288_000  # LongVA's "2000 frames, over 200K tokens"


@pytest.mark.parametrize(("side", "patch", "stride"), [(384, 14, 2), (336, 14, 2), (336, 14, 3), (224, 16, 4)])
def test_pooled_frame_tokens_match_torch_pooling(side, patch, stride):
    grid = side // patch
    features = torch.randn(1, 8, grid, grid)
    bilinear = F.interpolate(features, size=[math.ceil(grid / stride)] * 2, mode="bilinear")
    average = F.avg_pool2d(features, stride)
    assert pooled_frame_tokens(side, patch, stride, "ceil") == bilinear.shape[-2] * bilinear.shape[-1]
    assert pooled_frame_tokens(side, patch, stride, "floor") == average.shape[-2] * average.shape[-1]


def test_qwen_frame_sampling():
    assert qwen2_vl_video_frames(60 * 30, 30.0) == 120  # one minute at 30 fps, sampled at 2 fps
    assert qwen2_vl_video_frames(3600 * 30, 30.0) == 768  # an hour: capped at 768 frames
    assert qwen2_vl_video_frames(30, 30.0) == 4  # one second: raised to the 4-frame minimum
    assert qwen2_vl_video_frames(61, 30.0) == 4
    with pytest.raises(ValueError, match="too short"):
        qwen2_vl_video_frames(1, 30.0)


@settings(max_examples=60)
@given(st.integers(4, 200_000), st.floats(1.0, 120.0))
def test_qwen_frame_sampling_properties(total_frames, video_fps):
    frames = qwen2_vl_video_frames(total_frames, video_fps)
    assert frames % 2 == 0 and 4 <= frames <= min(768, total_frames)
    wanted = total_frames / video_fps * 2
    if 4 <= wanted <= min(768, total_frames) - 2:
        assert abs(frames - wanted) <= 1


def test_qwen_per_frame_limit_shrinks_with_frames():
    assert qwen2_vl_video_frame_pixels(4) == 768 * 28 * 28  # few frames: the per-frame cap
    assert qwen2_vl_video_frame_pixels(128) == 24576 * 28 * 28 / 128 * 2  # the total budget shared out
    assert qwen2_vl_video_frame_pixels(768) == int(128 * 28 * 28 * 1.05)  # floor at 1.05 x the minimum


@settings(max_examples=60)
@given(st.integers(1, 384).map(lambda n: 2 * n), st.integers(28, 2200), st.integers(28, 2200))
def test_qwen_video_tokens_follow_the_image_rule(frames, height, width):
    if max(height, width) / min(height, width) > 200:
        return
    limit = qwen2_vl_video_frame_pixels(frames)
    tokens = qwen2_vl_video_tokens(frames, height, width)
    if limit == int(limit):  # an integer limit: the checked image function gives the frame size
        new_h, new_w = qwen2_vl_resize(height, width, 28, 128 * 28 * 28, int(limit))
        assert tokens == frames // 2 * (new_h // 28) * (new_w // 28)
    assert tokens <= max(frames // 2 * limit / (28 * 28), frames // 2 * 200)


def test_qwen_video_examples():
    assert qwen2_vl_video_tokens(4, 1080, 1920) == 2 * 720  # 560 x 1008 per frame pair
    assert qwen2_vl_video_tokens(120, 1080, 1920) == 60 * 390  # one minute
    assert qwen2_vl_video_tokens(768, 1080, 1920) == 384 * 120  # an hour, 768 frames


def test_bad_inputs():
    with pytest.raises(ValueError, match="multiple of 2"):
        qwen2_vl_video_tokens(3, 224, 224)
    with pytest.raises(ValueError, match="video_fps"):
        qwen2_vl_video_frames(100, 0.0)
    with pytest.raises(ValueError, match="rounding"):
        pooled_frame_tokens(336, 14, 2, "round")
    with pytest.raises(ValueError, match="no token"):
        pooled_frame_tokens(28, 14, 4, "floor")
    with pytest.raises(TypeError, match="frames"):
        video_budget(2.0, 144)
    with pytest.raises(ValueError, match="aspect"):
        qwen2_vl_video_tokens(4, 10, 3000)
