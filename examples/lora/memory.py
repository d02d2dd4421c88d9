"""Where LoRA saves memory: gradients and optimizer state, not the forward pass (R1-9)."""

from __future__ import annotations

# --8<-- [start:setup]
import math
import numbers
from typing import NamedTuple

import torch
# --8<-- [end:setup]


# --8<-- [start:optimizer_state]
def optimizer_state_bytes(optimizer: torch.optim.Optimizer) -> int:
    """Bytes held by an optimizer's state tensors (for Adam: ``exp_avg``, ``exp_avg_sq``, ``step``).

    PyTorch allocates the state lazily, so this is 0 before the first ``step()``.

    Args:
        optimizer: any ``torch.optim`` optimizer.

    Returns:
        The summed ``nbytes`` of every tensor in ``optimizer.state``.
    """
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    return sum(
        value.nbytes
        for state in optimizer.state.values()
        for value in state.values()
        if isinstance(value, torch.Tensor)
    )
# --8<-- [end:optimizer_state]


class TrainingMemory(NamedTuple):
    """Bytes of model state during training (activations excluded: LoRA does not shrink them)."""

    weights: float
    gradients: float
    optimizer: float

    @property
    def total(self) -> float:
        """weights + gradients + optimizer."""
        return self.weights + self.gradients + self.optimizer


# --8<-- [start:training_memory]
def training_memory(
    total_params: int,
    trainable_params: int,
    weight_bytes: float = 2,
    grad_bytes: float = 2,
    optimizer_bytes: float = 12,
) -> TrainingMemory:
    """Model-state memory of a training run, by the usual per-parameter accounting.

    Every parameter is stored (``weight_bytes`` each: 2 for bf16, 0.5 for 4-bit);
    only trainable ones get a gradient (``grad_bytes``) and optimizer state
    (``optimizer_bytes``: 12 for mixed-precision Adam = fp32 master copy + first
    + second moment).

    Args:
        total_params: all parameters of the model, trainable or frozen.
        trainable_params: the ones that receive updates (<= total_params).
        weight_bytes: bytes per stored weight.
        grad_bytes: bytes per gradient.
        optimizer_bytes: bytes of optimizer state per trainable parameter.

    Returns:
        ``TrainingMemory(weights, gradients, optimizer)`` in bytes.
    """
    for name, value in (("total_params", total_params), ("trainable_params", trainable_params)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if value < 0:
            raise ValueError(f"{name} must be >= 0, got {value}")
    if trainable_params > total_params:
        raise ValueError(f"trainable_params ({trainable_params}) must be <= total_params ({total_params})")
    for name, value in (("weight_bytes", weight_bytes), ("grad_bytes", grad_bytes), ("optimizer_bytes", optimizer_bytes)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be finite and >= 0, got {value}")
    return TrainingMemory(
        weights=total_params * weight_bytes,
        gradients=trainable_params * grad_bytes,
        optimizer=trainable_params * optimizer_bytes,
    )
# --8<-- [end:training_memory]


def memory_table(rows: list[tuple[str, TrainingMemory]], headers: list[str], unit: float = 1e9) -> str:
    """A Markdown table of training-memory estimates, one row per setup.

    Args:
        rows: (label, estimate) pairs, in display order.
        headers: five column titles: setup, weights, gradients, optimizer state, total.
        unit: bytes per displayed unit (1e9 for GB).

    Returns:
        The table as Markdown text, numbers with two decimals.
    """
    if len(headers) != 5:
        raise ValueError(f"headers must name 5 columns, got {len(headers)}")
    if not rows:
        raise ValueError("rows must hold at least one (label, estimate) pair")
    lines = ["| " + " | ".join(headers) + " |", "|---|" + "---:|" * 4]
    for label, mem in rows:
        cells = [mem.weights, mem.gradients, mem.optimizer, mem.total]
        lines.append(f"| {label} | " + " | ".join(f"{c / unit:,.2f}" for c in cells) + " |")
    return "\n".join(lines)
