"""DoRA: a trained magnitude per output feature times a LoRA-adapted unit direction (R1-9).

The layer computes ``h = m ⊙ (V / ‖V‖) x + b`` with ``V = W + s·B A``, where the
norm is taken per output feature (each row of the (out, in) weight, as HF peft's
``DoraLinearLayer.get_weight_norm`` does with ``dim=1``), ``m`` (out,) starts as
the row norms of W, and ``A``, ``B`` are a LoRA adapter with ``B = 0``.
At initialisation the layer therefore equals its base layer (Liu et al., DoRA,
arXiv 2402.09353).
"""

from __future__ import annotations

# --8<-- [start:dora]
import math

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from examples.lora.lora_linear import check_lora_args, init_kaiming_


class DoRALinear(nn.Module):
    """h = m ⊙ (W + s·B A) x / ‖W + s·B A‖_row + b, with W and b frozen.

    Args:
        base: the pretrained ``nn.Linear``, weight W of shape (out, in); frozen in place.
        r: rank of the direction update B A (1 <= r <= min(in, out)).
        alpha: the update is scaled by s = alpha / r.
        detach_norm: treat ‖W + s·B A‖ as a constant in the backward pass, as
            the paper suggests (Section 4.3) and peft does, to save memory; the
            forward value is the same either way.

    Attributes:
        magnitude: (out,) parameter m, initialised to the row norms of W.
        lora_A: (r, in) parameter, Kaiming-uniform.
        lora_B: (out, r) parameter, zero.
    """

    def __init__(self, base: nn.Linear, r: int, alpha: float, detach_norm: bool = True) -> None:
        super().__init__()
        check_lora_args(base, r, alpha, 0.0, "kaiming")
        self.base = base.requires_grad_(False)
        self.scaling = float(alpha) / r
        self.detach_norm = bool(detach_norm)
        weight = base.weight
        self.lora_A = nn.Parameter(weight.new_empty(r, base.in_features))  # (r, in)
        self.lora_B = nn.Parameter(weight.new_zeros(base.out_features, r))  # (out, r)
        init_kaiming_(self.lora_A, self.lora_B)
        self.magnitude = nn.Parameter(torch.linalg.vector_norm(weight.detach(), dim=1))  # (out,)

    def direction(self) -> Tensor:
        """The unit-norm direction V / ‖V‖_row with V = W + s·B A, shape (out, in)."""
        v = self.base.weight + self.scaling * (self.lora_B @ self.lora_A)  # (out, in)
        norm = torch.linalg.vector_norm(v, dim=1, keepdim=True)  # (out, 1)
        return v / (norm.detach() if self.detach_norm else norm)

    @property
    def weight(self) -> Tensor:
        """The effective weight m ⊙ V / ‖V‖_row, (out, in); what merging would store."""
        return self.magnitude[:, None] * self.direction()

    def forward(self, x: Tensor) -> Tensor:
        """Apply the layer to x of shape (..., in); returns (..., out)."""
        return F.linear(x, self.weight, self.base.bias)
# --8<-- [end:dora]


if __name__ == "__main__":
    layer = DoRALinear(nn.Linear(16, 8), r=4, alpha=8)
    x = torch.randn(3, 16)
    print(torch.allclose(layer(x), layer.base(x), atol=1e-6), math.isclose(layer.scaling, 2.0))
