"""Video token budgets: how many LLM tokens a video costs in current models (R2-3, R1-5).

Three ways of paying for video, each computed here from the rule the source states:

* Qwen2-VL / Qwen2.5-VL through qwen-vl-utils (QwenLM/Qwen2-VL
  ``qwen-vl-utils/src/qwen_vl_utils/vision_process.py``, ``fetch_video``): sample
  at 2 fps (4 to 768 frames, an even count), resize every frame with the image
  rule under a per-frame pixel limit that shrinks as frames grow (at most
  ``VIDEO_TOTAL_PIXELS`` over the video), then merge 2 frames x 2 x 2 patches into
  one token (temporal patch 2, spatial merge 2).
* LLaVA-OneVision (arXiv 2408.03326): each frame's 27 x 27 SigLIP grid is
  bilinearly resized to ceil(27 / 2) = 14 per side, 196 tokens a frame
  (transformers ``models/llava_onevision/modeling_llava_onevision.py``,
  ``apply_pooling``).
* LongVA (arXiv 2406.16852): CLIP ViT-L/336 gives 24 x 24 patches, 2 x 2 average
  pooling leaves 144 tokens a frame, and the long-context LLM takes thousands of
  frames.
"""

from __future__ import annotations

import math

from examples._checks import check_positive_int
from examples.mllm.vision_tokens import QWEN2_VL_FACTOR, check_aspect, resize_to_multiples

QWEN_VIDEO_MIN_PIXELS = 128 * 28 * 28
"""qwen-vl-utils ``VIDEO_MIN_PIXELS``: at least 128 tokens per frame pair."""
QWEN_VIDEO_MAX_PIXELS = 768 * 28 * 28
"""qwen-vl-utils ``VIDEO_MAX_PIXELS``: at most 768 tokens per frame pair."""
QWEN_VIDEO_TOTAL_PIXELS = 24576 * 28 * 28
"""qwen-vl-utils ``VIDEO_TOTAL_PIXELS``: the budget spread over all frames."""
QWEN_FRAME_FACTOR = 2
"""Frames merged into one temporal patch (``FRAME_FACTOR``, ``temporal_patch_size``)."""
QWEN_FPS = 2.0
QWEN_MIN_FRAMES = 4
QWEN_MAX_FRAMES = 768

POOLING_ROUNDINGS = ("ceil", "floor")
"""``"ceil"``: bilinear resize to ceil(side / stride) (LLaVA-OneVision); ``"floor"``: average pooling."""


# --8<-- [start:qwen_video]
def qwen2_vl_video_frames(total_frames: int, video_fps: float, fps: float = QWEN_FPS) -> int:
    """Frames qwen-vl-utils samples from a video: ``fps`` per second, 4 to 768, rounded to even.

    Args:
        total_frames: frames in the decoded video.
        video_fps: the video's frame rate.
        fps: sampling rate (qwen-vl-utils default 2.0).

    Returns:
        The even number of sampled frames.
    """
    check_positive_int(total_frames, "total_frames")
    for value, name in ((video_fps, "video_fps"), (fps, "fps")):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    min_frames = math.ceil(QWEN_MIN_FRAMES / QWEN_FRAME_FACTOR) * QWEN_FRAME_FACTOR
    max_frames = math.floor(min(QWEN_MAX_FRAMES, total_frames) / QWEN_FRAME_FACTOR) * QWEN_FRAME_FACTOR
    wanted = total_frames / video_fps * fps
    frames = round(min(max(wanted, min_frames), max_frames) / QWEN_FRAME_FACTOR) * QWEN_FRAME_FACTOR
    if not QWEN_FRAME_FACTOR <= frames <= total_frames:
        raise ValueError(f"a video of {total_frames} frames is too short to sample {frames} frames")
    return frames


def qwen2_vl_video_frame_pixels(num_frames: int) -> float:
    """The per-frame pixel limit qwen-vl-utils sets for ``num_frames`` sampled frames.

    min(768·28², 24576·28² / num_frames · 2), but never below 1.05 · 128·28².
    """
    check_positive_int(num_frames, "num_frames")
    share = QWEN_VIDEO_TOTAL_PIXELS / num_frames * QWEN_FRAME_FACTOR
    return max(min(QWEN_VIDEO_MAX_PIXELS, share), int(QWEN_VIDEO_MIN_PIXELS * 1.05))


def qwen2_vl_video_tokens(num_frames: int, height: int, width: int) -> int:
    """LLM tokens for ``num_frames`` sampled frames of ``height x width`` through qwen-vl-utils.

    Args:
        num_frames: sampled frames, a positive even number.
        height: frame height in pixels.
        width: frame width in pixels.

    Returns:
        (num_frames / 2) · (height' / 28) · (width' / 28).
    """
    check_positive_int(num_frames, "num_frames")
    if num_frames % QWEN_FRAME_FACTOR:
        raise ValueError(f"num_frames must be a multiple of {QWEN_FRAME_FACTOR}, got {num_frames}")
    check_positive_int(height, "height")
    check_positive_int(width, "width")
    check_aspect(height, width)
    max_pixels = qwen2_vl_video_frame_pixels(num_frames)
    new_h, new_w = resize_to_multiples(height, width, QWEN2_VL_FACTOR, QWEN_VIDEO_MIN_PIXELS, max_pixels)
    per_pair = (new_h // QWEN2_VL_FACTOR) * (new_w // QWEN2_VL_FACTOR)  # one token per 2 frames x 28 x 28 px
    return num_frames // QWEN_FRAME_FACTOR * per_pair
# --8<-- [end:qwen_video]


# --8<-- [start:pooled]
def pooled_frame_tokens(image_side: int, patch: int, stride: int, rounding: str) -> int:
    """Tokens per frame after a square patch grid is pooled by ``stride`` on each side.

    Args:
        image_side: square frame side fed to the ViT (384 for SigLIP, 336 for CLIP-L).
        patch: ViT patch side (14).
        stride: pooling stride on each side (2).
        rounding: ``"ceil"`` (bilinear resize to ceil(grid / stride)) or ``"floor"`` (average pooling).

    Returns:
        pooled_side², with grid = image_side // patch.
    """
    for value, name in ((image_side, "image_side"), (patch, "patch"), (stride, "stride")):
        check_positive_int(value, name)
    if rounding not in POOLING_ROUNDINGS:
        raise ValueError(f"rounding must be one of {POOLING_ROUNDINGS}, got {rounding!r}")
    grid = image_side // patch
    side = math.ceil(grid / stride) if rounding == "ceil" else grid // stride
    if side < 1:
        raise ValueError(f"a {grid}-patch grid pooled by stride {stride} leaves no token")
    return side * side


def video_budget(frames: int, tokens_per_frame: int) -> int:
    """Visual tokens of a video whose every frame costs the same: frames x tokens_per_frame."""
    return check_positive_int(frames, "frames") * check_positive_int(tokens_per_frame, "tokens_per_frame")
# --8<-- [end:pooled]


LLAVA_ONEVISION_FRAME_TOKENS = pooled_frame_tokens(384, 14, 2, "ceil")
"""196: SigLIP at 384 px gives 27 x 27 patches, resized bilinearly to 14 x 14."""
LONGVA_FRAME_TOKENS = pooled_frame_tokens(336, 14, 2, "floor")
"""144: CLIP ViT-L/336 gives 24 x 24 patches, 2 x 2 average pooling leaves 12 x 12."""


if __name__ == "__main__":
    print(qwen2_vl_video_tokens(qwen2_vl_video_frames(60 * 30, 30.0), 1080, 1920))
    print(video_budget(64, LLAVA_ONEVISION_FRAME_TOKENS), video_budget(2000, LONGVA_FRAME_TOKENS))
