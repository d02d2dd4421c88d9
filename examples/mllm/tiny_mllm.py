"""A tiny end-to-end multimodal LLM: image -> patches -> ViT stub -> connector -> decoder LM.

Small enough to run in milliseconds on a CPU, complete enough to show every shape on
the way from pixels to the LLM's input sequence, and to freeze or unfreeze its three
parts the way each training stage does (R1-3, the notebook "One MLLM forward pass").

The connector is chosen by name: one of the projectors of ``examples.mllm.projectors``
(linear, MLP, 2D pooling, pixel shuffle) or the mPLUG-Owl-style ``VideoAbstractor``.
"""

from __future__ import annotations

from dataclasses import dataclass

# --8<-- [start:setup]
import torch
from einops import rearrange
from torch import Tensor, nn

from examples.attention.scaled_dot_product import scaled_dot_product_attention
from examples.mllm.projectors import LinearProjector, MLPProjector, PixelShuffleProjector, PoolingProjector
from examples.mllm.video_abstractor import VideoAbstractor
# --8<-- [end:setup]

CONNECTORS = ("linear", "mlp", "pool", "pixel-shuffle", "abstractor")
"""Connector names accepted by ``TinyMLLMConfig.connector``."""

PARTS = ("vision", "connector", "llm")
"""The three parts a training stage trains or freezes."""


@dataclass(frozen=True)
class TinyMLLMConfig:
    """Sizes of the tiny model. Every field is validated on construction.

    Attributes:
        image_size: side of the square input image, in pixels.
        patch_size: side of a square patch; must divide ``image_size``.
        channels: image channels.
        vision_dim: width of the vision encoder.
        vision_layers: transformer layers in the vision encoder.
        vision_heads: attention heads in the vision encoder.
        llm_dim: width of the language model (its token embedding size).
        llm_layers: decoder layers in the language model.
        llm_heads: attention heads in the language model.
        vocab_size: size of the text vocabulary.
        max_positions: longest sequence (visual + text tokens) the LM accepts.
        connector: one of ``CONNECTORS``.
        pool_side: output grid side of the ``"pool"`` connector.
        shuffle_factor: merge factor of the ``"pixel-shuffle"`` connector.
        num_queries: queries of the ``"abstractor"`` connector.
        abstractor_layers: layers of the ``"abstractor"`` connector.
    """

    image_size: int = 32
    patch_size: int = 4
    channels: int = 3
    vision_dim: int = 32
    vision_layers: int = 1
    vision_heads: int = 2
    llm_dim: int = 48
    llm_layers: int = 2
    llm_heads: int = 4
    vocab_size: int = 128
    max_positions: int = 512
    connector: str = "mlp"
    pool_side: int = 4
    shuffle_factor: int = 2
    num_queries: int = 8
    abstractor_layers: int = 2

    def __post_init__(self) -> None:
        for name in ("image_size", "patch_size", "channels", "vision_dim", "vision_layers", "vision_heads",
                     "llm_dim", "llm_layers", "llm_heads", "vocab_size", "max_positions", "pool_side",
                     "shuffle_factor", "num_queries", "abstractor_layers"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        if self.image_size % self.patch_size:
            raise ValueError(f"patch_size={self.patch_size} must divide image_size={self.image_size}")
        if self.vision_dim % self.vision_heads:
            raise ValueError(f"vision_heads={self.vision_heads} must divide vision_dim={self.vision_dim}")
        if self.llm_dim % self.llm_heads:
            raise ValueError(f"llm_heads={self.llm_heads} must divide llm_dim={self.llm_dim}")
        if self.connector not in CONNECTORS:
            raise ValueError(f"connector must be one of {CONNECTORS}, got {self.connector!r}")
        if self.connector == "pixel-shuffle" and self.grid_side % self.shuffle_factor:
            raise ValueError(f"shuffle_factor={self.shuffle_factor} must divide the patch grid side {self.grid_side}")
        if self.connector == "pool" and self.pool_side > self.grid_side:
            raise ValueError(f"pool_side={self.pool_side} must be at most the patch grid side {self.grid_side}")

    @property
    def grid_side(self) -> int:
        """Patches per image side: ``image_size // patch_size``."""
        return self.image_size // self.patch_size

    @property
    def num_patches(self) -> int:
        """Patches per image: ``grid_side ** 2``."""
        return self.grid_side**2


# --8<-- [start:patchify]
def patchify(images: Tensor, patch_size: int) -> Tensor:
    """Cut images into non-overlapping square patches, each flattened to a vector.

    Args:
        images: (b, c, H, W); H and W must be multiples of ``patch_size``.
        patch_size: side p of a patch.

    Returns:
        (b, (H/p)·(W/p), p·p·c), patches in row-major order of the patch grid.
    """
    if not isinstance(images, Tensor) or images.dim() != 4:
        shape = tuple(images.shape) if isinstance(images, Tensor) else type(images).__name__
        raise ValueError(f"images must be (b, c, H, W), got {shape}")
    if not isinstance(patch_size, int) or patch_size < 1:
        raise ValueError(f"patch_size must be a positive int, got {patch_size!r}")
    height, width = images.shape[-2:]
    if height % patch_size or width % patch_size:
        raise ValueError(f"patch_size={patch_size} must divide the image size {height}x{width}")
    return rearrange(images, "b c (h p1) (w p2) -> b (h w) (p1 p2 c)", p1=patch_size, p2=patch_size)
# --8<-- [end:patchify]


# --8<-- [start:block]
class TransformerBlock(nn.Module):
    """Pre-norm transformer block with separate q/k/v/o projections (LoRA can target them).

    Args:
        dim: model width.
        num_heads: attention heads; must divide ``dim``.
        causal: True for a decoder (token i sees tokens 0..i), False for an encoder.
        mlp_ratio: feed-forward width as a multiple of ``dim``.
    """

    def __init__(self, dim: int, num_heads: int, causal: bool, mlp_ratio: int = 4) -> None:
        super().__init__()
        if num_heads < 1 or dim % num_heads:
            raise ValueError(f"num_heads must be a positive divisor of dim={dim}, got {num_heads}")
        self.num_heads, self.causal = num_heads, causal
        self.norm1 = nn.LayerNorm(dim)
        self.q_proj, self.k_proj = nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.v_proj, self.o_proj = nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.fc1, self.fc2 = nn.Linear(dim, mlp_ratio * dim), nn.Linear(mlp_ratio * dim, dim)

    def forward(self, x: Tensor) -> Tensor:
        """Self-attention then feed-forward, each with a residual.

        Args:
            x: (b, s, dim).

        Returns:
            (b, s, dim).
        """
        h = self.norm1(x)
        q = rearrange(self.q_proj(h), "b s (h e) -> b h s e", h=self.num_heads)
        k = rearrange(self.k_proj(h), "b s (h e) -> b h s e", h=self.num_heads)
        v = rearrange(self.v_proj(h), "b s (h e) -> b h s e", h=self.num_heads)
        attended = scaled_dot_product_attention(q, k, v, is_causal=self.causal)  # (b, h, s, e)
        x = x + self.o_proj(rearrange(attended, "b h s e -> b s (h e)"))
        return x + self.fc2(nn.functional.gelu(self.fc1(self.norm2(x))))  # (b, s, dim)
# --8<-- [end:block]


class TinyVisionEncoder(nn.Module):
    """ViT stub: patchify, linear patch embedding, learned positions, transformer layers.

    Args:
        config: the model sizes.
    """

    def __init__(self, config: TinyMLLMConfig) -> None:
        super().__init__()
        self.patch_size = config.patch_size
        self.patch_embed = nn.Linear(config.patch_size**2 * config.channels, config.vision_dim)
        self.pos_embed = nn.Parameter(torch.randn(1, config.num_patches, config.vision_dim) * 0.02)
        self.blocks = nn.ModuleList(
            TransformerBlock(config.vision_dim, config.vision_heads, causal=False) for _ in range(config.vision_layers)
        )
        self.norm = nn.LayerNorm(config.vision_dim)

    def forward(self, images: Tensor) -> Tensor:
        """Encode images, or the frames of videos, into patch features.

        Args:
            images: (b, c, H, W) images, or (b, t, c, H, W) videos.

        Returns:
            (b, n, vision_dim) for images, (b, t, n, vision_dim) for videos.
        """
        if isinstance(images, Tensor) and images.dim() == 5:
            frames = rearrange(images, "b t c h w -> (b t) c h w")
            return rearrange(self(frames), "(b t) n d -> b t n d", b=images.shape[0])
        x = self.patch_embed(patchify(images, self.patch_size))  # (b, n, vision_dim)
        if x.shape[1] != self.pos_embed.shape[1]:
            raise ValueError(f"images must give {self.pos_embed.shape[1]} patches, got {x.shape[1]}")
        x = x + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return self.norm(x)  # (b, n, vision_dim)


class AbstractorConnector(nn.Module):
    """Adapter so the abstractor takes an image's (b, n, d) features as a one-frame video.

    Args:
        abstractor: the ``VideoAbstractor`` to wrap.
    """

    def __init__(self, abstractor: VideoAbstractor) -> None:
        super().__init__()
        self.abstractor = abstractor

    def forward(self, features: Tensor) -> Tensor:
        """(b, n, d) or (b, t, n, d) -> (b, num_queries + 1, llm_dim)."""
        if features.dim() == 3:
            features = rearrange(features, "b n d -> b 1 n d")
        return self.abstractor(features)


def make_connector(config: TinyMLLMConfig) -> nn.Module:
    """Build the connector named by ``config.connector``.

    Args:
        config: the model sizes; ``connector`` is one of ``CONNECTORS``.

    Returns:
        A module mapping (b, n, vision_dim) to (b, m, llm_dim).
    """
    dims = (config.vision_dim, config.llm_dim)
    if config.connector == "linear":
        return LinearProjector(*dims)
    if config.connector == "mlp":
        return MLPProjector(*dims)
    if config.connector == "pool":
        return PoolingProjector(*dims, out_side=config.pool_side)
    if config.connector == "pixel-shuffle":
        return PixelShuffleProjector(*dims, factor=config.shuffle_factor)
    heads = 2 if config.vision_dim % 2 == 0 else 1
    abstractor = VideoAbstractor(*dims, num_queries=config.num_queries, num_layers=config.abstractor_layers,
                                 num_heads=heads)
    return AbstractorConnector(abstractor)


class TinyDecoderLM(nn.Module):
    """Decoder-only LM: token and position embeddings, causal blocks, LM head.

    Args:
        config: the model sizes.
    """

    def __init__(self, config: TinyMLLMConfig) -> None:
        super().__init__()
        self.max_positions = config.max_positions
        self.embed_tokens = nn.Embedding(config.vocab_size, config.llm_dim)
        self.embed_positions = nn.Embedding(config.max_positions, config.llm_dim)
        self.blocks = nn.ModuleList(
            TransformerBlock(config.llm_dim, config.llm_heads, causal=True) for _ in range(config.llm_layers)
        )
        self.norm = nn.LayerNorm(config.llm_dim)
        self.lm_head = nn.Linear(config.llm_dim, config.vocab_size, bias=False)

    def forward(self, inputs_embeds: Tensor) -> Tensor:
        """Next-token logits for a sequence of input embeddings.

        Args:
            inputs_embeds: (b, s, llm_dim), s <= max_positions.

        Returns:
            (b, s, vocab_size).
        """
        if inputs_embeds.dim() != 3:
            raise ValueError(f"inputs_embeds must be (b, s, d), got {tuple(inputs_embeds.shape)}")
        seq_len = inputs_embeds.shape[1]
        if seq_len > self.max_positions:
            raise ValueError(f"inputs_embeds has {seq_len} tokens, more than max_positions={self.max_positions}")
        positions = torch.arange(seq_len, device=inputs_embeds.device)
        x = inputs_embeds + self.embed_positions(positions)  # (b, s, d) + (s, d)
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.norm(x))  # (b, s, vocab)


# --8<-- [start:tiny_mllm]
class TinyMLLM(nn.Module):
    """Vision encoder -> connector -> decoder LM, with per-part freezing.

    Args:
        config: the model sizes and the connector's name.
    """

    def __init__(self, config: TinyMLLMConfig | None = None) -> None:
        super().__init__()
        self.config = TinyMLLMConfig() if config is None else config
        self.vision = TinyVisionEncoder(self.config)
        self.connector = make_connector(self.config)
        self.llm = TinyDecoderLM(self.config)

    def visual_tokens(self, images: Tensor) -> Tensor:
        """The LLM-space tokens for each image or video.

        Args:
            images: (b, c, H, W), or videos (b, t, c, H, W).

        Returns:
            (b, m, llm_dim). For a video, a projector runs per frame and the frames'
            tokens are concatenated (m grows with t); the abstractor keeps m fixed.
        """
        features = self.vision(images)  # (b, n, vision_dim) or (b, t, n, vision_dim)
        if features.dim() == 4 and not isinstance(self.connector, AbstractorConnector):
            per_frame = self.connector(rearrange(features, "b t n d -> (b t) n d"))  # (b t, m, llm_dim)
            return rearrange(per_frame, "(b t) m d -> b (t m) d", b=features.shape[0])
        return self.connector(features)  # (b, m, llm_dim)

    def build_inputs(self, images: Tensor, input_ids: Tensor) -> Tensor:
        """The LLM's input sequence: visual tokens first, then the text's token embeddings.

        Args:
            images: (b, c, H, W) or (b, t, c, H, W).
            input_ids: (b, L) integer token ids.

        Returns:
            (b, m + L, llm_dim).
        """
        if not isinstance(input_ids, Tensor) or input_ids.dim() != 2 or input_ids.is_floating_point():
            raise ValueError("input_ids must be an integer tensor (b, L)")
        if input_ids.numel() and (input_ids.min() < 0 or input_ids.max() >= self.config.vocab_size):
            raise ValueError(f"input_ids must lie in [0, vocab_size={self.config.vocab_size})")
        visual = self.visual_tokens(images)  # (b, m, llm_dim)
        if visual.shape[0] != input_ids.shape[0]:
            raise ValueError(f"input_ids batch {input_ids.shape[0]} != images batch {visual.shape[0]}")
        text = self.llm.embed_tokens(input_ids)  # (b, L, llm_dim)
        return torch.cat([visual, text], dim=1)  # (b, m + L, llm_dim)

    def forward(self, images: Tensor, input_ids: Tensor) -> Tensor:
        """Next-token logits over the whole sequence.

        Args:
            images: (b, c, H, W) or (b, t, c, H, W).
            input_ids: (b, L).

        Returns:
            (b, m + L, vocab_size).
        """
        return self.llm(self.build_inputs(images, input_ids))

    def set_trainable(self, vision: bool, connector: bool, llm: bool) -> None:
        """Freeze or unfreeze each part as a whole.

        Args:
            vision: train the vision encoder.
            connector: train the connector.
            llm: train the language model.
        """
        for name, flag in (("vision", vision), ("connector", connector), ("llm", llm)):
            if not isinstance(flag, bool):
                raise TypeError(f"{name} must be a bool, got {type(flag).__name__}")
            getattr(self, name).requires_grad_(flag)

    def parameter_counts(self, trainable_only: bool = False) -> dict[str, int]:
        """Parameters per part (each shared tensor once), plus their sum under ``"total"``.

        Args:
            trainable_only: count only parameters with ``requires_grad``.

        Returns:
            ``{"vision": ..., "connector": ..., "llm": ..., "total": ...}``.
        """
        counts = {
            part: sum(p.numel() for p in getattr(self, part).parameters() if p.requires_grad or not trainable_only)
            for part in PARTS
        }
        counts["total"] = sum(counts.values())
        return counts
# --8<-- [end:tiny_mllm]

    def count_visual_tokens(self, frames: int | None = None) -> int:
        """Visual tokens the LLM receives for one image (``frames=None``) or one video.

        Args:
            frames: number of video frames, or ``None`` for a still image.

        Returns:
            m, measured by running a blank input through the model.
        """
        c, side = self.config.channels, self.config.image_size
        if frames is not None and (not isinstance(frames, int) or frames < 1):
            raise ValueError(f"frames must be a positive int or None, got {frames!r}")
        shape = (1, c, side, side) if frames is None else (1, frames, c, side, side)
        with torch.no_grad():
            return self.visual_tokens(torch.zeros(shape)).shape[1]


if __name__ == "__main__":
    torch.manual_seed(0)
    for name in CONNECTORS:
        model = TinyMLLM(TinyMLLMConfig(connector=name)).eval()
        logits = model(torch.randn(2, 3, 32, 32), torch.randint(0, 128, (2, 5)))
        print(f"{name:13s} visual tokens {model.count_visual_tokens():3d}  logits {tuple(logits.shape)}")
