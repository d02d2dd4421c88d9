"""Flamingo's gated cross-attention: identity at init, and nn.MultiheadAttention once the gates open."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from examples.mllm import GatedCrossAttentionBlock

DTYPE = torch.float64


def make_block(dim=8, media_dim=6, heads=2, seed=0) -> GatedCrossAttentionBlock:
    torch.manual_seed(seed)
    return GatedCrossAttentionBlock(dim, media_dim, heads=heads, dim_head=dim // heads).to(DTYPE)


@settings(max_examples=15)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 3))
def test_identity_at_initialisation(n_text, n_media, b):
    block = make_block()
    x = torch.randn(b, n_text, 8, dtype=DTYPE)
    media = torch.randn(b, n_media, 6, dtype=DTYPE)
    assert torch.equal(block(x, media), x)


def test_only_the_gates_get_gradient_at_init():
    """tanh(0) = 0 multiplies the attention branch, so its weights get zero gradient; the gate does not."""
    block = make_block()
    x = torch.randn(2, 4, 8, dtype=DTYPE)
    media = torch.randn(2, 5, 6, dtype=DTYPE)
    block(x, media).square().sum().backward()
    assert block.attn_gate.grad.abs().item() > 0
    assert block.ff_gate.grad.abs().item() > 0
    for name in ("to_q", "to_kv", "to_out"):
        assert torch.count_nonzero(getattr(block, name).weight.grad) == 0, name


def reference(block: GatedCrossAttentionBlock, x, media, media_mask=None):
    dim, media_dim, heads = block.dim, block.media_dim, block.heads
    mha = nn.MultiheadAttention(dim, heads, bias=False, kdim=media_dim, vdim=media_dim, batch_first=True, dtype=DTYPE)
    k_weight, v_weight = block.to_kv.weight.chunk(2)
    with torch.no_grad():
        mha.q_proj_weight.copy_(block.to_q.weight)
        mha.k_proj_weight.copy_(k_weight)
        mha.v_proj_weight.copy_(v_weight)
        mha.out_proj.weight.copy_(block.to_out.weight)
    attn_mask = None if media_mask is None else (~media_mask).repeat_interleave(heads, dim=0)  # True = blocked
    update, _ = mha(block.norm(x), media, media, attn_mask=attn_mask, need_weights=False)
    y = x + torch.tanh(block.attn_gate) * update
    return y + torch.tanh(block.ff_gate) * block.ff(y)


def test_open_gates_match_multihead_attention():
    block = make_block()
    with torch.no_grad():
        block.attn_gate.fill_(0.7)
        block.ff_gate.fill_(-0.3)
    x, media = torch.randn(2, 4, 8, dtype=DTYPE), torch.randn(2, 5, 6, dtype=DTYPE)
    mask = torch.rand(2, 4, 5) > 0.4
    mask[..., 0] = True  # every text token sees at least one visual token (MHA gives NaN otherwise)
    torch.testing.assert_close(block(x, media), reference(block, x, media))
    torch.testing.assert_close(block(x, media, mask), reference(block, x, media, mask))


def test_text_before_any_image_is_untouched():
    """A text token allowed no visual token gets a zero attention update (Flamingo: text before the first image)."""
    block = make_block()
    with torch.no_grad():
        block.attn_gate.fill_(1.0)  # ff_gate stays 0
    x, media = torch.randn(1, 3, 8, dtype=DTYPE), torch.randn(1, 4, 6, dtype=DTYPE)
    mask = torch.tensor([[[False] * 4, [True] * 4, [True, True, False, False]]])
    out = block(x, media, mask)
    assert torch.equal(out[0, 0], x[0, 0])
    assert not torch.allclose(out[0, 1], x[0, 1])


def test_bad_inputs():
    block = make_block()
    x, media = torch.randn(2, 3, 8, dtype=DTYPE), torch.randn(2, 4, 6, dtype=DTYPE)
    with pytest.raises(ValueError, match="x must have shape"):
        block(torch.randn(2, 3, 7, dtype=DTYPE), media)
    with pytest.raises(ValueError, match="media must have shape"):
        block(x, torch.randn(2, 4, 8, dtype=DTYPE))
    with pytest.raises(ValueError, match="batch"):
        block(x, media[:1])
    with pytest.raises(ValueError, match="media_mask"):
        block(x, media, torch.ones(2, 3, 5, dtype=torch.bool))
    with pytest.raises(TypeError, match="media"):
        block(x, None)
    with pytest.raises(ValueError, match="media_dim"):
        GatedCrossAttentionBlock(8, 0)
