"""What a connector's token count costs the LLM: prefill FLOPs of a LLaMA-style decoder (R1-6).

The connector itself is cheap; what it decides is how many tokens the LLM must
process. ``prefill_flops`` counts the matrix-multiply FLOPs (2 per multiply-add) of
one forward pass over ``n`` tokens through a decoder with multi-head attention and
a SwiGLU feed-forward, per layer:

* q, k, v and output projections: 2·n·d·(2d + 2·d_kv);
* attention scores q kᵀ and the weighted sum of values: 2 · 2·n²·d, counting the
  full n x n matrix (what a plain implementation computes; a causal kernel can skip
  about half of it);
* SwiGLU gate, up and down projections: 3 · 2·n·d·d_ff.

Norms, softmax, rotary embedding, the embedding lookup and the LM head are left out.
The default shape is Vicuna-7B v1.5, the LLM of LLaVA-1.5-7B, which has the LLaMA-7B
shape: 32 layers, d = 4096 (LLaMA, arXiv 2302.13971, Table 2) and d_ff = 11008
(facebookresearch/llama ``llama/model.py``: 2/3 of 4d rounded up to a multiple of 256).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from examples._checks import check_positive_int
from examples.mllm.vision_tokens import PATCH

CONNECTOR_KINDS = ("linear", "mlp", "pooling", "pixel-shuffle", "resampler")


@dataclass(frozen=True)
class DecoderShape:
    """The sizes of a decoder-only LLM that set its FLOPs.

    Attributes:
        layers: number of transformer blocks.
        hidden: model width d.
        intermediate: SwiGLU hidden width d_ff.
        kv_hidden: width of k and v (d for multi-head attention; smaller with GQA).
    """

    layers: int
    hidden: int
    intermediate: int
    kv_hidden: int | None = None


VICUNA_7B = DecoderShape(layers=32, hidden=4096, intermediate=11008)
"""LLaMA-2-7B / Vicuna-7B v1.5 shape."""


# --8<-- [start:prefill]
def prefill_flops(num_tokens: int, shape: DecoderShape = VICUNA_7B) -> int:
    """Matmul FLOPs of one prefill pass over ``num_tokens`` tokens.

    Args:
        num_tokens: n, visual plus text tokens in the prompt.
        shape: the decoder's sizes.

    Returns:
        layers · (2n·d·(2d + 2·d_kv) + 4n²·d + 6n·d·d_ff).
    """
    n = check_positive_int(num_tokens, "num_tokens")
    d, f = shape.hidden, shape.intermediate
    d_kv = d if shape.kv_hidden is None else shape.kv_hidden
    projections = 2 * n * d * (2 * d + 2 * d_kv)  # q, o: d x d; k, v: d x d_kv
    attention = 2 * (2 * n * n * d)  # q kᵀ, then weights @ v
    feed_forward = 3 * (2 * n * d * f)  # gate, up, down
    return shape.layers * (projections + attention + feed_forward)
# --8<-- [end:prefill]


# --8<-- [start:connector_tokens]
def connector_tokens(kind: str, grid_h: int, grid_w: int, param: int | None = None) -> int:
    """Tokens a connector hands to the LLM for a (grid_h, grid_w) grid of ViT patches.

    Args:
        kind: ``"linear"`` or ``"mlp"`` (every patch, ``param`` must be None);
            ``"pooling"`` (``param`` = output side, required); ``"pixel-shuffle"``
            (``param`` = block side, default 2); ``"resampler"`` (``param`` = number
            of learned queries, default 64).
        grid_h: patch rows.
        grid_w: patch columns.
        param: the kind's size parameter, see ``kind``.

    Returns:
        The token count, as the matching module in ``examples.mllm`` produces it.
    """
    if kind not in CONNECTOR_KINDS:
        raise ValueError(f"kind must be one of {CONNECTOR_KINDS}, got {kind!r}")
    grid_h, grid_w = check_positive_int(grid_h, "grid_h"), check_positive_int(grid_w, "grid_w")
    if kind in ("linear", "mlp"):
        if param is not None:
            raise ValueError(f"param must be None for kind={kind!r}, got {param!r}")
        return grid_h * grid_w
    if kind == "pooling":
        if param is None:
            raise ValueError("param (the pooled side) is required for kind='pooling'")
        side = check_positive_int(param, "param")
        if side > min(grid_h, grid_w):
            raise ValueError(f"param={side} is larger than the patch grid ({grid_h}, {grid_w})")
        return side * side
    if kind == "pixel-shuffle":
        factor = check_positive_int(2 if param is None else param, "param")
        if grid_h % factor or grid_w % factor:
            raise ValueError(f"the patch grid ({grid_h}, {grid_w}) must be divisible by param={factor}")
        return (grid_h // factor) * (grid_w // factor)
    return check_positive_int(64 if param is None else param, "param")  # resampler
# --8<-- [end:connector_tokens]


def connector_cost_table(
    rows: Sequence[tuple[str, str, int | None]],
    sides: Sequence[int],
    label_header: str,
    tokens_header: str,
    flops_header: str,
    text_tokens: int = 0,
    shape: DecoderShape = VICUNA_7B,
    patch: int = PATCH,
) -> str:
    """A markdown table: tokens handed to the LLM and prefill TFLOPs per connector and image side.

    Args:
        rows: (label, kind, param) per connector, see :func:`connector_tokens`.
        sides: square image sides in pixels, multiples of ``patch``.
        label_header: heading of the first column.
        tokens_header: heading of a token column, format string with ``{side}``.
        flops_header: heading of a FLOPs column, format string with ``{side}``.
        text_tokens: text tokens added to every prompt.
        shape: the LLM's sizes.
        patch: ViT patch side.

    Returns:
        Markdown text; FLOPs in TFLOPs with one decimal.
    """
    if not rows or not sides:
        raise ValueError("rows and sides must both be non-empty")
    if isinstance(text_tokens, bool) or not isinstance(text_tokens, int) or text_tokens < 0:
        raise ValueError(f"text_tokens must be an int >= 0, got {text_tokens!r}")
    header = [label_header]
    for side in sides:
        header += [tokens_header.format(side=side), flops_header.format(side=side)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, kind, param in rows:
        cells = [label]
        for side in sides:
            if side % patch:
                raise ValueError(f"sides must be multiples of the patch size {patch}, got {side}")
            tokens = connector_tokens(kind, side // patch, side // patch, param)
            cells += [f"{tokens:,}", f"{prefill_flops(tokens + text_tokens, shape) / 1e12:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
