"""What each training stage of five MLLMs trains, freezes and reads (R1-3).

The stage descriptions are data with their sources; ``apply_stage`` turns one into
``requires_grad`` flags (and LoRA adapters) on the tiny model of
``examples.mllm.tiny_mllm``, so the page can print how many parameters each stage
actually updates. Learning rates are given only where the paper or release states them
(see /work/shared/reference/facts.md); ``None`` means "not stated here".
"""

from __future__ import annotations

# --8<-- [start:setup]
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch

from examples.lora.inject import inject_lora
from examples.mllm.prefill_cost import VICUNA_7B
from examples.mllm.projectors import LinearProjector, MLPProjector
from examples.mllm.tiny_mllm import PARTS, TinyMLLM, TinyMLLMConfig
# --8<-- [end:setup]

LORA_TARGETS = ("q_proj", "v_proj")
"""Where mPLUG-Owl's released script puts LoRA: the attention query and value projections."""

LORA_RANK = 8
"""LoRA rank of mPLUG-Owl's released training script."""

LORA_ALPHA = 32
"""LoRA alpha of mPLUG-Owl's released training script."""

CLIP_VIT_L_WIDTH = 1024
"""Feature width of CLIP ViT-L/14 (arXiv 2103.00020), the vision encoder of LLaVA and LLaVA-1.5."""

LLAMA_7B_WIDTH = VICUNA_7B.hidden
"""Hidden width of LLaMA-7B (arXiv 2302.13971) and of Vicuna-7B built on it."""


@dataclass(frozen=True)
class Stage:
    """One training stage of one model.

    Attributes:
        model: model key, e.g. ``"llava"``.
        name: short name of the stage.
        trained: parts updated in full, a subset of ``PARTS``.
        lora_on_llm: True if the LLM is frozen but gets trainable LoRA adapters.
        objective: the loss.
        data: what the stage trains on.
        lr: peak learning rate, or ``None`` if not stated in the sources used here.
        source: where the facts come from (paper arXiv id or repository file).
    """

    model: str
    name: str
    trained: frozenset[str]
    lora_on_llm: bool
    objective: str
    data: str
    lr: float | None
    source: str

    def __post_init__(self) -> None:
        unknown = set(self.trained) - set(PARTS)
        if unknown:
            raise ValueError(f"trained must be a subset of {PARTS}, got {sorted(unknown)}")
        if self.lora_on_llm and "llm" in self.trained:
            raise ValueError("lora_on_llm needs the LLM frozen: remove 'llm' from trained")

    @property
    def frozen(self) -> tuple[str, ...]:
        """Parts not updated in full (a LoRA-adapted LLM counts as frozen)."""
        return tuple(part for part in PARTS if part not in self.trained)


def stage(model: str, name: str, trained: Sequence[str], objective: str, data: str, lr: float | None,
          source: str, lora_on_llm: bool = False) -> Stage:
    """Build a ``Stage`` (a short constructor for the table below)."""
    return Stage(model, name, frozenset(trained), lora_on_llm, objective, data, lr, source)


LLAVA = "arXiv 2304.08485"
LLAVA_15 = "arXiv 2310.03744"
BLIP2 = "arXiv 2301.12597; salesforce/LAVIS lavis/models/blip2_models/blip2.py"
MPLUG = "arXiv 2304.14178"
MPLUG_RELEASE = "X-PLUG/mPLUG-Owl, pipeline/train.py with --use-lora"
QWEN_VL = "arXiv 2308.12966"

# --8<-- [start:stages]
STAGES: dict[str, tuple[Stage, ...]] = {
    "llava": (
        stage("llava", "1 · feature alignment", ["connector"], "next-token loss on captions",
              "CC3M filtered to 595K image-text pairs", 2e-3, LLAVA),
        stage("llava", "2 · visual instruction tuning", ["connector", "llm"], "next-token loss on answers",
              "LLaVA-Instruct 158K (58K conversation, 23K detailed description, 77K complex reasoning)",
              2e-5, LLAVA),
    ),
    "llava-1.5": (
        stage("llava-1.5", "1 · feature alignment", ["connector"], "next-token loss on captions",
              "LAION-CC-SBU 558K image-caption pairs", 1e-3, LLAVA_15),
        stage("llava-1.5", "2 · visual instruction tuning", ["connector", "llm"], "next-token loss on answers",
              "665K mixture of instruction and academic VQA data", 2e-5, LLAVA_15),
    ),
    "blip-2": (
        stage("blip-2", "1 · representation learning", ["connector"],
              "ITC + ITM + image-grounded text generation (no LLM involved)",
              "129M images (COCO, Visual Genome, CC3M, CC12M, SBU, 115M from LAION-400M)", None, BLIP2),
        stage("blip-2", "2 · generative learning", ["connector"], "LM loss through the frozen LLM",
              "the same 129M images", None, BLIP2),
    ),
    "mplug-owl": (
        stage("mplug-owl", "1 · multimodal pretraining", ["vision", "connector"], "next-token loss on captions",
              "image-caption pairs", None, MPLUG),
        stage("mplug-owl", "2 · joint instruction tuning (paper)", ["connector"], "next-token loss on answers",
              "language-only and multimodal instruction data", None, MPLUG, lora_on_llm=True),
        stage("mplug-owl", "2 · instruction tuning (released script)", [], "next-token loss on answers",
              "language-only and multimodal instruction data", None, MPLUG_RELEASE, lora_on_llm=True),
    ),
    "qwen-vl": (
        stage("qwen-vl", "1 · pretraining at 224 px", ["vision", "connector"], "next-token loss on captions",
              "large-scale cleaned web image-text pairs", None, QWEN_VL),
        stage("qwen-vl", "2 · multi-task pretraining at 448 px", ["vision", "connector", "llm"],
              "next-token loss", "captioning, VQA, grounding, OCR and text-only data, interleaved", None, QWEN_VL),
        stage("qwen-vl", "3 · supervised fine-tuning", ["connector", "llm"], "next-token loss on answers",
              "multimodal instruction and dialogue data", None, QWEN_VL),
    ),
}
# --8<-- [end:stages]

TINY_CONNECTOR: dict[str, dict] = {
    "llava": {"connector": "linear"},
    "llava-1.5": {"connector": "mlp"},
    "blip-2": {"connector": "abstractor"},  # query-based, standing in for the Q-Former + FC
    "mplug-owl": {"connector": "abstractor"},
    "qwen-vl": {"connector": "abstractor", "abstractor_layers": 1},  # one cross-attention layer
}
"""Connector of the tiny stand-in model for each entry of ``STAGES``."""


def stages_of(model: str) -> tuple[Stage, ...]:
    """The stages of ``model``.

    Args:
        model: a key of ``STAGES``.
    """
    if model not in STAGES:
        raise ValueError(f"model must be one of {sorted(STAGES)}, got {model!r}")
    return STAGES[model]


def tiny_model_for(model: str, seed: int = 0) -> TinyMLLM:
    """The tiny stand-in for ``model``, with that model's kind of connector.

    Args:
        model: a key of ``STAGES``.
        seed: torch seed for the initial weights (counts do not depend on it).
    """
    stages_of(model)
    torch.manual_seed(seed)
    return TinyMLLM(TinyMLLMConfig(**TINY_CONNECTOR[model]))


# --8<-- [start:apply_stage]
def apply_stage(mllm: TinyMLLM, stage: Stage) -> dict[str, int]:
    """Set ``requires_grad`` on the tiny model as ``stage`` does; add LoRA if it uses it.

    Args:
        mllm: the model to modify in place (LoRA wraps its LLM's q/v projections).
        stage: what to train.

    Returns:
        Trainable parameters per part and in total, e.g.
        ``{"vision": 0, "connector": c, "llm": 0, "total": c}`` for a connector-only stage.
    """
    if not isinstance(stage, Stage):
        raise TypeError(f"stage must be a Stage, got {type(stage).__name__}")
    mllm.set_trainable(**{part: part in stage.trained for part in PARTS})
    if stage.lora_on_llm:
        inject_lora(mllm.llm, LORA_TARGETS, r=LORA_RANK, alpha=LORA_ALPHA)  # freezes the LLM, adds A and B
    return mllm.parameter_counts(trainable_only=True)
# --8<-- [end:apply_stage]


@functools.cache
def _cached_stage_counts(model: str) -> tuple[tuple[tuple[str, int], ...], ...]:
    return tuple(tuple(apply_stage(tiny_model_for(model), s).items()) for s in stages_of(model))


def stage_counts(model: str) -> tuple[dict[str, int], ...]:
    """Trainable parameters per stage of ``model``, each stage on a fresh tiny model (computed once).

    Args:
        model: a key of ``STAGES``.

    Returns:
        One dict per stage, as returned by ``apply_stage``.
    """
    stages_of(model)
    return tuple(dict(counts) for counts in _cached_stage_counts(model))


def total_parameters(model: str) -> int:
    """All parameters of the tiny stand-in for ``model`` (without LoRA adapters).

    Args:
        model: a key of ``STAGES``.
    """
    return tiny_model_for(model).parameter_counts()["total"]


def trainable_parameters(model: str, stage_index: int) -> int:
    """Trainable parameters of the tiny stand-in in one stage.

    Args:
        model: a key of ``STAGES``.
        stage_index: 0-based index into ``stages_of(model)``.
    """
    counts = stage_counts(model)
    if not isinstance(stage_index, int) or not 0 <= stage_index < len(counts):
        raise ValueError(f"stage_index must be in [0, {len(counts)}) for {model!r}, got {stage_index!r}")
    return counts[stage_index]["total"]


def connector_parameters(connector: str, vision_dim: int, llm_dim: int) -> int:
    """Parameters of a projector at full scale, counted on the meta device (no memory used).

    Args:
        connector: ``"linear"`` (LLaVA) or ``"mlp"`` (LLaVA-1.5's ``mlp2x_gelu``).
        vision_dim: width of the vision features.
        llm_dim: width of the LLM embeddings.

    Returns:
        The number of parameters of the projector.
    """
    builders = {"linear": LinearProjector, "mlp": MLPProjector}
    if connector not in builders:
        raise ValueError(f"connector must be one of {sorted(builders)}, got {connector!r}")
    with torch.device("meta"):
        module = builders[connector](vision_dim, llm_dim)
    return sum(p.numel() for p in module.parameters())


def describe_parts(stage: Stage, part_labels: Mapping[str, str], lora_label: str,
                   separator: str = ", ") -> tuple[str, str]:
    """The trained and frozen parts of ``stage`` as text.

    Args:
        stage: the stage.
        part_labels: display name of each part in ``PARTS``.
        lora_label: display name of "LoRA adapters on the LLM".
        separator: text between two parts (e.g. ``"、"`` on a Chinese page).

    Returns:
        ``(trained, frozen)``, each a ``separator``-joined list ("—" when empty).
    """
    missing = set(PARTS) - set(part_labels)
    if missing:
        raise ValueError(f"part_labels must name every part of {PARTS}, missing {sorted(missing)}")
    trained = [part_labels[p] for p in PARTS if p in stage.trained]
    if stage.lora_on_llm:
        trained.append(lora_label)
    frozen = [part_labels[p] for p in stage.frozen]
    return separator.join(trained) or "—", separator.join(frozen) or "—"


# --8<-- [start:table]
def stage_table(headers: Sequence[str], part_labels: Mapping[str, str], lora_label: str,
                models: Sequence[str] | None = None,
                stage_wording: Mapping[str, Sequence[tuple[str, str]]] | None = None,
                separator: str = ", ") -> str:
    """A Markdown table: one row per stage, with the tiny model's trainable parameters.

    Args:
        headers: 8 column titles: model, stage, trained, frozen, data, learning rate,
            trainable parameters of the tiny model, and their share of the tiny model.
        part_labels: display name of each part in ``PARTS``.
        lora_label: display name of LoRA adapters on the LLM.
        models: keys of ``STAGES`` to include, in order; all by default.
        stage_wording: per model key, one ``(name, data)`` pair per stage that replaces the
            stage's English name and data description (a translated page passes its own);
            models not listed keep the English text.
        separator: text between two parts in the trained and frozen columns.

    Returns:
        The table as Markdown text.
    """
    if len(headers) != 8:
        raise ValueError(f"headers must name 8 columns, got {len(headers)}")
    wording = {} if stage_wording is None else stage_wording
    for model, pairs in wording.items():
        if len(pairs) != len(stages_of(model)) or any(len(pair) != 2 for pair in pairs):
            raise ValueError(f"stage_wording[{model!r}] must give one (name, data) pair for each of the "
                             f"{len(stages_of(model))} stages, got {pairs!r}")
    rows = ["| " + " | ".join(headers) + " |", "|" + "---|" * 8]
    for model in STAGES if models is None else models:
        total = total_parameters(model)
        names = wording.get(model, [(s.name, s.data) for s in stages_of(model)])
        for s, counts, (name, data) in zip(stages_of(model), stage_counts(model), names):
            trained, frozen = describe_parts(s, part_labels, lora_label, separator)
            lr = "—" if s.lr is None else f"{s.lr:.0e}".replace("e-0", "e-")
            share = f"{100 * counts['total'] / total:.1f}%"
            rows.append(f"| {model} | {name} | {trained} | {frozen} | {data} | {lr} | "
                        f"{counts['total']:,} | {share} |")
    return "\n".join(rows)
# --8<-- [end:table]


if __name__ == "__main__":
    print(stage_table(["Model", "Stage", "Trained", "Frozen", "Data", "lr", "Trainable", "Share"],
                      {"vision": "ViT", "connector": "connector", "llm": "LLM"}, "LoRA"))
