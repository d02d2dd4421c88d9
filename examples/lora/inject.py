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


def lora_layers(model: nn.Module) -> list[LoRALinear]:
    """All ``LoRALinear`` modules of ``model``, in ``named_modules`` order."""
    return [m for m in model.modules() if isinstance(m, LoRALinear)]


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

    Works in place on any ``nn.Module``, PyTorch's own transformer layers
    included: ``LoRALinear.weight`` is the adapted weight, so code that reads
    ``out_proj.weight`` instead of calling the layer (``nn.MultiheadAttention``,
    the fast path of ``nn.TransformerEncoderLayer`` in eval mode) sees the
    adapter. Afterwards the A and B of every adapter in ``model`` (earlier ones
    included) require gradients, and every other parameter is frozen. A module
    reachable under several names (a shared layer) gets one adapter, placed
    under all of them, so it stays shared.

    Args:
        model: the model to adapt (modified in place).
        targets: module names, matched in full or by their trailing dotted part
            (``"q_proj"`` matches ``"layers.3.attn.q_proj"``). Each must match at
            least one ``nn.Linear`` and nothing else.
        r: rank of every adapter.
        alpha: scaling numerator of every adapter (s = alpha / r).
        dropout: dropout on the adapters' input; must be 0 for an
            ``nn.MultiheadAttention``'s ``out_proj``, which is only read as a weight.
        init: ``"kaiming"``, ``"gaussian"`` or ``"pissa"``.
        rslora: scale by alpha / sqrt(r) instead.

    Returns:
        The names of the wrapped layers (every name of a shared one), in
        ``named_modules`` order.

    Raises:
        ValueError: naming the target, if it matches nothing, a module that is
            not an ``nn.Linear``, a layer that already has an adapter, a module
            inside an adapter, or a parameter (such as ``in_proj_weight``)
            instead of a module; nothing is changed then.
    """
    targets = [targets] if isinstance(targets, str) else list(targets)
    if not targets:
        raise ValueError("targets must name at least one module")
    for target in targets:
        if not isinstance(target, str) or not target:
            raise ValueError(f"targets must be non-empty module names, got {target!r}")
    named = [(n, m) for n, m in model.named_modules(remove_duplicate=False) if n]  # every alias of a shared module
    adapters = [n for n, m in named if isinstance(m, LoRALinear)]
    chosen: dict[int, nn.Linear] = {}  # id -> module, one entry per shared module
    for target in targets:
        hits = [(n, m) for n, m in named if matches(n, target)]
        if not hits:
            raise ValueError(_no_module_message(model, target))
        for name, module in hits:
            check_target(model, target, name, module, adapters, dropout)
            chosen[id(module)] = module
    for module in chosen.values():  # validate everything before changing the model
        check_lora_args(module, r, alpha, dropout, init)
    wrapped = [n for n, m in named if id(m) in chosen]
    adapter_of = {key: LoRALinear(module, r, alpha, dropout, init, rslora) for key, module in chosen.items()}
    for name in wrapped:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        current = getattr(parent, child)
        if id(current) in adapter_of:  # not yet replaced through another alias of its parent
            setattr(parent, child, adapter_of[id(current)])
    model.requires_grad_(False)
    for layer in lora_layers(model):  # this call's adapters and any earlier ones train
        layer.lora_A.requires_grad_(True)
        layer.lora_B.requires_grad_(True)
    return wrapped


def check_target(
    model: nn.Module, target: str, name: str, module: nn.Module, adapters: list[str], dropout: float
) -> None:
    """Raise a ValueError naming ``target`` if module ``name`` cannot take an adapter.

    Args:
        model: the model being adapted.
        target: the target as the caller wrote it.
        name: a module name ``target`` matches.
        module: that module.
        adapters: names of the ``LoRALinear`` layers already in ``model``.
        dropout: the adapter dropout requested.
    """
    if isinstance(module, LoRALinear):
        raise ValueError(f"targets: {target!r} matches {name!r}, which already has a LoRA adapter")
    owner = next((a for a in adapters if name.startswith(a + ".")), None)
    if owner is not None:
        raise ValueError(f"targets: {target!r} matches {name!r}, a part of the LoRA adapter {owner!r}")
    if not isinstance(module, nn.Linear):
        raise ValueError(f"targets: {target!r} matches {name!r}, a {type(module).__name__}, not an nn.Linear")
    parent = model.get_submodule(name.rpartition(".")[0])
    if isinstance(parent, nn.MultiheadAttention) and dropout > 0:
        raise ValueError(
            f"dropout must be 0 for {name!r}: nn.MultiheadAttention reads its out_proj's weight "
            "without calling it, so an adapter dropout there would never be applied"
        )


def _no_module_message(model: nn.Module, target: str) -> str:
    """The error for a target that matches no submodule, saying so if it names a parameter."""
    params = [n for n, _ in model.named_parameters(remove_duplicate=False) if matches(n, target)]
    if not params:
        return f"targets: {target!r} matches no submodule of the model"
    return (
        f"targets: {target!r} matches the parameter {params[0]!r}, not a module; LoRA wraps nn.Linear "
        "modules (nn.MultiheadAttention's packed in_proj_weight has none: adapt its out_proj, or the "
        "q/k/v projections of a model that keeps them as separate nn.Linear layers)"
    )
# --8<-- [end:inject]


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
