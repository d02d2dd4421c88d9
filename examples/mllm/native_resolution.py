"""Native-resolution ViTs: packing images of any size into one sequence, and windowed attention (R1-7, R1-2).

* NaViT's Patch n' Pack (arXiv 2307.06304): the patches of several images, each at
  its own resolution, are concatenated into one sequence; a block-diagonal mask
  keeps every image attending to itself only, so the packed forward pass equals
  running the images one by one, without padding each image to a common size.
  Qwen2-VL's ViT runs the same way (``cu_seqlens`` marks where each image starts).
* Qwen2.5-VL's ViT (arXiv 2502.13923): most layers attend only inside windows of
  112 x 112 pixels (8 x 8 patches of 14 px, the config's ``window_size: 112``);
  the layers listed in ``fullatt_block_indexes`` (7, 15, 23, 31 of 32) attend over
  the whole image. transformers ``models/qwen2_vl/vision_utils.py``
  (``get_window_index``) cuts the window grid from the top-left corner, so edge
  windows are smaller and need no padding.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from einops import rearrange
from torch import Tensor
from torch.nn import functional as F

from examples._checks import check_positive_int

QWEN25_VL_WINDOW_PATCHES = 112 // 14
"""Window side in patches: ``window_size`` 112 px / patch 14 px = 8."""
QWEN25_VL_DEPTH = 32
QWEN25_VL_FULL_ATTENTION_LAYERS = (7, 15, 23, 31)
"""``fullatt_block_indexes`` of the released Qwen2.5-VL vision config."""


# --8<-- [start:pack]
def pack_greedy(lengths: Sequence[int], capacity: int) -> list[list[int]]:
    """First-fit packing: put each image (in order) into the first sequence it fits in.

    Args:
        lengths: patch count of each image.
        capacity: tokens per packed sequence.

    Returns:
        For each packed sequence, the indices of the images it holds.
    """
    check_positive_int(capacity, "capacity")
    bins: list[list[int]] = []
    room: list[int] = []
    for index, length in enumerate(lengths):
        check_positive_int(length, f"lengths[{index}]")
        if length > capacity:
            raise ValueError(f"lengths[{index}]={length} does not fit in capacity={capacity}")
        for b, free in enumerate(room):
            if length <= free:
                bins[b].append(index)
                room[b] -= length
                break
        else:
            bins.append([index])
            room.append(capacity - length)
    return bins


def segment_ids(lengths: Sequence[int], capacity: int | None = None) -> Tensor:
    """Which image each position of a packed sequence belongs to; -1 marks padding.

    Args:
        lengths: patch counts of the images in this sequence, in order.
        capacity: sequence length; the tail beyond sum(lengths) is padding.

    Returns:
        (capacity,) long tensor of image indices.
    """
    ids = torch.cat([torch.full((check_positive_int(n, "length"),), i) for i, n in enumerate(lengths)])
    total = ids.numel()
    capacity = total if capacity is None else check_positive_int(capacity, "capacity")
    if capacity < total:
        raise ValueError(f"capacity={capacity} is smaller than the {total} packed tokens")
    return F.pad(ids, (0, capacity - total), value=-1)  # (capacity,)


def block_diagonal_mask(segments: Tensor) -> Tensor:
    """(L, L) boolean mask, True where query and key belong to the same image.

    Padding positions (-1) attend only to themselves, so no row is empty.
    """
    if not isinstance(segments, Tensor) or segments.dim() != 1:
        raise TypeError("segments must be a 1-D tensor of image indices")
    same = rearrange(segments, "q -> q 1") == rearrange(segments, "k -> 1 k")  # (L, L)
    padding = segments < 0
    return (same & ~rearrange(padding, "q -> q 1")) | torch.diag(padding)


def packed_attention(q: Tensor, k: Tensor, v: Tensor, segments: Tensor) -> Tensor:
    """Self-attention over a packed sequence, each image seeing only its own patches.

    Args:
        q: (heads, L, d) queries.
        k: (heads, L, d) keys.
        v: (heads, L, d) values.
        segments: (L,) image index per position (``segment_ids``).

    Returns:
        (heads, L, d); equal, image by image, to attention run on each image alone.
    """
    if q.shape != k.shape or q.shape != v.shape or q.dim() != 3 or q.shape[1] != segments.numel():
        raise ValueError(f"q, k, v must share a (heads, L, d) shape with L = len(segments), got {tuple(q.shape)}")
    mask = block_diagonal_mask(segments)  # (L, L), True = may attend
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)  # (heads, L, d)
# --8<-- [end:pack]


# --8<-- [start:windows]
def window_ids(grid_h: int, grid_w: int, window: int = QWEN25_VL_WINDOW_PATCHES) -> Tensor:
    """Window index of every patch of a (grid_h, grid_w) grid, raster order, windows cut from the top left.

    Returns:
        (grid_h · grid_w,) long tensor; patches with the same index attend to each other.
    """
    for value, name in ((grid_h, "grid_h"), (grid_w, "grid_w"), (window, "window")):
        check_positive_int(value, name)
    cols_of_windows = -(-grid_w // window)  # ceil
    rows = torch.arange(grid_h) // window
    cols = torch.arange(grid_w) // window
    ids = rearrange(rows, "h -> h 1") * cols_of_windows + rearrange(cols, "w -> 1 w")  # (grid_h, grid_w)
    return rearrange(ids, "h w -> (h w)")


def attention_pairs(groups: Tensor) -> int:
    """Query-key pairs scored when each position attends to its own group: sum of group sizes²."""
    return int((torch.bincount(groups) ** 2).sum())


def qwen25_vl_vit_pairs(grid_h: int, grid_w: int, depth: int = QWEN25_VL_DEPTH,
                        full_layers: Sequence[int] = QWEN25_VL_FULL_ATTENTION_LAYERS) -> tuple[int, int]:
    """Attention pairs summed over the ViT's layers: (Qwen2.5-VL's windowed layout, every layer full).

    Args:
        grid_h: patch rows of the resized image (height' / 14).
        grid_w: patch columns (width' / 14).
        depth: ViT layers.
        full_layers: indices of the layers with full attention.

    Returns:
        ``(windowed, full)`` pair counts; their ratio is the attention cost saved.
    """
    check_positive_int(depth, "depth")
    if any(not 0 <= i < depth for i in full_layers):
        raise ValueError(f"full_layers must be layer indices below depth={depth}, got {tuple(full_layers)}")
    n = grid_h * grid_w
    local = attention_pairs(window_ids(grid_h, grid_w))
    n_full = len(set(full_layers))
    return (depth - n_full) * local + n_full * n * n, depth * n * n
# --8<-- [end:windows]


if __name__ == "__main__":
    print(pack_greedy([700, 300, 900, 100], capacity=1024))
    print(qwen25_vl_vit_pairs(1092 // 14, 1932 // 14))
