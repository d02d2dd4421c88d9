"""A LoRA adapter around a frozen ``nn.Linear`` (R1-9, R1-10).

The layer computes ``h = W x + b + s · B A x`` where ``W`` (out × in) and ``b``
belong to the frozen base layer, ``A`` (r × in) and ``B`` (out × r) are the only
trainable tensors, and ``s`` is ``alpha / r`` (or ``alpha / sqrt(r)`` for
rsLoRA). Three initialisations are offered:

* ``"kaiming"``: A ~ kaiming_uniform_(a=√5), B = 0, as microsoft/LoRA
  ``loralib/layers.py`` and HF peft (``init_lora_weights=True``) do;
* ``"gaussian"``: A ~ N(0, (1/r)²), B = 0, as peft's ``"gaussian"``;
* ``"pissa"``: A and B hold the top-r singular triplets of W and the base keeps
  the residual, so the layer's output is unchanged (PiSSA, arXiv 2404.02948).
"""

from __future__ import annotations

# --8<-- [start:setup]
import math
import numbers

import torch
from einops import einsum
from torch import Tensor, nn
from torch.nn import functional as F

INITS = ("kaiming", "gaussian", "pissa")
# --8<-- [end:setup]


# --8<-- [start:check]
def check_lora_args(base: nn.Module, r: int, alpha: float, dropout: float, init: str) -> None:
    """Raise a clear error for arguments a LoRA layer cannot use.

    Args:
        base: must be an ``nn.Linear``.
        r: rank, an integer with 1 <= r <= min(in, out). B A has rank at most
            min(in, out) whatever r is, so a larger r would only add parameters
            (and, under ``alpha / r``, shrink the update); it is refused as a
            likely mistake, for every init.
        alpha: scaling numerator, a finite number > 0.
        dropout: dropout probability on the adapter's input, in [0, 1).
        init: one of ``"kaiming"``, ``"gaussian"``, ``"pissa"``.
    """
    if not isinstance(base, nn.Module):
        raise TypeError(f"base must be an nn.Linear, got {type(base).__name__}")
    if not isinstance(base, nn.Linear):  # a module, but one LoRA cannot wrap
        raise ValueError(f"base must be an nn.Linear, got {type(base).__name__}")
    if isinstance(r, bool) or not isinstance(r, numbers.Integral):
        raise TypeError(f"r must be an int, got {type(r).__name__}")
    if r < 1:
        raise ValueError(f"r must be >= 1, got {r}")
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha must be a real number, got {type(alpha).__name__}")
    if not (math.isfinite(alpha) and alpha > 0):
        raise ValueError(f"alpha must be finite and > 0, got {alpha}")
    if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real):
        raise TypeError(f"dropout must be a real number, got {type(dropout).__name__}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    if r > min(base.in_features, base.out_features):
        raise ValueError(
            f"r must be <= min(in_features, out_features) = {min(base.in_features, base.out_features)}, "
            f"got {r}: B A cannot have a higher rank, so a larger r only adds parameters"
        )
# --8<-- [end:check]


# --8<-- [start:init]
@torch.no_grad()
def init_kaiming_(lora_A: Tensor, lora_B: Tensor) -> None:
    """loralib / peft default: A ~ kaiming_uniform_(a=√5) = U(-1/√in, 1/√in), B = 0.

    Args:
        lora_A: (r, in), filled in place.
        lora_B: (out, r), zeroed in place.
    """
    nn.init.kaiming_uniform_(lora_A, a=math.sqrt(5))  # the same call nn.Linear uses for its weight
    nn.init.zeros_(lora_B)


@torch.no_grad()
def init_gaussian_(lora_A: Tensor, lora_B: Tensor) -> None:
    """peft's ``"gaussian"``: A ~ N(0, (1/r)²), B = 0.

    Args:
        lora_A: (r, in), filled in place.
        lora_B: (out, r), zeroed in place.
    """
    nn.init.normal_(lora_A, std=1.0 / lora_A.shape[0])
    nn.init.zeros_(lora_B)


@torch.no_grad()
def init_pissa_(weight: Tensor, lora_A: Tensor, lora_B: Tensor, scaling: float) -> None:
    """PiSSA: scaling · B A = U_r S_r V_rᵀ (top-r SVD of W); W keeps the residual.

    The singular values are split evenly, A = sqrt(S_r / s) V_rᵀ and
    B = U_r sqrt(S_r / s), so W_res + s·B A equals the original W.

    Args:
        weight: W, (out, in); overwritten in place with W - s·B A.
        lora_A: (r, in), filled in place.
        lora_B: (out, r), filled in place.
        scaling: s, the factor the layer applies to B A.
    """
    r = lora_A.shape[0]
    work = torch.promote_types(weight.dtype, torch.float32)  # SVD in at least fp32
    u, sigma, vh = torch.linalg.svd(weight.to(work), full_matrices=False)  # (out, m), (m,), (m, in)
    root = torch.sqrt(sigma[:r] / scaling)  # (r,)
    lora_A.copy_(einsum(root, vh[:r], "r, r i -> r i"))  # (r, in)
    lora_B.copy_(einsum(u[:, :r], root, "o r, r -> o r"))  # (out, r)
    principal = scaling * lora_B.to(work) @ lora_A.to(work)  # (out, in), = U_r S_r V_rᵀ
    weight.copy_(weight.to(work) - principal)
# --8<-- [end:init]


# --8<-- [start:lora_linear]
class LoRALinear(nn.Module):
    """h = base(x) + scaling · B A dropout(x), with ``base`` frozen.

    Args:
        base: the pretrained layer, weight W of shape (out, in). Its parameters
            are frozen in place; with ``init="pissa"`` its weight is also
            overwritten with the SVD residual.
        r: rank of the update B A.
        alpha: the update is scaled by ``alpha / r`` (``alpha / sqrt(r)`` if
            ``rslora``).
        dropout: dropout probability applied to the adapter's input only.
        init: ``"kaiming"`` (default), ``"gaussian"`` or ``"pissa"``.
        rslora: use the rank-stabilised scaling ``alpha / sqrt(r)``.

    Attributes:
        base: the frozen ``nn.Linear``.
        lora_A: (r, in) parameter, the down-projection.
        lora_B: (out, r) parameter, the up-projection.
        scaling: the float s multiplying B A.
    """

    def __init__(
        self,
        base: nn.Linear,
        r: int,
        alpha: float,
        dropout: float = 0.0,
        init: str = "kaiming",
        rslora: bool = False,
    ) -> None:
        super().__init__()
        check_lora_args(base, r, alpha, dropout, init)
        self.base = base
        self.base.requires_grad_(False)
        self.r, self.alpha, self.init = int(r), float(alpha), init
        self.scaling = self.alpha / (math.sqrt(r) if rslora else r)
        weight = base.weight
        self.lora_A = nn.Parameter(weight.new_zeros(r, base.in_features))  # (r, in)
        self.lora_B = nn.Parameter(weight.new_zeros(base.out_features, r))  # (out, r)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.register_buffer("_merged", torch.tensor(False))
        self.reset_lora_parameters()

    @property
    def merged(self) -> bool:
        """True while B A is folded into ``base.weight``."""
        return bool(self._merged)

    @property
    def weight(self) -> Tensor:
        """The effective weight W + s·B A, (out, in), differentiable in A and B.

        Code that reads ``.weight`` instead of calling the layer (PyTorch's
        ``nn.MultiheadAttention`` with its ``out_proj``, the inference fast path
        of ``nn.TransformerEncoderLayer``) then sees the adapted layer. That path
        skips the adapter's dropout.
        """
        if self.merged:
            return self.base.weight
        return self.base.weight + self.delta_weight().to(self.base.weight.dtype)

    @property
    def bias(self) -> Tensor | None:
        """The frozen base layer's bias, (out,) or None."""
        return self.base.bias

    @property
    def in_features(self) -> int:
        """Input width k."""
        return self.base.in_features

    @property
    def out_features(self) -> int:
        """Output width d."""
        return self.base.out_features

    @torch.no_grad()
    def reset_lora_parameters(self) -> None:
        """Initialise A and B according to ``self.init`` (B = 0 unless PiSSA).

        With ``"kaiming"`` or ``"gaussian"`` the layer goes back to its base
        function. With ``"pissa"`` the current update s·B A is first folded back
        into the base weight and the SVD is taken of that sum, so the layer's
        function is kept and base + s·B A stays the weight it computes.

        Raises:
            RuntimeError: if the adapter is merged (the base weight then holds
                s·B A, which a reset would leave behind); call ``unmerge()`` first.
        """
        if self.merged:
            raise RuntimeError("reset_lora_parameters: the adapter is merged into base.weight; call unmerge() first")
        if self.init == "kaiming":
            init_kaiming_(self.lora_A, self.lora_B)
        elif self.init == "gaussian":
            init_gaussian_(self.lora_A, self.lora_B)
        else:
            self.base.weight += self.delta_weight().to(self.base.weight.dtype)  # back to W; 0 when constructed
            init_pissa_(self.base.weight, self.lora_A, self.lora_B, self.scaling)

    def delta_weight(self) -> Tensor:
        """The update the adapter adds to W: scaling · B A, shape (out, in)."""
        return self.scaling * (self.lora_B @ self.lora_A)  # (out, r) @ (r, in) -> (out, in)

    def forward(self, x: Tensor) -> Tensor:
        """Apply the adapted layer.

        Args:
            x: (..., in).

        Returns:
            (..., out).
        """
        out = self.base(x)  # (..., out)
        if self.merged:
            return out
        down = F.linear(self.dropout(x), self.lora_A)  # (..., r)
        return out + self.scaling * F.linear(down, self.lora_B)  # (..., out)

    @torch.no_grad()
    def merge(self) -> None:
        """Fold B A into ``base.weight`` (W <- W + s B A); a no-op if merged."""
        if not self.merged:
            self.base.weight += self.delta_weight().to(self.base.weight.dtype)
            self._merged.fill_(True)

    @torch.no_grad()
    def unmerge(self) -> None:
        """Take B A back out of ``base.weight``; a no-op if not merged."""
        if self.merged:
            self.base.weight -= self.delta_weight().to(self.base.weight.dtype)
            self._merged.fill_(False)

    def extra_repr(self) -> str:
        return f"r={self.r}, alpha={self.alpha}, scaling={self.scaling:g}, init={self.init!r}"
# --8<-- [end:lora_linear]
