"""LoRA: a verified low-rank adapter layer and its initialisations (R1-9, R1-10)."""

from examples.lora.dora import DoRALinear
from examples.lora.inject import (
    LayerCounts,
    count_parameters,
    inject_lora,
    lora_layers,
    lora_parameter_counts,
    merge_lora,
    parameter_table,
    unmerge_lora,
)
from examples.lora.lora_linear import LoRALinear, check_lora_args, init_gaussian_, init_kaiming_, init_pissa_
from examples.lora.memory import TrainingMemory, memory_table, optimizer_state_bytes, training_memory
from examples.lora.merge_precision import RoundTrip, merge_round_trip
from examples.lora.multi_adapter import multi_adapter_linear

__all__ = [
    "DoRALinear",
    "LayerCounts",
    "LoRALinear",
    "RoundTrip",
    "TrainingMemory",
    "check_lora_args",
    "count_parameters",
    "init_gaussian_",
    "init_kaiming_",
    "init_pissa_",
    "inject_lora",
    "lora_layers",
    "lora_parameter_counts",
    "memory_table",
    "merge_lora",
    "merge_round_trip",
    "multi_adapter_linear",
    "optimizer_state_bytes",
    "parameter_table",
    "training_memory",
    "unmerge_lora",
]
