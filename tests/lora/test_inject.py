"""inject_lora on arbitrary modules, and the parameter counters, against brute-force counts."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from examples.lora import (
    LoRALinear,
    count_parameters,
    inject_lora,
    lora_layers,
    lora_parameter_counts,
    merge_lora,
    parameter_table,
    unmerge_lora,
)


class Block(nn.Module):
    def __init__(self, d: int) -> None:
        super().__init__()
        self.q_proj = nn.Linear(d, d)
        self.v_proj = nn.Linear(d, d, bias=False)
        self.mlp = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))
        self.norm = nn.LayerNorm(d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.v_proj(torch.tanh(self.q_proj(x)))
        return self.norm(x + self.mlp(x))


class Tiny(nn.Module):
    def __init__(self, d: int = 8, depth: int = 2) -> None:
        super().__init__()
        self.embed = nn.Embedding(11, d)
        self.layers = nn.ModuleList(Block(d) for _ in range(depth))
        self.head = nn.Linear(d, 3)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.embed(ids)
        for layer in self.layers:
            x = layer(x)
        return self.head(x)


def brute_counts(model: nn.Module) -> tuple[int, int]:
    seen, trainable, total = set(), 0, 0
    for _, p in model.named_parameters(remove_duplicate=False):
        if id(p) in seen:
            continue
        seen.add(id(p))
        total += p.numel()
        trainable += p.numel() if p.requires_grad else 0
    return trainable, total


def test_inject_by_suffix_wraps_every_match_and_freezes_the_rest():
    torch.manual_seed(0)
    model = Tiny()
    ids = torch.randint(0, 11, (2, 5))
    want = model(ids)
    total_before = sum(p.numel() for p in model.parameters())
    names = inject_lora(model, ["q_proj", "v_proj"], r=2, alpha=4)
    assert names == ["layers.0.q_proj", "layers.0.v_proj", "layers.1.q_proj", "layers.1.v_proj"]
    for name in names:
        assert isinstance(model.get_submodule(name), LoRALinear)
    assert not isinstance(model.head, LoRALinear)
    torch.testing.assert_close(model(ids), want)  # B = 0: same function
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable == {f"{n}.lora_{ab}" for n in names for ab in "AB"}
    assert count_parameters(model) == (4 * 2 * (8 + 8), total_before + 4 * 2 * (8 + 8))


def test_full_names_sequential_indices_and_nested_paths():
    model = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 2))
    assert inject_lora(model, ["0", "2"], r=1, alpha=1) == ["0", "2"]
    assert isinstance(model[0], LoRALinear) and isinstance(model[2], LoRALinear)
    deep = Tiny()
    assert inject_lora(deep, ["layers.1.mlp.0"], r=2, alpha=2) == ["layers.1.mlp.0"]
    assert len(lora_layers(deep)) == 1


def test_a_single_string_target_and_duplicates():
    model = Tiny()
    assert inject_lora(model, "head", r=2, alpha=2) == ["head"]
    again = Tiny()
    assert inject_lora(again, ["head", "head"], r=2, alpha=2) == ["head"]


def test_reinjecting_fails_clearly_and_changes_nothing():
    model = Tiny()
    inject_lora(model, ["q_proj"], r=2, alpha=2)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(ValueError, match="^targets: 'q_proj' matches 'layers.0.q_proj', which already has a LoRA adapter$"):
        inject_lora(model, ["q_proj"], r=2, alpha=2)
    with pytest.raises(ValueError, match="^targets: 'base' matches 'layers.0.q_proj.base', a part of the LoRA adapter 'layers.0.q_proj'$"):
        inject_lora(model, ["base"], r=2, alpha=2)
    assert len(lora_layers(model)) == 2
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())


def test_a_second_injection_keeps_the_first_adapters_trainable():
    model = Tiny()
    inject_lora(model, ["q_proj"], r=2, alpha=2)
    names = inject_lora(model, ["v_proj"], r=3, alpha=3)
    assert names == ["layers.0.v_proj", "layers.1.v_proj"]
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    wrapped = ["layers.0.q_proj", "layers.1.q_proj", *names]
    assert trainable == {f"{n}.lora_{ab}" for n in wrapped for ab in "AB"}


def test_a_shared_module_gets_one_adapter_under_every_name():
    torch.manual_seed(0)
    lin = nn.Linear(6, 6)
    model = nn.Sequential(lin, nn.Tanh(), lin)
    assert inject_lora(model, ["0"], r=2, alpha=4) == ["0", "2"]
    assert isinstance(model[0], LoRALinear) and model[0] is model[2]
    with torch.no_grad():
        model[0].lora_B.normal_()
    w = lin.weight + model[0].delta_weight()
    x = torch.randn(3, 6)
    torch.testing.assert_close(model(x), torch.tanh(x @ w.T + lin.bias) @ w.T + lin.bias)
    assert count_parameters(model)[0] == 2 * (6 + 6)  # one adapter, counted once


def test_a_linear_inside_a_shared_block_is_wrapped_once():
    block = Block(4)
    model = nn.ModuleDict({"a": block, "b": block})
    assert inject_lora(model, ["q_proj"], r=2, alpha=2) == ["a.q_proj", "b.q_proj"]
    assert model["a"].q_proj is model["b"].q_proj
    assert len(lora_layers(model)) == 1


@settings(max_examples=20)
@given(
    st.integers(4, 12),
    st.integers(1, 3),
    st.integers(1, 3),
    st.sets(st.sampled_from(["q_proj", "v_proj", "mlp.0", "mlp.2", "head"]), min_size=1),
)
def test_counts_match_brute_force_and_formula(d, depth, r, targets):
    model = Tiny(d, depth)
    names = inject_lora(model, sorted(targets), r=r, alpha=r)
    assert count_parameters(model) == brute_counts(model)
    expected = 0
    for name in names:
        base = model.get_submodule(name).base
        expected += lora_parameter_counts(base.out_features, base.in_features, r).lora
    assert count_parameters(model)[0] == expected


def test_count_parameters_counts_shared_tensors_once():
    lin = nn.Linear(3, 3)
    model = nn.Sequential(lin, nn.ReLU(), lin)
    assert count_parameters(model) == (12, 12)
    lin.bias.requires_grad_(False)
    assert count_parameters(model) == (9, 12) == brute_counts(model)


def test_merge_and_unmerge_whole_model():
    torch.manual_seed(1)
    model = Tiny()
    inject_lora(model, ["q_proj", "mlp.2"], r=2, alpha=4)
    for layer in lora_layers(model):
        with torch.no_grad():
            layer.lora_B.normal_()
    ids = torch.randint(0, 11, (2, 5))
    want = model(ids)
    merge_lora(model)
    assert all(layer.merged for layer in lora_layers(model))
    torch.testing.assert_close(model(ids), want)
    unmerge_lora(model)
    assert not any(layer.merged for layer in lora_layers(model))
    torch.testing.assert_close(model(ids), want)


def test_layer_counts_for_a_4096_square_layer_at_rank_8():
    counts = lora_parameter_counts(4096, 4096, 8)
    assert counts.full == 16_777_216
    assert counts.lora == 65_536
    assert counts.ratio == pytest.approx(1 / 256)


@settings(max_examples=30)
@given(st.integers(1, 40), st.integers(1, 40), st.data())
def test_layer_counts_match_a_real_layer(d, k, data):
    r = data.draw(st.integers(1, min(d, k, 8)))
    layer = LoRALinear(nn.Linear(k, d, bias=False), r, 1.0)
    counts = lora_parameter_counts(d, k, r)
    assert counts.full == layer.base.weight.numel()
    assert counts.lora == layer.lora_A.numel() + layer.lora_B.numel() == count_parameters(layer)[0]
    assert counts.ratio == pytest.approx(counts.lora / counts.full)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((0, 4, 2), ValueError, "^d must be >= 1"),
        ((4, 0, 2), ValueError, "^k must be >= 1"),
        ((4, 4, 0), ValueError, "^r must be >= 1"),
        ((4.0, 4, 2), TypeError, "^d must be an int"),
        ((4, 4, True), TypeError, "^r must be an int"),
    ],
)
def test_layer_counts_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        lora_parameter_counts(*args)


@pytest.mark.parametrize(
    ("targets", "match"),
    [
        ([], "^targets must name at least one"),
        ([""], "^targets must be non-empty module names"),
        ([3], "^targets must be non-empty module names"),
        (["k_proj"], "^targets: 'k_proj' matches no submodule"),
        (["mlp"], "^targets: 'mlp' matches 'layers.0.mlp', a Sequential, not an nn.Linear"),
        (["norm"], "^targets: 'norm' matches 'layers.0.norm', a LayerNorm"),
        (["embed"], "^targets: 'embed' matches 'embed', a Embedding"),
    ],
)
def test_bad_targets(targets, match):
    model = Tiny()
    with pytest.raises(ValueError, match=match):
        inject_lora(model, targets, r=2, alpha=2)
    assert not lora_layers(model)
    assert all(p.requires_grad for p in model.parameters())  # nothing changed


def test_bad_lora_arguments_leave_the_model_untouched():
    model = Tiny()
    with pytest.raises(ValueError, match="^r must be >= 1"):
        inject_lora(model, ["q_proj"], r=0, alpha=2)
    with pytest.raises(ValueError, match="^alpha must be"):
        inject_lora(model, ["q_proj"], r=2, alpha=0)
    assert not lora_layers(model)
    assert all(p.requires_grad for p in model.parameters())


def randomise_adapters(model: nn.Module, seed: int = 1) -> None:
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for layer in lora_layers(model):
            layer.lora_B.copy_(torch.randn(layer.lora_B.shape, generator=gen))


def merged_copy(model: nn.Module) -> nn.Module:
    """The oracle: a plain copy of the original layer type holding W + s B A in every adapted slot."""
    import copy

    plain = copy.deepcopy(model)
    for name, module in list(plain.named_modules()):
        if isinstance(module, LoRALinear):
            parent_name, _, child = name.rpartition(".")
            parent = plain.get_submodule(parent_name)
            base = module.base
            with torch.no_grad():
                base.weight += module.delta_weight()
            setattr(parent, child, base)
    return plain


ENCODER_TARGETS = ["linear1", "linear2", "out_proj"]


@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_encoder_layer_eval_fast_path_and_training(norm_first):
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(16, 4, 32, dropout=0.0, batch_first=True, norm_first=norm_first)
    x = torch.randn(2, 5, 16)
    assert inject_lora(layer, ENCODER_TARGETS, r=2, alpha=4) == ["self_attn.out_proj", "linear1", "linear2"]
    randomise_adapters(layer)
    oracle = merged_copy(layer).eval()
    want = oracle(x)
    layer.eval()
    with torch.no_grad():  # PyTorch's fast path, which reads .weight of out_proj, linear1 and linear2
        torch.testing.assert_close(layer(x), want, atol=1e-5, rtol=1e-5)
    out = layer(x)  # grad enabled: the ordinary path, and the gradient reaches every adapter
    torch.testing.assert_close(out, want, atol=1e-5, rtol=1e-5)
    out.square().sum().backward()
    assert all(l.lora_A.grad is not None and l.lora_A.grad.abs().sum() > 0 for l in lora_layers(layer))
    merge_lora(layer)
    with torch.no_grad():
        torch.testing.assert_close(layer(x), want, atol=1e-5, rtol=1e-5)


def test_transformer_encoder_stack_fast_path():
    torch.manual_seed(0)
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True), 2, enable_nested_tensor=False)
    inject_lora(encoder, ENCODER_TARGETS, r=2, alpha=2)
    randomise_adapters(encoder)
    x = torch.randn(3, 4, 8)
    want = merged_copy(encoder).eval()(x)
    with torch.no_grad():
        torch.testing.assert_close(encoder.eval()(x), want, atol=1e-5, rtol=1e-5)


def test_transformer_decoder_layer():
    torch.manual_seed(0)
    layer = nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    names = inject_lora(layer, ["out_proj", "linear1", "linear2"], r=2, alpha=4)
    assert names == ["self_attn.out_proj", "multihead_attn.out_proj", "linear1", "linear2"]
    randomise_adapters(layer)
    tgt, memory = torch.randn(2, 3, 8), torch.randn(2, 5, 8)
    want = merged_copy(layer)(tgt, memory)
    torch.testing.assert_close(layer(tgt, memory), want, atol=1e-5, rtol=1e-5)
    with torch.no_grad():
        torch.testing.assert_close(layer.eval()(tgt, memory), want, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("batch_first", [False, True])
def test_multihead_attention_out_proj(batch_first):
    torch.manual_seed(0)
    model = nn.Sequential(nn.MultiheadAttention(8, 2, batch_first=batch_first))
    mha = model[0]
    assert type(mha.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    assert inject_lora(model, ["out_proj"], r=2, alpha=2) == ["0.out_proj"]
    randomise_adapters(model)
    oracle = merged_copy(model)[0]
    x = torch.randn(3, 4, 8)
    want, _ = oracle(x, x, x)
    got, _ = mha(x, x, x)
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)
    got.sum().backward()
    assert mha.out_proj.lora_B.grad.abs().sum() > 0
    with torch.no_grad():  # MHA's own fast path in eval mode
        got, _ = mha.eval()(x, x, x, need_weights=False)
        want, _ = oracle.eval()(x, x, x, need_weights=False)
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)


def test_multihead_attention_refusals():
    model = nn.Sequential(nn.MultiheadAttention(8, 2))
    with pytest.raises(ValueError, match="^targets: 'in_proj_weight' matches the parameter '0.in_proj_weight', not a module"):
        inject_lora(model, ["in_proj_weight"], r=2, alpha=2)
    with pytest.raises(ValueError, match="^dropout must be 0 for '0.out_proj'"):
        inject_lora(model, ["out_proj"], r=2, alpha=2, dropout=0.1)
    assert not lora_layers(model)
    assert all(p.requires_grad for p in model.parameters())


def test_parameter_table():
    lines = parameter_table(4096, 4096, [1, 8], ["r", "LoRA", "full", "ratio"]).splitlines()
    assert lines == [
        "| r | LoRA | full | ratio |",
        "|---:|---:|---:|---:|",
        "| 1 | 8,192 | 16,777,216 | 0.05% |",
        "| 8 | 65,536 | 16,777,216 | 0.39% |",
    ]


def test_parameter_table_bad_input():
    with pytest.raises(ValueError, match="^headers must name 4 columns"):
        parameter_table(4, 4, [1], ["r"])
    with pytest.raises(ValueError, match="^ranks must list at least one"):
        parameter_table(4, 4, [], ["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="^r must be >= 1"):
        parameter_table(4, 4, [0], ["a", "b", "c", "d"])
