"""MultiHeadAttention against torch.nn.MultiheadAttention with the same weights."""

from __future__ import annotations

import pytest
import torch
from einops import rearrange
from hypothesis import given, strategies as st
from torch import nn
from torch.nn.attention.bias import causal_lower_right, causal_upper_left

from examples.attention import MultiHeadAttention


def tolerance(dtype: torch.dtype) -> dict:
    return {"atol": 2e-5, "rtol": 1e-4} if dtype == torch.float32 else {"atol": 1e-10, "rtol": 1e-9}


@st.composite
def setup(draw):
    """A torch module, our copy of it, and batch-first inputs (cross-attention when S != L)."""
    heads = draw(st.integers(1, 4))
    embed = heads * draw(st.integers(1, 4))
    batch, q_len, k_len = draw(st.integers(1, 3)), draw(st.integers(1, 6)), draw(st.integers(1, 6))
    dtype = draw(st.sampled_from([torch.float32, torch.float64]))
    bias = draw(st.booleans())
    torch.manual_seed(draw(st.integers(0, 2**16)))
    theirs = nn.MultiheadAttention(embed, heads, bias=bias, batch_first=True, dtype=dtype)
    if bias:  # torch zero-initialises the biases; make them count
        with torch.no_grad():
            theirs.in_proj_bias.normal_()
            theirs.out_proj.bias.normal_()
    ours = MultiHeadAttention.from_torch(theirs)
    query = torch.randn(batch, q_len, embed, dtype=dtype)
    memory = torch.randn(batch, k_len, embed, dtype=dtype)
    return theirs, ours, query, memory


@given(setup())
def test_self_attention_matches_torch(s) -> None:
    theirs, ours, query, _ = s
    expected, expected_weights = theirs(query, query, query, average_attn_weights=False)
    got, weights = ours(query, need_weights=True)
    torch.testing.assert_close(got, expected, **tolerance(query.dtype))
    torch.testing.assert_close(weights, expected_weights, **tolerance(query.dtype))


@given(setup(), st.data())
def test_cross_attention_with_padding_matches_torch(s, data) -> None:
    theirs, ours, query, memory = s
    batch, k_len = memory.shape[:2]
    lengths = data.draw(st.lists(st.integers(1, k_len), min_size=batch, max_size=batch))
    padding = torch.arange(k_len) >= torch.tensor(lengths)[:, None]  # (B, S), True = padding
    expected = theirs(query, memory, memory, key_padding_mask=padding)[0]
    torch.testing.assert_close(ours(query, memory, key_padding_mask=padding), expected, **tolerance(query.dtype))


@given(setup(), st.data())
def test_causal_and_padding_match_torch(s, data) -> None:
    theirs, ours, query, _ = s
    batch, length = query.shape[:2]
    lengths = data.draw(st.lists(st.integers(1, length), min_size=batch, max_size=batch))
    padding = torch.arange(length) >= torch.tensor(lengths)[:, None]
    causal = torch.ones(length, length, dtype=torch.bool).triu(1)  # True = masked, torch's convention
    expected = theirs(query, query, query, key_padding_mask=padding, attn_mask=causal)[0]
    got = ours(query, key_padding_mask=padding, is_causal=True)
    torch.testing.assert_close(got, expected, **tolerance(query.dtype))
    torch.testing.assert_close(ours(query, key_padding_mask=padding, attn_mask=causal), expected, **tolerance(query.dtype))


@given(setup(), st.data())
def test_float_and_per_head_masks_match_torch(s, data) -> None:
    theirs, ours, query, memory = s
    batch, q_len, k_len = query.shape[0], query.shape[1], memory.shape[1]
    per_head = data.draw(st.booleans())
    shape = (batch * theirs.num_heads, q_len, k_len) if per_head else (q_len, k_len)
    mask = torch.randn(shape, dtype=query.dtype)
    expected = theirs(query, memory, memory, attn_mask=mask)[0]
    torch.testing.assert_close(ours(query, memory, attn_mask=mask), expected, **tolerance(query.dtype))


def test_fully_masked_query_gives_bias_not_nan() -> None:
    torch.manual_seed(0)
    theirs = nn.MultiheadAttention(8, 2, batch_first=True)
    ours = MultiHeadAttention.from_torch(theirs)
    x = torch.randn(1, 3, 8)
    mask = torch.zeros(3, 3, dtype=torch.bool)
    mask[1] = True  # query 1 may attend to nothing
    assert torch.isnan(theirs(x, x, x, attn_mask=mask)[0][0, 1]).all()
    out, weights = ours(x, attn_mask=mask, need_weights=True)
    assert torch.equal(weights[0, :, 1], torch.zeros(2, 3))
    torch.testing.assert_close(out[0, 1], ours.out_proj.bias)
    torch.testing.assert_close(out[0, [0, 2]], theirs(x, x, x, attn_mask=mask)[0][0, [0, 2]])


def test_gradcheck() -> None:
    torch.manual_seed(0)
    m = MultiHeadAttention(6, 3).double()
    x = torch.randn(2, 4, 6, dtype=torch.float64, requires_grad=True)
    padding = torch.tensor([[False, False, True, True], [False] * 4])
    assert torch.autograd.gradcheck(lambda t: m(t, key_padding_mask=padding, is_causal=True), (x,))


def test_key_defaults_to_query_and_value_to_key() -> None:
    m = MultiHeadAttention(4, 2)
    x, y = torch.randn(1, 3, 4), torch.randn(1, 5, 4)
    torch.testing.assert_close(m(x), m(x, x, x))
    torch.testing.assert_close(m(x, y), m(x, y, y))


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((10, 3), ValueError, "divisible"),
        ((0, 1), ValueError, "embed_dim must be >= 1"),
        ((8, 0), ValueError, "num_heads must be >= 1"),
        ((8.0, 2), TypeError, "embed_dim must be an int"),
    ],
)
def test_bad_construction(args, error, match) -> None:
    with pytest.raises(error, match=match):
        MultiHeadAttention(*args)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"query": torch.randn(3, 8)}, ValueError, "query must be"),
        ({"query": torch.randn(2, 3, 6)}, ValueError, "embed_dim=8"),
        ({"key": torch.randn(3, 4, 8)}, ValueError, "batch size"),
        ({"key": torch.randn(2, 4, 8), "value": torch.randn(2, 5, 8)}, ValueError, "same length"),
        ({"key_padding_mask": torch.zeros(2, 4, dtype=torch.bool)}, ValueError, "key_padding_mask must have shape"),
        ({"key_padding_mask": torch.zeros(2, 3, dtype=torch.long)}, TypeError, "key_padding_mask must be bool"),
        ({"attn_mask": torch.zeros(3, 4, dtype=torch.bool)}, ValueError, "attn_mask must have shape"),
        ({"attn_mask": torch.zeros(3, 3, dtype=torch.int32)}, TypeError, "attn_mask must be bool"),
        ({"attn_mask": torch.zeros(3, 3, dtype=torch.bool), "is_causal": True}, ValueError, "is_causal"),
        ({"query": "x"}, TypeError, "query must be a torch.Tensor"),
    ],
)
def test_bad_forward(kwargs, error, match) -> None:
    m = MultiHeadAttention(8, 2)
    args = {"query": torch.randn(2, 3, 8)} | kwargs
    with pytest.raises(error, match=match):
        m(**args)


def test_from_torch_rejects_other_modules() -> None:
    with pytest.raises(TypeError, match="m must be an nn.MultiheadAttention"):
        MultiHeadAttention.from_torch(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="bias_k"):
        MultiHeadAttention.from_torch(nn.MultiheadAttention(4, 2, add_bias_kv=True))


@given(setup(), st.sampled_from(["top_left", "bottom_right"]))
def test_causal_alignments_match_torch(s, alignment) -> None:
    theirs, ours, query, memory = s
    k_len = memory.shape[1]
    query = query[:, :k_len]  # L <= S: every query keeps a key under both alignments (torch's module gives NaN otherwise)
    q_len = query.shape[1]
    bias = causal_upper_left(q_len, k_len) if alignment == "top_left" else causal_lower_right(q_len, k_len)
    expected = theirs(query, memory, memory, attn_mask=~bias._materialize())[0]  # the module's True = masked out
    got = ours(query, memory, is_causal=True, causal_alignment=alignment)
    torch.testing.assert_close(got, expected, **tolerance(query.dtype))


def test_last_token_under_bottom_right_sees_every_key() -> None:
    torch.manual_seed(0)
    mha = MultiHeadAttention(8, 2).double()
    x = torch.randn(1, 5, 8, dtype=torch.float64)
    _, top_left = mha(x[:, -1:], x, is_causal=True, need_weights=True)
    _, bottom_right = mha(x[:, -1:], x, is_causal=True, need_weights=True, causal_alignment="bottom_right")
    assert torch.all(top_left[..., 1:] == 0)  # the regression: the newest token saw key 0 only
    torch.testing.assert_close(bottom_right, mha(x[:, -1:], x, need_weights=True)[1])
    torch.testing.assert_close(mha(x[:, -1:], x, is_causal=True, causal_alignment="bottom_right"), mha(x, is_causal=True)[:, -1:])


@pytest.mark.parametrize("need_weights", [True, False])
def test_dropout_matches_torch_with_the_same_seed(need_weights) -> None:
    torch.manual_seed(0)
    theirs = nn.MultiheadAttention(8, 2, dropout=0.3, batch_first=True)
    ours = MultiHeadAttention.from_torch(theirs)
    assert ours.dropout == 0.3 and ours.training
    x = torch.randn(2, 5, 8)
    torch.manual_seed(1)
    expected = theirs(x, x, x, need_weights=need_weights, average_attn_weights=False)
    torch.manual_seed(1)
    got = ours(x, need_weights=True)
    torch.testing.assert_close(got[0], expected[0])
    if need_weights:
        torch.testing.assert_close(got[1], expected[1])
    assert not torch.allclose(got[0], ours.eval()(x))  # dropout acted in training mode
    torch.testing.assert_close(ours(x), theirs.eval()(x, x, x)[0])  # and not in eval mode


@given(setup(), st.data())
def test_sequence_first_layout_matches_torch(s, data) -> None:
    batch_first, _, query, memory = s
    bias = batch_first.in_proj_bias is not None
    theirs = nn.MultiheadAttention(batch_first.embed_dim, batch_first.num_heads, bias=bias, batch_first=False, dtype=query.dtype)
    theirs.load_state_dict(batch_first.state_dict())
    ours = MultiHeadAttention.from_torch(theirs)
    assert not ours.batch_first
    lengths = data.draw(st.lists(st.integers(1, memory.shape[1]), min_size=query.shape[0], max_size=query.shape[0]))
    padding = torch.arange(memory.shape[1]) >= torch.tensor(lengths)[:, None]  # (B, S) in both layouts
    q_seq, m_seq = query.transpose(0, 1), memory.transpose(0, 1)  # (L, B, E), (S, B, E)
    expected, expected_weights = theirs(q_seq, m_seq, m_seq, key_padding_mask=padding, average_attn_weights=False)
    got, weights = ours(q_seq, m_seq, key_padding_mask=padding, need_weights=True)
    torch.testing.assert_close(got, expected, **tolerance(query.dtype))
    torch.testing.assert_close(weights, expected_weights, **tolerance(query.dtype))


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_low_precision_core_runs_in_float32(dtype) -> None:
    torch.manual_seed(0)
    mha = MultiHeadAttention(64, 4).to(dtype)
    x = torch.randn(2, 200, 64).to(dtype)
    out, weights = mha(x, is_causal=True, need_weights=True)
    assert out.dtype == weights.dtype == dtype
    exact = MultiHeadAttention(64, 4).double()
    exact.load_state_dict(mha.state_dict())
    q = rearrange(mha.q_proj(x), "b l (h d) -> b h l d", h=4)  # the rounded projections both versions start from
    k = rearrange(mha.k_proj(x), "b l (h d) -> b h l d", h=4)
    torch.testing.assert_close(
        weights.double(), exact_weights(q.double(), k.double()), rtol=torch.finfo(dtype).eps / 2, atol=1e-6
    )


def exact_weights(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """float64 causal softmax(q kᵀ / sqrt(D)), (B, H, L, L)."""
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    return torch.softmax(scores.masked_fill(torch.ones_like(scores, dtype=torch.bool).triu(1), float("-inf")), dim=-1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"dropout": 1.0}, ValueError, "dropout must be a number in"),
        ({"dropout": -0.1}, ValueError, "dropout must be a number in"),
        ({"dropout": "0.1"}, ValueError, "dropout must be a number in"),
        ({"batch_first": 1}, TypeError, "batch_first must be a bool"),
    ],
)
def test_bad_dropout_and_layout(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        MultiHeadAttention(8, 2, **kwargs)


def test_bad_causal_alignment() -> None:
    with pytest.raises(ValueError, match="causal_alignment must be one of"):
        MultiHeadAttention(8, 2)(torch.randn(1, 3, 8), is_causal=True, causal_alignment="lower_right")


def test_from_torch_copies_eval_mode() -> None:
    theirs = nn.MultiheadAttention(8, 2, dropout=0.5, batch_first=True).eval()
    ours = MultiHeadAttention.from_torch(theirs)
    x = torch.randn(1, 3, 8)
    assert not ours.training
    torch.testing.assert_close(ours(x), theirs(x, x, x)[0])


# What torch 2.13's nn.MultiheadAttention does, pinned so that an upgrade that changes it fails here.

def test_torch_is_causal_is_only_a_hint_that_needs_attn_mask() -> None:
    m = nn.MultiheadAttention(8, 2, batch_first=True)
    x = torch.randn(1, 4, 8)
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        m(x, x, x, is_causal=True)


def test_torch_wrong_is_causal_hint_gives_path_dependent_results() -> None:
    torch.manual_seed(0)
    m = nn.MultiheadAttention(8, 2, batch_first=True)
    x = torch.randn(1, 4, 8)
    not_causal = torch.zeros(4, 4, dtype=torch.bool)  # masks nothing, but claims to be causal
    causal = torch.ones(4, 4, dtype=torch.bool).triu(1)
    full, masked = m(x, x, x)[0], m(x, x, x, attn_mask=causal)[0]
    torch.testing.assert_close(m(x, x, x, attn_mask=not_causal, is_causal=True)[0], full)  # need_weights: mask used
    torch.testing.assert_close(m(x, x, x, attn_mask=not_causal, is_causal=True, need_weights=False)[0], masked)  # hint used
    with torch.no_grad():  # the fast path (eval, no grad, self-attention) uses the mask again
        torch.testing.assert_close(m.eval()(x, x, x, attn_mask=not_causal, is_causal=True, need_weights=False)[0], full)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("train, need_weights=True", "nan"),
        ("train, need_weights=False", "bias"),
        ("eval + no_grad, need_weights=True", "nan"),
        ("eval + no_grad, need_weights=False", "nan"),  # the fast path
        ("eval + no_grad, need_weights=False, float mask", "bias"),  # float masks leave the fast path
        ("eval + no_grad, need_weights=False, key is a copy", "bias"),  # not self-attention: no fast path
        ("eval + no_grad, need_weights=False, odd heads", "bias"),  # odd num_heads: no fast path
        ("eval with grad, need_weights=False", "bias"),  # weights require grad: no fast path
    ],
)
@pytest.mark.parametrize("mask_kind", ["attn_mask", "key_padding_mask"])
def test_torch_fully_masked_rows_give_nan_on_some_paths_only(case, expected, mask_kind) -> None:
    torch.manual_seed(0)
    heads = 1 if "odd heads" in case else 2
    m = nn.MultiheadAttention(8, heads, batch_first=True).train("train" in case)
    x = torch.randn(2, 4, 8)
    key = x.clone() if "copy" in case else x
    if mask_kind == "attn_mask":
        mask = torch.zeros(4, 4, dtype=torch.bool)
        mask[1] = True  # query 1 may see nothing, in both sequences
        blocked = (slice(None), 1)
    else:
        mask = torch.tensor([[True] * 4, [False] * 4])  # the first sequence is all padding
        blocked = (0,)
    if "float" in case:
        mask = torch.zeros(mask.shape).masked_fill(mask, float("-inf"))
    context = torch.enable_grad() if "train" in case or "with grad" in case else torch.no_grad()
    with context:
        out = m(x, key, key, need_weights="need_weights=True" in case, **{mask_kind: mask})[0]
    if expected == "nan":
        assert torch.isnan(out[blocked]).all()
    else:  # a zero context vector: the output projection's bias
        torch.testing.assert_close(out[blocked], m.out_proj.bias.expand_as(out[blocked]))
