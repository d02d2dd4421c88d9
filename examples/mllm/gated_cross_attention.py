"""Flamingo's tanh-gated cross-attention block, inserted between frozen LM layers (R1-1, R1-4).

Modelled on Flamingo (arXiv 2204.14198, "GATED XATTN-DENSE") and
mlfoundations/open_flamingo ``open_flamingo/src/helpers.py``
(``MaskedCrossAttention``, ``GatedCrossAttentionBlock``):

    x = x + tanh(attn_gate) · CrossAttn(LN(x), media)
    x = x + tanh(ff_gate)   · FFW(x)

Both gates are scalars initialised to 0, so at initialisation the block is exactly
the identity and the frozen language model behaves as if the block were absent; the
gates open during training. Text tokens attend only to the visual tokens allowed by
``media_mask`` (Flamingo: the most recent image before the token); a text token
allowed none gets a zero update.
"""

from __future__ import annotations

import torch
from einops import rearrange
from torch import Tensor, nn

from examples.attention.scaled_dot_product import scaled_dot_product_attention
from examples.mllm.perceiver_resampler import feed_forward
from examples._checks import check_positive_int


# --8<-- [start:gated]
class GatedCrossAttentionBlock(nn.Module):
    """Text (b, n_text, dim) reads visual tokens (b, n_media, media_dim) through two tanh gates.

    Args:
        dim: width of the language model.
        media_dim: width of the visual tokens.
        heads: attention heads.
        dim_head: width of one head.
        ff_mult: hidden width of the feed-forward is ``dim * ff_mult``.
    """

    def __init__(self, dim: int, media_dim: int, heads: int = 8, dim_head: int = 64, ff_mult: int = 4) -> None:
        super().__init__()
        self.dim = check_positive_int(dim, "dim")
        self.media_dim = check_positive_int(media_dim, "media_dim")
        self.heads = check_positive_int(heads, "heads")
        inner = heads * check_positive_int(dim_head, "dim_head")
        self.norm = nn.LayerNorm(dim)
        self.to_q = nn.Linear(dim, inner, bias=False)
        self.to_kv = nn.Linear(media_dim, 2 * inner, bias=False)
        self.to_out = nn.Linear(inner, dim, bias=False)
        self.attn_gate = nn.Parameter(torch.zeros(1))  # tanh(0) = 0: closed at init
        self.ff = feed_forward(dim, check_positive_int(ff_mult, "ff_mult"))
        self.ff_gate = nn.Parameter(torch.zeros(1))

    def cross_attention(self, x: Tensor, media: Tensor, media_mask: Tensor | None = None) -> Tensor:
        """Ungated cross-attention update, (b, n_text, dim)."""
        q = rearrange(self.to_q(self.norm(x)), "b n (h e) -> b h n e", h=self.heads)  # (b, h, n_text, e)
        k, v = self.to_kv(media).chunk(2, dim=-1)  # (b, n_media, inner) each
        k = rearrange(k, "b s (h e) -> b h s e", h=self.heads)  # (b, h, n_media, e)
        v = rearrange(v, "b s (h e) -> b h s e", h=self.heads)  # (b, h, n_media, e)
        mask = None if media_mask is None else rearrange(media_mask.bool(), "b n s -> b 1 n s")
        out = scaled_dot_product_attention(q, k, v, attn_mask=mask)  # (b, h, n_text, e); no media -> zeros
        return self.to_out(rearrange(out, "b h n e -> b n (h e)"))  # (b, n_text, dim)

    def forward(self, x: Tensor, media: Tensor, media_mask: Tensor | None = None) -> Tensor:
        """Gated update of the text stream.

        Args:
            x: (b, n_text, dim) hidden states of the language model.
            media: (b, n_media, media_dim) visual tokens (e.g. resampler outputs).
            media_mask: optional (b, n_text, n_media) bool, True = the text token may
                attend to that visual token.

        Returns:
            (b, n_text, dim); equal to ``x`` while both gates are 0.
        """
        check_block_inputs(x, media, media_mask, self.dim, self.media_dim)
        x = x + torch.tanh(self.attn_gate) * self.cross_attention(x, media, media_mask)  # (b, n_text, dim)
        return x + torch.tanh(self.ff_gate) * self.ff(x)  # (b, n_text, dim)
# --8<-- [end:gated]


def check_block_inputs(x: Tensor, media: Tensor, media_mask: Tensor | None, dim: int, media_dim: int) -> None:
    """Raise a clear error unless x is (b, n_text, dim), media (b, n_media, media_dim), mask (b, n_text, n_media)."""
    for name, t, width in (("x", x, dim), ("media", media, media_dim)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
        if t.dim() != 3 or t.shape[-1] != width:
            raise ValueError(f"{name} must have shape (b, n, {width}), got {tuple(t.shape)}")
    if x.shape[0] != media.shape[0]:
        raise ValueError(f"x and media must share the batch size, got {x.shape[0]} and {media.shape[0]}")
    if media_mask is not None:
        expected = (x.shape[0], x.shape[1], media.shape[1])
        if not isinstance(media_mask, Tensor) or tuple(media_mask.shape) != expected:
            got = tuple(media_mask.shape) if isinstance(media_mask, Tensor) else type(media_mask).__name__
            raise ValueError(f"media_mask must have shape {expected}, got {got}")
