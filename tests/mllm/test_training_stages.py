"""Tests for examples/mllm/training_stages.py (R1-3)."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings, strategies as st

from examples.lora.lora_linear import LoRALinear
from examples.mllm.tiny_mllm import PARTS
from examples.mllm.training_stages import (
    LORA_RANK,
    LORA_TARGETS,
    STAGES,
    Stage,
    apply_stage,
    connector_parameters,
    describe_parts,
    stage,
    stage_counts,
    stage_table,
    stages_of,
    tiny_model_for,
    total_parameters,
    trainable_parameters,
)

LABELS = {"vision": "ViT", "connector": "connector", "llm": "LLM"}
HEADERS = ["Model", "Stage", "Trained", "Frozen", "Data", "lr", "Trainable", "Share"]


def brute_force_trainable(model: str, s: Stage) -> int:
    """Sum the parameters of the trained parts, plus r·(in + out) per LoRA-adapted layer."""
    mllm = tiny_model_for(model)
    count = sum(p.numel() for part in s.trained for p in getattr(mllm, part).parameters())
    if s.lora_on_llm:
        for name, module in mllm.llm.named_modules():
            if name.split(".")[-1] in LORA_TARGETS:
                count += LORA_RANK * (module.in_features + module.out_features)
    return count


@pytest.mark.parametrize(("model", "index"), [(m, i) for m, stages in STAGES.items() for i in range(len(stages))])
def test_trainable_counts_match_brute_force(model, index):
    s = stages_of(model)[index]
    assert trainable_parameters(model, index) == brute_force_trainable(model, s)
    counts = stage_counts(model)[index]
    for part in PARTS:
        if part in s.trained:
            assert counts[part] == tiny_model_for(model).parameter_counts()[part]
        elif not (part == "llm" and s.lora_on_llm):
            assert counts[part] == 0


@pytest.mark.parametrize(("model", "index"), [(m, i) for m, stages in STAGES.items() for i in range(len(stages))])
def test_only_the_stage_parts_receive_gradients(model, index):
    s = stages_of(model)[index]
    mllm = tiny_model_for(model)
    apply_stage(mllm, s)
    mllm(torch.randn(1, 3, 32, 32), torch.randint(0, 128, (1, 3))).sum().backward()
    for part in PARTS:
        for name, p in getattr(mllm, part).named_parameters():
            is_lora = part == "llm" and s.lora_on_llm and name.rsplit(".", 1)[-1] in ("lora_A", "lora_B")
            assert p.requires_grad == (part in s.trained or is_lora), (part, name)
            assert (p.grad is not None) == (part in s.trained or is_lora), (part, name)


def test_lora_stage_leaves_the_output_unchanged_at_start():
    mllm = tiny_model_for("mplug-owl").eval()
    images, ids = torch.randn(2, 3, 32, 32), torch.randint(0, 128, (2, 4))
    with torch.no_grad():
        before = mllm(images, ids)
        apply_stage(mllm, stages_of("mplug-owl")[1])
        after = mllm(images, ids)
    torch.testing.assert_close(after, before)
    wrapped = [m for m in mllm.llm.modules() if isinstance(m, LoRALinear)]
    assert len(wrapped) == len(LORA_TARGETS) * mllm.config.llm_layers


def test_published_facts_are_pinned():
    llava, llava15 = stages_of("llava"), stages_of("llava-1.5")
    assert [s.lr for s in llava] == [2e-3, 2e-5]
    assert [s.lr for s in llava15] == [1e-3, 2e-5]
    assert "595K" in llava[0].data and "158K" in llava[1].data
    assert "558K" in llava15[0].data and "665K" in llava15[1].data
    for model in ("llava", "llava-1.5"):
        assert [sorted(s.trained) for s in stages_of(model)] == [["connector"], ["connector", "llm"]]
    assert all(s.trained == {"connector"} for s in stages_of("blip-2"))  # ViT and LLM always frozen
    owl = stages_of("mplug-owl")
    assert owl[0].trained == {"vision", "connector"} and not owl[0].lora_on_llm
    assert owl[1].trained == {"connector"} and owl[1].lora_on_llm
    assert owl[2].trained == frozenset() and owl[2].lora_on_llm
    qwen = stages_of("qwen-vl")
    assert [sorted(s.trained) for s in qwen] == [["connector", "vision"], ["connector", "llm", "vision"],
                                                 ["connector", "llm"]]
    assert all(s.source for stages in STAGES.values() for s in stages)


def test_stage_counts_are_fresh_copies():
    first = stage_counts("llava")
    first[0]["total"] = -1
    assert stage_counts("llava")[0]["total"] == trainable_parameters("llava", 0) > 0


def test_share_of_stage_two_exceeds_stage_one_for_llava():
    assert trainable_parameters("llava", 0) < trainable_parameters("llava", 1) < total_parameters("llava")


def test_stage_table_lists_every_stage_with_its_count():
    table = stage_table(HEADERS, LABELS, "LoRA")
    lines = table.splitlines()
    assert lines[0] == "| " + " | ".join(HEADERS) + " |"
    assert len(lines) == 2 + sum(len(s) for s in STAGES.values())
    assert f"| {trainable_parameters('llava', 0):,} |" in lines[2]
    one = stage_table(HEADERS, LABELS, "LoRA", models=["qwen-vl"]).splitlines()
    assert len(one) == 2 + 3 and "100.0%" in one[3]


def test_stage_table_takes_its_wording_from_the_caller():
    wording = {"llava": [("1 · 特征对齐", "59.5 万图文对"), ("2 · 视觉指令微调", "LLaVA-Instruct 158K")]}
    labels = {"vision": "ViT", "connector": "投影层", "llm": "LLM"}
    table = stage_table(HEADERS, labels, "LLM 上的 LoRA", models=["llava", "blip-2"], stage_wording=wording,
                        separator="、").splitlines()
    english = stage_table(HEADERS, labels, "LoRA", models=["llava", "blip-2"], separator="、").splitlines()
    assert table[2].startswith("| llava | 1 · 特征对齐 | 投影层 | ViT、LLM | 59.5 万图文对 | 2e-3 |")
    assert table[3].split(" | ")[1] == "2 · 视觉指令微调"
    assert table[4:] == english[4:]  # BLIP-2 not in the wording: English names, same counts
    assert [row.split(" | ")[-2:] for row in table[2:]] == [row.split(" | ")[-2:] for row in english[2:]]
    with pytest.raises(ValueError, match="stage_wording"):
        stage_table(HEADERS, labels, "LoRA", stage_wording={"llava": [("1", "data")]})
    with pytest.raises(ValueError, match="stage_wording"):
        stage_table(HEADERS, labels, "LoRA", stage_wording={"llava": [("1", "d", "x"), ("2", "d")]})


@given(v=st.integers(1, 64), d=st.integers(1, 64))
@settings(max_examples=20, deadline=None)
def test_connector_parameters_match_the_formula_and_real_modules(v, d):
    from examples.mllm.projectors import LinearProjector, MLPProjector

    assert connector_parameters("linear", v, d) == v * d + d == sum(p.numel() for p in LinearProjector(v, d).parameters())
    mlp = (v * d + d) + (d * d + d)
    assert connector_parameters("mlp", v, d) == mlp == sum(p.numel() for p in MLPProjector(v, d).parameters())


def test_connector_parameters_at_llava_scale():
    assert connector_parameters("mlp", 1024, 4096) == 1024 * 4096 + 4096 + 4096 * 4096 + 4096
    with pytest.raises(ValueError, match="connector"):
        connector_parameters("qformer", 1024, 4096)


def test_describe_parts():
    owl = stages_of("mplug-owl")
    assert describe_parts(owl[1], LABELS, "LoRA") == ("connector, LoRA", "ViT, LLM")
    assert describe_parts(stages_of("qwen-vl")[1], LABELS, "LoRA") == ("ViT, connector, LLM", "—")
    assert describe_parts(stages_of("qwen-vl")[1], LABELS, "LoRA", "、") == ("ViT、connector、LLM", "—")
    with pytest.raises(ValueError, match="part_labels"):
        describe_parts(owl[1], {"vision": "ViT"}, "LoRA")


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="headers"):
        stage_table(HEADERS[:3], LABELS, "LoRA")
    with pytest.raises(ValueError, match="model"):
        stages_of("gpt-4v")
    with pytest.raises(ValueError, match="stage_index"):
        trainable_parameters("llava", 2)
    with pytest.raises(ValueError, match="trained"):
        stage("x", "s", ["decoder"], "o", "d", None, "src")
    with pytest.raises(ValueError, match="lora_on_llm"):
        stage("x", "s", ["llm"], "o", "d", None, "src", lora_on_llm=True)
    with pytest.raises(TypeError, match="stage"):
        apply_stage(tiny_model_for("llava"), "stage 1")
