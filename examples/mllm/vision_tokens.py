"""How many visual tokens a model hands its LLM for one image (R1-2).

``vision_tokens(model, height, width)`` counts the vectors the connector puts into
the LLM's input sequence for one image of ``height x width`` pixels (or, for
Flamingo, the visual tokens its cross-attention layers read). Learned separators
that are part of the visual output count (LLaVA-NeXT's ``image_newline``,
mPLUG-Owl's EOS); text special tokens around the image (``<img>``, ``</img>``,
``<|vision_start|>``) do not.

What is computed, model by model:

* ``llava`` -- CLIP ViT-L/14 at 224 px, every patch kept: (224 / 14)² = 256
  (LLaVA, arXiv 2304.08485). Any image is resized to 224 first.
* ``llava-1.5`` -- the same ViT at 336 px: (336 / 14)² = 576 (arXiv 2310.03744).
* ``llava-next`` -- AnyRes of LLaVA-NeXT / LLaVA-1.6, as transformers'
  ``LlavaNextProcessor._get_number_of_features`` counts it
  (``models/llava_next/processing_llava_next.py``): choose the grid pinpoint
  (``LLAVA_NEXT_PINPOINTS``, transformers' ``LlavaNextConfig`` default) that keeps
  the most of the image's pixels, then the least padding; its 336-px tiles give a
  (24·rows) x (24·cols) feature map; strip the rows (or columns) that only hold
  padding (``unpad_image`` in haotian-liu/LLaVA ``llava/model/llava_arch.py``); add
  one ``image_newline`` per remaining row; add the 576 tokens of the whole image
  resized to 336. The unpadded side is computed in exact integers; transformers
  rounds a float to 7 decimals first, which gives the same integer for any image
  under ten million pixels a side. transformers reads each pinpoint as
  (height, width), the original haotian-liu/LLaVA code (``select_best_resolution``
  and ``get_anyres_image_grid_shape`` in ``llava/mm_utils.py``) as (width, height):
  ``pinpoint_order`` selects either. The list is symmetric, so only ties differ,
  but a tie is the rule for small images (224 x 300: 1368 tokens in transformers,
  1026 in the original code).
* ``qwen-vl`` -- ViT at 448 px = 1024 patches, compressed by the cross-attention
  adapter to 256 queries (arXiv 2308.12966).
* ``qwen2-vl`` -- native resolution (arXiv 2409.12191): both sides are rounded to
  multiples of 28 (patch 14, then 2 x 2 merging) by ``qwen2_vl_resize``, which
  follows ``smart_resize`` in transformers
  ``models/qwen2_vl/image_processing_qwen2_vl.py``; tokens = (H' / 28)·(W' / 28).
  ``vision_tokens`` uses the image processor's class defaults
  ``min_pixels = 56·56`` and ``max_pixels = 28·28·1280`` (4 to 1280 tokens). The
  released checkpoints' ``preprocessor_config.json`` and qwen-vl-utils both use
  3136 = 4·28·28 = 56·56 and 12845056 = 16384·28·28 pixels instead
  (``QWEN2_VL_PIXEL_LIMITS``), so large images cost more there.
* ``internvl`` -- dynamic tiling of InternVL 1.5 / 2 (``dynamic_preprocess`` in
  OpenGVLab/InternVL ``internvl_chat/internvl/train/dataset.py``, with the model
  card's ``max_num=12`` and ``use_thumbnail=True``): the image is cut into
  cols x rows tiles of 448 px, the grid whose aspect ratio is closest to the
  image's; a 448-px thumbnail is added when there is more than one tile. Each tile
  gives (448 / 14)² / 4 = 256 tokens after pixel shuffle.
* ``blip-2`` -- 32 Q-Former queries (arXiv 2301.12597).
* ``flamingo`` -- 64 Perceiver Resampler latents per image (arXiv 2204.14198).
* ``mplug-owl`` -- 64 abstractor queries + 1 learned EOS = 65 (arXiv 2304.14178).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from examples._checks import check_positive_int
from examples.mllm.cross_attention_adapter import QWEN_VL_NUM_QUERIES
from examples.mllm.perceiver_resampler import FLAMINGO_NUM_LATENTS
from examples.mllm.video_abstractor import video_llm_tokens

MODELS = ("llava", "llava-1.5", "llava-next", "qwen-vl", "qwen2-vl", "internvl", "blip-2", "flamingo", "mplug-owl")
"""Model names ``vision_tokens`` knows."""

MODEL_NAMES = {
    "llava": "LLaVA", "llava-1.5": "LLaVA-1.5", "llava-next": "LLaVA-NeXT", "qwen-vl": "Qwen-VL",
    "qwen2-vl": "Qwen2-VL", "internvl": "InternVL", "blip-2": "BLIP-2", "flamingo": "Flamingo",
    "mplug-owl": "mPLUG-Owl",
}
"""Display name of each model."""

PATCH = 14
"""Patch side of every ViT here (CLIP ViT-L/14, EVA ViT-g/14, InternViT, Qwen ViTs)."""

BLIP2_NUM_QUERIES = 32
LLAVA_NEXT_PINPOINTS = ((336, 672), (672, 336), (672, 672), (1008, 336), (336, 1008))
"""AnyRes canvases (height, width): transformers ``LlavaNextConfig.image_grid_pinpoints`` default."""

QWEN2_VL_FACTOR = 28
QWEN2_VL_MIN_PIXELS = 56 * 56
"""Image processor class default (transformers); equal to 4·28·28."""
QWEN2_VL_MAX_PIXELS = 28 * 28 * 1280
"""Image processor class default (transformers): at most 1280 tokens."""
QWEN2_VL_PIXEL_LIMITS = {
    "processor-default": (QWEN2_VL_MIN_PIXELS, QWEN2_VL_MAX_PIXELS),
    "released-config": (3136, 12845056),
    "qwen-vl-utils": (4 * 28 * 28, 16384 * 28 * 28),
}
"""(min_pixels, max_pixels) by source: transformers' ``Qwen2VLImageProcessor`` class
defaults; ``preprocessor_config.json`` of the released checkpoints (Qwen/Qwen2-VL-2B,
-7B-Instruct); qwen-vl-utils ``vision_process.py`` (``MIN_PIXELS``, ``MAX_PIXELS``)."""
INTERNVL_TILE = 448
INTERNVL_MAX_TILES = 12


# --8<-- [start:grid]
def patch_grid_tokens(side: int, patch: int = PATCH) -> int:
    """Patches of a square ViT input: (side / patch)²."""
    check_positive_int(side, "side")
    if side % patch:
        raise ValueError(f"side={side} is not a multiple of the patch size {patch}")
    return (side // patch) ** 2
# --8<-- [end:grid]


# --8<-- [start:qwen2_vl]
def check_aspect(height: int, width: int, max_ratio: int = 200) -> None:
    """Raise ValueError when the longer side is more than ``max_ratio`` times the shorter one."""
    if max(height, width) / min(height, width) > max_ratio:
        raise ValueError(f"height / width aspect ratio must be at most {max_ratio}, got {height} x {width}")


def resize_to_multiples(height: int, width: int, factor: int, min_pixels: float,
                        max_pixels: float) -> tuple[int, int]:
    """The rule behind ``qwen2_vl_resize``, for checked arguments (limits may be fractional).

    Round each side to the nearest multiple of ``factor``; above ``max_pixels``,
    shrink both sides by one ratio and round down, never below ``factor``; below
    ``min_pixels``, grow them and round up.
    """
    h_bar = round(height / factor) * factor
    w_bar = round(width / factor) * factor
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt(height * width / max_pixels)
        h_bar = max(factor, math.floor(height / beta / factor) * factor)  # a side of 0 would be no image
        w_bar = max(factor, math.floor(width / beta / factor) * factor)
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h_bar = math.ceil(height * beta / factor) * factor
        w_bar = math.ceil(width * beta / factor) * factor
    return h_bar, w_bar


def qwen2_vl_resize(height: int, width: int, factor: int = QWEN2_VL_FACTOR,
                    min_pixels: int = QWEN2_VL_MIN_PIXELS, max_pixels: int = QWEN2_VL_MAX_PIXELS) -> tuple[int, int]:
    """Qwen2-VL's resize rule: sides become multiples of ``factor``, pixels stay within limits.

    Round each side to the nearest multiple of ``factor`` (Python's ``round``); if
    that exceeds ``max_pixels``, shrink both sides by the same ratio and round
    down, but never below ``factor``; if it falls below ``min_pixels``, grow them
    and round up. The aspect ratio is kept as well as the multiples allow. When a
    side is held at ``factor`` (a thin image and a small ``max_pixels``), the area
    can exceed ``max_pixels``: no multiple of ``factor`` fits, and one row of
    tokens is kept rather than none.

    Args:
        height: image height in pixels.
        width: image width in pixels.
        factor: 28 = patch 14 x merge 2.
        min_pixels: lower limit on height' x width'.
        max_pixels: upper limit on height' x width', at least ``min_pixels``.

    Returns:
        ``(height', width')``, both positive multiples of ``factor``.
    """
    for value, name in ((height, "height"), (width, "width"), (factor, "factor"),
                        (min_pixels, "min_pixels"), (max_pixels, "max_pixels")):
        check_positive_int(value, name)
    if min_pixels > max_pixels:
        raise ValueError(f"min_pixels={min_pixels} must be <= max_pixels={max_pixels}")
    check_aspect(height, width)
    return resize_to_multiples(height, width, factor, min_pixels, max_pixels)


def qwen2_vl_tokens(height: int, width: int, limits: str = "processor-default") -> int:
    """Qwen2-VL's LLM tokens for one image under the pixel limits of one source.

    Args:
        height: image height in pixels.
        width: image width in pixels.
        limits: a key of ``QWEN2_VL_PIXEL_LIMITS``.

    Returns:
        (height' / 28) · (width' / 28) for the resized image.
    """
    if not isinstance(limits, str) or limits not in QWEN2_VL_PIXEL_LIMITS:
        raise ValueError(f"limits must be one of {tuple(QWEN2_VL_PIXEL_LIMITS)}, got {limits!r}")
    min_pixels, max_pixels = QWEN2_VL_PIXEL_LIMITS[limits]
    new_h, new_w = qwen2_vl_resize(height, width, QWEN2_VL_FACTOR, min_pixels, max_pixels)
    return (new_h // QWEN2_VL_FACTOR) * (new_w // QWEN2_VL_FACTOR)
# --8<-- [end:qwen2_vl]


# --8<-- [start:llava_next]
PINPOINT_ORDERS = ("hw", "wh")
"""How a pinpoint pair is read: ``"hw"`` (height, width) as transformers does,
``"wh"`` (width, height) as haotian-liu/LLaVA ``llava/mm_utils.py`` does."""


def llava_next_best_resolution(height: int, width: int,
                               pinpoints: Sequence[tuple[int, int]] = LLAVA_NEXT_PINPOINTS,
                               pinpoint_order: str = "hw") -> tuple[int, int]:
    """The AnyRes canvas (height, width) for an image: most image pixels kept, then least padding.

    Args:
        height: image height in pixels.
        width: image width in pixels.
        pinpoints: candidate canvases, each read as ``pinpoint_order`` says.
        pinpoint_order: ``"hw"`` (transformers) or ``"wh"`` (original LLaVA code).

    Returns:
        The chosen canvas as ``(height, width)``; the first best in list order wins a tie.
    """
    check_positive_int(height, "height")
    check_positive_int(width, "width")
    if pinpoint_order not in PINPOINT_ORDERS:
        raise ValueError(f"pinpoint_order must be one of {PINPOINT_ORDERS}, got {pinpoint_order!r}")
    canvases = [(a, b) if pinpoint_order == "hw" else (b, a) for a, b in pinpoints]  # as (height, width)
    best, best_key = None, None
    for canvas_h, canvas_w in canvases:
        scale = min(canvas_w / width, canvas_h / height)
        kept = min(int(width * scale) * int(height * scale), width * height)  # image pixels that survive
        wasted = canvas_h * canvas_w - kept
        key = (kept, -wasted)
        if best_key is None or key > best_key:  # first best wins ties, as in the reference loop
            best, best_key = (canvas_h, canvas_w), key
    return best


def llava_next_tokens(height: int, width: int, tile: int = 336, patch: int = PATCH,
                      pinpoints: Sequence[tuple[int, int]] = LLAVA_NEXT_PINPOINTS,
                      pinpoint_order: str = "hw") -> int:
    """LLaVA-NeXT (AnyRes, spatial unpad, one newline per row) tokens for one image.

    Args:
        height: image height in pixels.
        width: image width in pixels.
        tile: ViT input side (336).
        patch: ViT patch side (14).
        pinpoints: AnyRes canvases, multiples of ``tile``.
        pinpoint_order: ``"hw"`` (transformers) or ``"wh"`` (original LLaVA code).

    Returns:
        unpadded_rows x unpadded_cols + unpadded_rows (newlines) + (tile / patch)² (base image).
    """
    canvas_h, canvas_w = llava_next_best_resolution(height, width, pinpoints, pinpoint_order)
    side = tile // patch  # 24 feature rows per tile
    rows, cols = side * (canvas_h // tile), side * (canvas_w // tile)  # feature map of the tiles
    if width * rows > cols * height:  # image wider than the feature map: padding is above and below
        new_rows = height * cols // width
        rows -= 2 * ((rows - new_rows) // 2)
    else:  # image taller (or same shape): padding left and right
        new_cols = width * rows // height
        cols -= 2 * ((cols - new_cols) // 2)
    return rows * cols + rows + side * side
# --8<-- [end:llava_next]


# --8<-- [start:internvl]
def internvl_tiles(height: int, width: int, max_tiles: int = INTERNVL_MAX_TILES,
                   tile: int = INTERNVL_TILE) -> tuple[int, int]:
    """InternVL's dynamic tiling: the (cols, rows) grid of ``tile``-px tiles for an image.

    Among grids with 1 <= cols·rows <= ``max_tiles``, take the one whose aspect
    ratio cols / rows is closest to width / height; on a tie, a larger grid wins
    only if the image has more than half its pixels.

    Args:
        height: image height in pixels.
        width: image width in pixels.
        max_tiles: largest number of tiles.
        tile: tile side in pixels.

    Returns:
        ``(cols, rows)``.
    """
    check_positive_int(height, "height")
    check_positive_int(width, "width")
    check_positive_int(max_tiles, "max_tiles")
    aspect = width / height
    grids = sorted(
        ((cols, rows) for cols in range(1, max_tiles + 1) for rows in range(1, max_tiles + 1) if cols * rows <= max_tiles),
        key=lambda g: (g[0] * g[1], g),
    )
    best, best_diff = (1, 1), float("inf")
    for cols, rows in grids:
        diff = abs(aspect - cols / rows)
        if diff < best_diff:
            best, best_diff = (cols, rows), diff
        elif diff == best_diff and width * height > 0.5 * tile * tile * cols * rows:
            best = (cols, rows)
    return best


def internvl_tokens(height: int, width: int, max_tiles: int = INTERNVL_MAX_TILES) -> int:
    """256 tokens per 448-px tile, plus a thumbnail tile when the image needs more than one."""
    cols, rows = internvl_tiles(height, width, max_tiles)
    tiles = cols * rows + (1 if cols * rows > 1 else 0)
    per_tile = patch_grid_tokens(INTERNVL_TILE) // 4  # pixel shuffle: 2 x 2 patches -> 1 token
    return tiles * per_tile
# --8<-- [end:internvl]


# --8<-- [start:vision_tokens]
def vision_tokens(model: str, height: int, width: int) -> int:
    """Visual tokens the connector hands to the LLM for one ``height x width`` image.

    Args:
        model: one of ``MODELS``.
        height: image height in pixels.
        width: image width in pixels.

    Returns:
        The token count (see the module docstring for what each model computes).
    """
    if not isinstance(model, str) or model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    check_positive_int(height, "height")
    check_positive_int(width, "width")
    if model == "llava":
        return patch_grid_tokens(224)  # 256, any image is resized to 224
    if model == "llava-1.5":
        return patch_grid_tokens(336)  # 576, padded to a square, resized to 336
    if model == "llava-next":
        return llava_next_tokens(height, width)
    if model == "qwen-vl":
        return QWEN_VL_NUM_QUERIES  # 448 px -> 1024 patches -> 256 queries
    if model == "qwen2-vl":
        return qwen2_vl_tokens(height, width)  # the image processor's class defaults
    if model == "internvl":
        return internvl_tokens(height, width)
    if model == "blip-2":
        return BLIP2_NUM_QUERIES
    if model == "flamingo":
        return FLAMINGO_NUM_LATENTS
    return video_llm_tokens()  # mplug-owl: 64 queries + EOS
# --8<-- [end:vision_tokens]


def vision_token_table(model_header: str, size_header: str, sizes: Sequence[tuple[int, int]],
                       models: Sequence[str] = MODELS) -> str:
    """A markdown table of ``vision_tokens``: one row per model, one column per image size.

    Args:
        model_header: heading of the first column.
        size_header: heading of a size column, a format string with ``{height}``
            and ``{width}`` (e.g. ``"{height}×{width}"``).
        sizes: image sizes (height, width), one column each.
        models: rows, from ``MODELS``.

    Returns:
        The table as markdown text (no trailing newline).
    """
    if not sizes:
        raise ValueError("sizes must list at least one (height, width)")
    header = [model_header] + [size_header.format(height=h, width=w) for h, w in sizes]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for model in models:
        counts = [f"{vision_tokens(model, h, w):,}" for h, w in sizes]
        name = MODEL_NAMES.get(model, model)
        lines.append("| " + " | ".join([name] + counts) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(vision_token_table("Model", "{height}×{width}", [(224, 224), (336, 336), (672, 672), (336, 1344)]))
