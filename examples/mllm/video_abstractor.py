"""mPLUG-Owl's video abstractor and its local temporal module (R1-5), written small.

Modelled on ``MplugOwlVisualAbstractorModel`` and ``MplugOwlVisionLocalTemporal`` in
X-PLUG/mPLUG-Owl, ``mPLUG-Owl/mplug_owl_video/modeling_mplug_owl.py``:

* the video features (b, t, n, d) and their mask (b, t, n) are flattened over frames
  and patches, so the abstractor attends to every patch of every frame at once;
* two learned query sets (spatial and temporal, each (1, Q, hidden)) are expanded to
  the batch (a view, not a copy) and concatenated; keys and values are the
  queries themselves followed by the visual tokens;
* the two query outputs go through ``visual_fc`` and ``temporal_visual_fc`` and are
  ADDED, then a learned EOS is appended: Q + 1 tokens for the LLM whatever ``t`` is;
* nothing in the abstractor knows the frame order. The order comes from
  ``LocalTemporal``, a depthwise convolution over time that the release adds
  residually inside the vision encoder (zero-initialised, so it starts as identity).

Simplifications, on purpose: the feed-forward is Linear-GELU-Linear (the release uses
a SwiGLU with a LayerNorm inside), queries start from small random values (the
release starts from zeros and loads a checkpoint), and by default both query sets are
used even for a single frame (the release drops the temporal queries when t == 1;
``skip_temporal_for_single_frame=True`` restores that).
"""

from __future__ import annotations

# --8<-- [start:setup]
import torch
from einops import rearrange
from torch import Tensor, nn

from examples.attention.scaled_dot_product import scaled_dot_product_attention
# --8<-- [end:setup]

MPLUG_OWL_NUM_QUERIES = 64
"""Learned queries per query set in the released mPLUG-Owl abstractor."""

MPLUG_OWL_HIDDEN = 1024
"""Hidden width of the released abstractor (and of its query parameters)."""

MPLUG_OWL_DEFAULT_FRAMES = 4
"""Frames the released video processor samples by default."""


def video_llm_tokens(num_queries: int = MPLUG_OWL_NUM_QUERIES) -> int:
    """Tokens the abstractor hands to the LLM per image or video: the queries plus one EOS.

    The spatial and temporal outputs are added, not concatenated, so the count does
    not double and does not depend on the number of frames.

    Args:
        num_queries: learned queries per query set (64 in mPLUG-Owl).

    Returns:
        ``num_queries + 1``.
    """
    if not isinstance(num_queries, int) or isinstance(num_queries, bool) or num_queries < 1:
        raise ValueError(f"num_queries must be a positive int, got {num_queries!r}")
    return num_queries + 1


def check_mask_values(attention_mask: Tensor) -> None:
    """Raise unless ``attention_mask`` is a tensor of 0/1 (or bool) values.

    Args:
        attention_mask: any shape.
    """
    if not isinstance(attention_mask, Tensor):
        raise TypeError(f"attention_mask must be a torch.Tensor, got {type(attention_mask).__name__}")
    if attention_mask.dtype != torch.bool:
        if attention_mask.is_complex():
            raise TypeError(f"attention_mask must be bool, int or float, got {attention_mask.dtype}")
        if not torch.all((attention_mask == 0) | (attention_mask == 1)):
            raise ValueError("attention_mask must hold only 0 (ignore) and 1 (keep)")


def check_video_inputs(video_embeds: Tensor, attention_mask: Tensor | None, vision_dim: int) -> None:
    """Raise a clear error for inputs ``VideoAbstractor.forward`` cannot take.

    Args:
        video_embeds: expected (b, t, n, vision_dim), floating point, b, t, n >= 1.
        attention_mask: expected ``None`` or (b, t, n) of 0/1 values.
        vision_dim: the abstractor's input width.
    """
    if not isinstance(video_embeds, Tensor):
        raise TypeError(f"video_embeds must be a torch.Tensor, got {type(video_embeds).__name__}")
    if not video_embeds.is_floating_point():
        raise TypeError(f"video_embeds must be floating point, got {video_embeds.dtype}")
    if video_embeds.dim() != 4:
        raise ValueError(f"video_embeds must be (b, t, n, d), got shape {tuple(video_embeds.shape)}")
    b, t, n, d = video_embeds.shape
    if d != vision_dim:
        raise ValueError(f"video_embeds last dim must be vision_dim={vision_dim}, got {d}")
    if min(b, t, n) < 1:
        raise ValueError(f"video_embeds needs b, t, n >= 1, got shape {tuple(video_embeds.shape)}")
    if attention_mask is not None:
        check_mask_values(attention_mask)
        if tuple(attention_mask.shape) != (b, t, n):
            raise ValueError(
                f"attention_mask must have shape (b, t, n) = {(b, t, n)}, got {tuple(attention_mask.shape)}"
            )


# --8<-- [start:flatten_mask]
def flatten_video_mask(attention_mask: Tensor) -> Tensor:
    """Flatten a per-frame, per-patch mask into one key mask over all frames' patches.

    Args:
        attention_mask: (b, t, n), 1 (or True) = keep the patch, 0 (or False) = ignore it.

    Returns:
        A bool tensor (b, t * n), frame-major: entry ``i * n + j`` is patch ``j`` of frame ``i``.
    """
    check_mask_values(attention_mask)
    if attention_mask.dim() != 3:
        raise ValueError(f"attention_mask must be (b, t, n), got shape {tuple(attention_mask.shape)}")
    return rearrange(attention_mask.bool(), "b t n -> b (t n)")
# --8<-- [end:flatten_mask]


# --8<-- [start:layer]
class AbstractorLayer(nn.Module):
    """One abstractor layer: queries attend to [queries; visual tokens], then a feed-forward.

    Args:
        dim: width of queries and visual tokens.
        num_heads: attention heads; must divide ``dim``.
        mlp_ratio: hidden width of the feed-forward as a multiple of ``dim``.
    """

    def __init__(self, dim: int, num_heads: int, mlp_ratio: int = 4) -> None:
        super().__init__()
        if num_heads < 1 or dim % num_heads:
            raise ValueError(f"num_heads must be a positive divisor of dim={dim}, got {num_heads}")
        self.num_heads = num_heads
        self.norm_q = nn.LayerNorm(dim)
        self.norm_kv = nn.LayerNorm(dim)
        self.q_proj = nn.Linear(dim, dim)
        self.k_proj = nn.Linear(dim, dim)
        self.v_proj = nn.Linear(dim, dim)
        self.out_proj = nn.Linear(dim, dim)
        self.norm_mlp = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp_ratio * dim), nn.GELU(), nn.Linear(mlp_ratio * dim, dim))

    def forward(self, queries: Tensor, visual: Tensor, visual_mask: Tensor) -> Tensor:
        """Update the queries from themselves and the visual tokens.

        Args:
            queries: (b, q, dim).
            visual: (b, s, dim), all frames' patches flattened.
            visual_mask: (b, s) bool, True = the query may attend to that visual token.

        Returns:
            The updated queries, (b, q, dim).
        """
        b, q_len, _ = queries.shape
        q_normed = self.norm_q(queries)
        kv = torch.cat([q_normed, self.norm_kv(visual)], dim=1)  # (b, q + s, dim)
        query_keep = torch.ones(b, q_len, dtype=torch.bool, device=queries.device)
        kv_keep = torch.cat([query_keep, visual_mask], dim=1)  # (b, q + s): queries always visible
        q = rearrange(self.q_proj(q_normed), "b q (h e) -> b h q e", h=self.num_heads)
        k = rearrange(self.k_proj(kv), "b s (h e) -> b h s e", h=self.num_heads)
        v = rearrange(self.v_proj(kv), "b s (h e) -> b h s e", h=self.num_heads)
        mask = rearrange(kv_keep, "b s -> b 1 1 s")  # broadcast over heads and queries
        attended = scaled_dot_product_attention(q, k, v, attn_mask=mask)  # (b, h, q, e)
        queries = queries + self.out_proj(rearrange(attended, "b h q e -> b q (h e)"))
        return queries + self.mlp(self.norm_mlp(queries))  # (b, q, dim)
# --8<-- [end:layer]


# --8<-- [start:abstractor]
class VideoAbstractor(nn.Module):
    """mPLUG-Owl-style visual abstractor for images and videos.

    Args:
        vision_dim: width of the vision encoder's features.
        llm_dim: width of the LLM's token embeddings.
        num_queries: learned queries per query set (spatial and temporal); 64 in mPLUG-Owl.
        hidden_dim: width inside the abstractor; defaults to ``vision_dim`` (1024 in mPLUG-Owl).
        num_layers: abstractor layers (6 in mPLUG-Owl).
        num_heads: attention heads; must divide ``hidden_dim``.
        mlp_ratio: feed-forward width as a multiple of ``hidden_dim``.
        skip_temporal_for_single_frame: if True, a one-frame input uses only the spatial
            queries, as the release does; then masking all frames but one is no longer
            the same as removing them.
    """

    def __init__(
        self,
        vision_dim: int,
        llm_dim: int,
        num_queries: int = MPLUG_OWL_NUM_QUERIES,
        hidden_dim: int | None = None,
        num_layers: int = 2,
        num_heads: int = 4,
        mlp_ratio: int = 4,
        skip_temporal_for_single_frame: bool = False,
    ) -> None:
        super().__init__()
        for name, value in (("vision_dim", vision_dim), ("llm_dim", llm_dim), ("num_queries", num_queries),
                            ("num_layers", num_layers), ("mlp_ratio", mlp_ratio)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        hidden = vision_dim if hidden_dim is None else hidden_dim
        if not isinstance(hidden, int) or hidden < 1:
            raise ValueError(f"hidden_dim must be a positive int, got {hidden_dim!r}")
        self.vision_dim, self.num_queries = vision_dim, num_queries
        self.skip_temporal_for_single_frame = skip_temporal_for_single_frame
        self.input_proj = nn.Identity() if hidden == vision_dim else nn.Linear(vision_dim, hidden)
        # Two query sets of the same shape (1, Q, hidden): one parameter each, shared by the batch.
        self.query_tokens = nn.Parameter(torch.empty(1, num_queries, hidden))
        self.temporal_query_tokens = nn.Parameter(torch.empty(1, num_queries, hidden))
        nn.init.trunc_normal_(self.query_tokens, std=0.02)
        nn.init.trunc_normal_(self.temporal_query_tokens, std=0.02)
        self.layers = nn.ModuleList(AbstractorLayer(hidden, num_heads, mlp_ratio) for _ in range(num_layers))
        self.visual_fc = nn.Linear(hidden, llm_dim)
        self.temporal_visual_fc = nn.Linear(hidden, llm_dim)
        self.eos = nn.Parameter(torch.empty(1, 1, llm_dim))
        nn.init.trunc_normal_(self.eos, std=0.02)

    @property
    def num_output_tokens(self) -> int:
        """Tokens per image or video handed to the LLM: ``num_queries + 1``."""
        return video_llm_tokens(self.num_queries)

    def expand_queries(self, batch_size: int) -> tuple[Tensor, Tensor]:
        """Both query sets broadcast to the batch without copying.

        Args:
            batch_size: b.

        Returns:
            ``(spatial, temporal)``, each (b, Q, hidden): views of the (1, Q, hidden)
            parameters with stride 0 along the batch, so every sample reads the same memory.
        """
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        spatial = self.query_tokens.expand(batch_size, -1, -1)  # (b, Q, hidden), a view
        temporal = self.temporal_query_tokens.expand(batch_size, -1, -1)  # (b, Q, hidden), a view
        return spatial, temporal

    def forward(self, video_embeds: Tensor, attention_mask: Tensor | None = None) -> Tensor:
        """Turn any number of frames into ``num_queries + 1`` LLM tokens.

        Args:
            video_embeds: (b, t, n, vision_dim); an image is t = 1.
            attention_mask: optional (b, t, n), 1 = keep, 0 = ignore; all ones if omitted.

        Returns:
            (b, num_queries + 1, llm_dim).
        """
        check_video_inputs(video_embeds, attention_mask, self.vision_dim)
        b, t, n, _ = video_embeds.shape
        if attention_mask is None:
            attention_mask = torch.ones(b, t, n, dtype=torch.bool, device=video_embeds.device)
        visual_mask = flatten_video_mask(attention_mask)  # (b, t * n)
        visual = rearrange(self.input_proj(video_embeds), "b t n d -> b (t n) d")  # (b, t * n, hidden)

        spatial, temporal = self.expand_queries(b)  # (b, Q, hidden) each, views
        use_temporal = not (self.skip_temporal_for_single_frame and t == 1)
        queries = torch.cat([spatial, temporal], dim=1) if use_temporal else spatial  # (b, 2Q or Q, hidden)
        for layer in self.layers:
            queries = layer(queries, visual, visual_mask)

        tokens = self.visual_fc(queries[:, : self.num_queries])  # (b, Q, llm_dim)
        if use_temporal:
            tokens = tokens + self.temporal_visual_fc(queries[:, self.num_queries :])  # ADDED: still Q tokens
        eos = self.eos.expand(b, -1, -1)  # (b, 1, llm_dim)
        return torch.cat([tokens, eos], dim=1)  # (b, Q + 1, llm_dim)
# --8<-- [end:abstractor]


# --8<-- [start:local_temporal]
class LocalTemporal(nn.Module):
    """Residual depthwise convolution over time, identity at initialisation.

    Bottleneck as in the release: LayerNorm, 1x1x1 down-projection, depthwise
    (k, 1, 1) convolution over frames, GELU, 1x1x1 up-projection initialised to zero.
    A (k, 1, 1) kernel never mixes patches, only the same patch in neighbouring
    frames, so the patches can sit on one spatial axis: the 2D grid shape is not needed.

    Args:
        dim: token width d.
        bottleneck_dim: channels inside the bottleneck; defaults to ``dim // 2``.
        kernel_frames: temporal kernel size k (odd; 3 in mPLUG-Owl).
        num_prefix_tokens: leading tokens per frame (e.g. CLS) that get no update.
    """

    def __init__(self, dim: int, bottleneck_dim: int | None = None, kernel_frames: int = 3,
                 num_prefix_tokens: int = 0) -> None:
        super().__init__()
        if not isinstance(dim, int) or dim < 2:
            raise ValueError(f"dim must be an int >= 2, got {dim!r}")
        inner = dim // 2 if bottleneck_dim is None else bottleneck_dim
        if not isinstance(inner, int) or inner < 1:
            raise ValueError(f"bottleneck_dim must be a positive int, got {bottleneck_dim!r}")
        if not isinstance(kernel_frames, int) or kernel_frames < 1 or kernel_frames % 2 == 0:
            raise ValueError(f"kernel_frames must be a positive odd int, got {kernel_frames!r}")
        if not isinstance(num_prefix_tokens, int) or num_prefix_tokens < 0:
            raise ValueError(f"num_prefix_tokens must be a non-negative int, got {num_prefix_tokens!r}")
        self.dim, self.num_prefix_tokens = dim, num_prefix_tokens
        self.norm = nn.LayerNorm(dim)
        self.down_proj = nn.Conv3d(dim, inner, kernel_size=1)
        self.conv = nn.Conv3d(inner, inner, kernel_size=(kernel_frames, 1, 1),
                              padding=(kernel_frames // 2, 0, 0), groups=inner)  # depthwise, time only
        self.act = nn.GELU()
        self.up_proj = nn.Conv3d(inner, dim, kernel_size=1)
        nn.init.zeros_(self.up_proj.weight)  # the branch outputs 0: identity at init
        nn.init.zeros_(self.up_proj.bias)

    def forward(self, x: Tensor) -> Tensor:
        """Add the temporal update to every patch token.

        Args:
            x: (b, t, n, dim), prefix tokens first in each frame.

        Returns:
            (b, t, n, dim): ``x`` plus the convolution branch (prefix tokens unchanged).
        """
        if not isinstance(x, Tensor) or x.dim() != 4 or x.shape[-1] != self.dim:
            shape = tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__
            raise ValueError(f"x must be (b, t, n, {self.dim}), got {shape}")
        if x.shape[2] <= self.num_prefix_tokens:
            raise ValueError(f"x needs more than num_prefix_tokens={self.num_prefix_tokens} tokens per frame")
        prefix, patches = x[:, :, : self.num_prefix_tokens], x[:, :, self.num_prefix_tokens :]
        h = rearrange(self.norm(patches), "b t n c -> b c t n 1")  # (b, c, t, n, 1) for Conv3d
        h = self.up_proj(self.act(self.conv(self.down_proj(h))))  # (b, c, t, n, 1)
        update = rearrange(h, "b c t n 1 -> b t n c")  # (b, t, n - prefix, c)
        update = torch.cat([torch.zeros_like(prefix), update], dim=2)  # (b, t, n, c)
        return x + update
# --8<-- [end:local_temporal]


if __name__ == "__main__":
    abstractor = VideoAbstractor(vision_dim=32, llm_dim=48, num_queries=8)
    for frames in (1, 4, 16):
        out = abstractor(torch.randn(2, frames, 9, 32))
        print(f"{frames:2d} frames -> {tuple(out.shape)}")
