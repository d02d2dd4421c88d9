"""Flamingo's Perceiver Resampler: a fixed set of latents reads any number of visual tokens (R1-1, R1-4).

Modelled on Flamingo (arXiv 2204.14198) and mlfoundations/open_flamingo
``open_flamingo/src/helpers.py`` (``PerceiverAttention``, ``PerceiverResampler``):

* ``num_latents`` learned latent vectors (64 in Flamingo) are the queries;
* the keys and values are the visual tokens AND the latents themselves,
  ``concat(media, latents)``, each layer-normed;
* each layer is attention + feed-forward, both residual; a final LayerNorm.

Flamingo also adds learned time embeddings for video frames; this version takes one
set of tokens (b, n, dim) and adds no position information, so it is blind to the
order of its inputs (the tests show it).
"""

from __future__ import annotations

import torch
from einops import rearrange, repeat
from torch import Tensor, nn

from examples.attention.scaled_dot_product import scaled_dot_product_attention
from examples._checks import check_positive_int

FLAMINGO_NUM_LATENTS = 64
"""Latents, hence visual tokens per image, in Flamingo's resampler."""


def feed_forward(dim: int, mult: int = 4) -> nn.Sequential:
    """LayerNorm, Linear (no bias), GELU, Linear (no bias), as open_flamingo's ``FeedForward``."""
    return nn.Sequential(
        nn.LayerNorm(dim), nn.Linear(dim, dim * mult, bias=False), nn.GELU(), nn.Linear(dim * mult, dim, bias=False)
    )


# --8<-- [start:attention]
class PerceiverAttention(nn.Module):
    """Latents attend to ``concat(media, latents)``.

    Args:
        dim: width of media and latents.
        heads: attention heads.
        dim_head: width of one head.
    """

    def __init__(self, dim: int, heads: int = 8, dim_head: int = 64) -> None:
        super().__init__()
        self.dim = check_positive_int(dim, "dim")
        self.heads = check_positive_int(heads, "heads")
        inner = heads * check_positive_int(dim_head, "dim_head")
        self.norm_media, self.norm_latents = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.to_q = nn.Linear(dim, inner, bias=False)
        self.to_kv = nn.Linear(dim, 2 * inner, bias=False)
        self.to_out = nn.Linear(inner, dim, bias=False)

    def forward(self, media: Tensor, latents: Tensor) -> Tensor:
        """(b, n, dim) media and (b, m, dim) latents -> (b, m, dim) update for the latents."""
        media, latents = self.norm_media(media), self.norm_latents(latents)
        q = rearrange(self.to_q(latents), "b m (h e) -> b h m e", h=self.heads)  # (b, h, m, e)
        kv_input = torch.cat([media, latents], dim=1)  # (b, n + m, dim)
        k, v = self.to_kv(kv_input).chunk(2, dim=-1)  # (b, n + m, inner) each
        k = rearrange(k, "b s (h e) -> b h s e", h=self.heads)  # (b, h, n + m, e)
        v = rearrange(v, "b s (h e) -> b h s e", h=self.heads)  # (b, h, n + m, e)
        out = scaled_dot_product_attention(q, k, v)  # (b, h, m, e)
        return self.to_out(rearrange(out, "b h m e -> b m (h e)"))  # (b, m, dim)
# --8<-- [end:attention]


# --8<-- [start:resampler]
class PerceiverResampler(nn.Module):
    """(b, n, dim) visual tokens -> (b, num_latents, dim), for any n.

    Args:
        dim: width of the visual tokens and of the latents.
        depth: number of (attention, feed-forward) layers.
        num_latents: learned latents = output tokens (64 in Flamingo).
        heads: attention heads.
        dim_head: width of one head.
        ff_mult: hidden width of the feed-forward is ``dim * ff_mult``.
    """

    def __init__(self, dim: int, depth: int = 2, num_latents: int = FLAMINGO_NUM_LATENTS, heads: int = 8,
                 dim_head: int = 64, ff_mult: int = 4) -> None:
        super().__init__()
        self.dim = check_positive_int(dim, "dim")
        self.num_latents = check_positive_int(num_latents, "num_latents")
        self.latents = nn.Parameter(torch.randn(num_latents, dim))  # (m, dim)
        self.layers = nn.ModuleList(
            nn.ModuleList([PerceiverAttention(dim, heads, dim_head), feed_forward(dim, check_positive_int(ff_mult, "ff_mult"))])
            for _ in range(check_positive_int(depth, "depth"))
        )
        self.norm = nn.LayerNorm(dim)

    def num_tokens(self, grid_h: int, grid_w: int) -> int:
        """Tokens handed on: ``num_latents``, whatever the patch grid."""
        check_positive_int(grid_h, "grid_h")
        check_positive_int(grid_w, "grid_w")
        return self.num_latents

    def forward(self, media: Tensor) -> Tensor:
        """Resample visual tokens.

        Args:
            media: (b, n, dim) visual tokens.

        Returns:
            (b, num_latents, dim).
        """
        if not isinstance(media, Tensor):
            raise TypeError(f"media must be a torch.Tensor, got {type(media).__name__}")
        if media.dim() != 3 or media.shape[-1] != self.dim:
            raise ValueError(f"media must have shape (b, n, {self.dim}), got {tuple(media.shape)}")
        latents = repeat(self.latents, "m d -> b m d", b=media.shape[0])  # (b, m, d)
        for attention, ff in self.layers:
            latents = latents + attention(media, latents)  # (b, m, d)
            latents = latents + ff(latents)  # (b, m, d)
        return self.norm(latents)  # (b, m, d)
# --8<-- [end:resampler]
