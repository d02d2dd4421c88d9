"""Put LoRA adapters on the named Linear layers of any model, and count what trains (R1-9)."""

from __future__ import annotations

# --8<-- [start:setup]
from collections.abc import Iterable
from typing import NamedTuple

from torch import nn

from examples.lora.lora_linear import LoRALinear, check_lora_args
# --8<-- [end:setup]


# --8<-- [start:inject]
def matches(name: str, target: str) -> bool:
    """True if module ``name`` is ``target`` or ends with ``"." + target``.

    Args:
        name: a dotted module name from ``model.named_modules()``, e.g. ``"layers.0.q_proj"``.
        target: a full name or a trailing part of one, e.g. ``"q_proj"`` or ``"0.q_proj"``.
    """
    return name == target or name.endswith("." + target)


def inject_lora(
    model: nn.Module,
    targets: Iterable[str],
    r: int,
    alpha: float,
    dropout: float = 0.0,
    init: str = "kaiming",
    rslora: bool = False,
) -> list[str]:
    """Wrap every Linear named by ``targets`` in a ``LoRALinear`` and freeze the rest.

    Works in place on any ``nn.Module``. Afterwards only the adapters' A and B
    require gradients; every other parameter of ``model`` is frozen.

    Args:
        model: the model to adapt (modified in place).
        targets: module names, matched in full or by their trailing dotted part
            (``"q_proj"`` matches ``"layers.3.attn.q_proj"``). Each must match at
            least one ``nn.Linear`` and nothing else.
        r: rank of every adapter.
        alpha: scaling numerator of every adapter (s = alpha / r).
        dropout: dropout on the adapters' input.
        init: ``"kaiming"``, ``"gaussian"`` or ``"pissa"``.
        rslora: scale by alpha / sqrt(r) instead.

    Returns:
        The names of the wrapped layers, in ``named_modules`` order.
    """
    targets = [targets] if isinstance(targets, str) else list(targets)
    if not targets:
        raise ValueError("targets must name at least one module")
    for target in targets:
        if not isinstance(target, str) or not target:
            raise ValueError(f"targets must be non-empty module names, got {target!r}")
    wrapped = [n + "." for n, m in model.named_modules() if isinstance(m, LoRALinear)]
    named = [
        (n, m)
        for n, m in model.named_modules()
        if n and not isinstance(m, LoRALinear) and not any(n.startswith(w) for w in wrapped)
    ]
    chosen: list[str] = []
    for target in targets:
        hits = [(n, m) for n, m in named if matches(n, target)]
        if not hits:
            raise ValueError(f"targets: {target!r} matches no submodule of the model")
        for name, module in hits:
            if not isinstance(module, nn.Linear):
                raise ValueError(f"targets: {target!r} matches {name!r}, a {type(module).__name__}, not an nn.Linear")
            parent = model.get_submodule(name.rpartition(".")[0])
            if isinstance(parent, nn.MultiheadAttention):
                raise ValueError(
                    f"targets: {name!r} belongs to an nn.MultiheadAttention, which reads its weights "
                    "directly instead of calling the submodule, so an adapter there would be ignored"
                )
            if name not in chosen:
                chosen.append(name)
    for name in chosen:  # validate everything before changing the model
        check_lora_args(model.get_submodule(name), r, alpha, dropout, init)
    model.requires_grad_(False)
    order = {n: i for i, (n, _) in enumerate(named)}
    chosen.sort(key=order.__getitem__)
    for name in chosen:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(parent, child, LoRALinear(getattr(parent, child), r, alpha, dropout, init, rslora))
    return chosen
# --8<-- [end:inject]


def lora_layers(model: nn.Module) -> list[LoRALinear]:
    """All ``LoRALinear`` modules of ``model``, in ``named_modules`` order."""
    return [m for m in model.modules() if isinstance(m, LoRALinear)]


def merge_lora(model: nn.Module) -> None:
    """Merge every adapter of ``model`` into its base weight (for inference)."""
    for layer in lora_layers(model):
        layer.merge()


def unmerge_lora(model: nn.Module) -> None:
    """Undo ``merge_lora``."""
    for layer in lora_layers(model):
        layer.unmerge()


# --8<-- [start:count]
def count_parameters(model: nn.Module) -> tuple[int, int]:
    """Count parameters, each shared tensor once.

    Args:
        model: any module.

    Returns:
        (trainable, total): numbers of scalars that require grad, and of all scalars.
    """
    params = list(model.parameters())  # parameters() already de-duplicates shared tensors
    trainable = sum(p.numel() for p in params if p.requires_grad)
    return trainable, sum(p.numel() for p in params)


class LayerCounts(NamedTuple):
    """Parameters of one d × k weight: fully fine-tuned vs a rank-r LoRA update."""

    full: int
    lora: int
    ratio: float


def lora_parameter_counts(d: int, k: int, r: int) -> LayerCounts:
    """Trainable parameters for a d × k weight: d·k in full, r·(d + k) with LoRA.

    Args:
        d: output features (rows of W and of B).
        k: input features (columns of W and of A).
        r: LoRA rank.

    Returns:
        ``LayerCounts(full=d*k, lora=r*(d+k), ratio=lora/full)``.
    """
    for name, value in (("d", d), ("k", k), ("r", r)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    full, lora = d * k, r * (d + k)
    return LayerCounts(full=full, lora=lora, ratio=lora / full)
# --8<-- [end:count]


def parameter_table(d: int, k: int, ranks: list[int], headers: list[str]) -> str:
    """A Markdown table of LoRA vs full trainable parameters of one d × k weight.

    Args:
        d: output features.
        k: input features.
        ranks: the ranks to list, one row each.
        headers: four column titles: rank, LoRA parameters, full parameters, LoRA / full.

    Returns:
        The table as Markdown text.
    """
    if len(headers) != 4:
        raise ValueError(f"headers must name 4 columns, got {len(headers)}")
    if not ranks:
        raise ValueError("ranks must list at least one rank")
    lines = ["| " + " | ".join(headers) + " |", "|---:|---:|---:|---:|"]
    for r in ranks:
        counts = lora_parameter_counts(d, k, r)
        lines.append(f"| {r} | {counts.lora:,} | {counts.full:,} | {counts.ratio:.2%} |")
    return "\n".join(lines)
