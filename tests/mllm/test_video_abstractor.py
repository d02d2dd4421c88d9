"""Tests for examples/mllm/video_abstractor.py (R1-5)."""

from __future__ import annotations

import pytest
import torch
from einops import rearrange
from hypothesis import given, settings, strategies as st
from torch import nn

from examples.mllm.video_abstractor import (
    MPLUG_OWL_NUM_QUERIES,
    AbstractorLayer,
    LocalTemporal,
    VideoAbstractor,
    flatten_video_mask,
    video_llm_tokens,
)

FAST = settings(max_examples=20, deadline=None)
DIM, LLM, Q = 16, 24, 4


def make_abstractor(**kwargs) -> VideoAbstractor:
    torch.manual_seed(0)
    return VideoAbstractor(vision_dim=DIM, llm_dim=LLM, num_queries=Q, num_heads=2, **kwargs).double().eval()


def oracle_layer(layer: AbstractorLayer, queries, visual, keep):
    """The same layer through torch.nn.MultiheadAttention with the same weights."""
    dim = queries.shape[-1]
    mha = nn.MultiheadAttention(dim, layer.num_heads, batch_first=True).double()
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([layer.q_proj.weight, layer.k_proj.weight, layer.v_proj.weight]))
        mha.in_proj_bias.copy_(torch.cat([layer.q_proj.bias, layer.k_proj.bias, layer.v_proj.bias]))
        mha.out_proj.weight.copy_(layer.out_proj.weight)
        mha.out_proj.bias.copy_(layer.out_proj.bias)
    q_normed = layer.norm_q(queries)
    kv = torch.cat([q_normed, layer.norm_kv(visual)], dim=1)
    kv_keep = torch.cat([torch.ones(queries.shape[:2], dtype=torch.bool), keep], dim=1)
    attended, _ = mha(q_normed, kv, kv, key_padding_mask=~kv_keep, need_weights=False)  # True = ignore
    out = queries + attended
    return out + layer.mlp(layer.norm_mlp(out))


def oracle_abstractor(model: VideoAbstractor, video, mask):
    """Independent forward: loops over samples, MultiheadAttention layers, explicit split/add/EOS."""
    outs = []
    for i in range(video.shape[0]):
        visual = rearrange(model.input_proj(video[i : i + 1]), "1 t n d -> 1 (t n) d")
        keep = mask[i : i + 1].reshape(1, -1).bool()
        queries = torch.cat([model.query_tokens, model.temporal_query_tokens], dim=1)
        for layer in model.layers:
            queries = oracle_layer(layer, queries, visual, keep)
        tokens = model.visual_fc(queries[:, :Q]) + model.temporal_visual_fc(queries[:, Q:])
        outs.append(torch.cat([tokens, model.eos], dim=1))
    return torch.cat(outs)


# ---- worked numbers -------------------------------------------------------------------------

def test_mplug_owl_gives_65_tokens():
    assert MPLUG_OWL_NUM_QUERIES == 64
    assert video_llm_tokens() == 65


@pytest.mark.parametrize("bad", [0, -1, 2.0, True])
def test_video_llm_tokens_rejects_bad_count(bad):
    with pytest.raises(ValueError, match="num_queries"):
        video_llm_tokens(bad)


@given(b=st.integers(1, 3), t=st.integers(1, 6), n=st.integers(1, 5))
@FAST
def test_output_has_q_plus_one_tokens_whatever_t(b, t, n):
    model = make_abstractor()
    out = model(torch.randn(b, t, n, DIM, dtype=torch.float64))
    assert out.shape == (b, Q + 1, LLM)
    assert model.num_output_tokens == Q + 1


# ---- the mask ---------------------------------------------------------------------------------

@given(b=st.integers(1, 3), t=st.integers(1, 4), n=st.integers(1, 4), data=st.data())
@FAST
def test_flatten_video_mask_is_frame_major(b, t, n, data):
    values = data.draw(st.lists(st.integers(0, 1), min_size=b * t * n, max_size=b * t * n))
    mask = torch.tensor(values).reshape(b, t, n)
    flat = flatten_video_mask(mask)
    assert flat.shape == (b, t * n) and flat.dtype == torch.bool
    for i in range(b):
        for f in range(t):
            for p in range(n):
                assert flat[i, f * n + p].item() == bool(mask[i, f, p])


def test_flatten_video_mask_rejects_bad_input():
    with pytest.raises(ValueError, match="attention_mask"):
        flatten_video_mask(torch.ones(2, 3))
    with pytest.raises(ValueError, match="attention_mask"):
        flatten_video_mask(torch.full((1, 2, 3), 2))
    with pytest.raises(TypeError, match="attention_mask"):
        flatten_video_mask([[[1]]])


@given(t=st.integers(2, 5), n=st.integers(1, 4), data=st.data())
@FAST
def test_masking_frames_equals_removing_them(t, n, data):
    model = make_abstractor()
    video = torch.randn(2, t, n, DIM, dtype=torch.float64)
    mask = torch.ones(2, t, n)
    kept = []
    for i in range(2):
        frames = data.draw(st.sets(st.integers(0, t - 1), min_size=1, max_size=t))
        kept.append(sorted(frames))
        dropped = [f for f in range(t) if f not in frames]
        mask[i, dropped] = 0
    masked = model(video, mask)
    for i in range(2):
        removed = model(video[i : i + 1, kept[i]])
        torch.testing.assert_close(masked[i : i + 1], removed, rtol=1e-10, atol=1e-10)


@given(t=st.integers(1, 3), n=st.integers(1, 4), data=st.data())
@FAST
def test_output_depends_only_on_the_kept_tokens(t, n, data):
    # Once flattened, (t, n) is one key axis: masking any patches equals dropping them.
    model = make_abstractor()
    video = torch.randn(1, t, n, DIM, dtype=torch.float64)
    keep = data.draw(st.lists(st.booleans(), min_size=t * n, max_size=t * n).filter(any))
    mask = torch.tensor(keep).reshape(1, t, n)
    tokens = rearrange(video, "1 t n d -> (t n) d")[torch.tensor(keep)]
    torch.testing.assert_close(model(video, mask), model(tokens[None, None]), rtol=1e-10, atol=1e-10)


def test_matches_oracle_built_on_multihead_attention():
    model = make_abstractor(hidden_dim=8)
    video = torch.randn(3, 3, 4, DIM, dtype=torch.float64)
    mask = (torch.rand(3, 3, 4) > 0.4).long()
    mask[:, 0, 0] = 1
    with torch.no_grad():
        torch.testing.assert_close(model(video, mask), oracle_abstractor(model, video, mask))
        torch.testing.assert_close(model(video), oracle_abstractor(model, video, torch.ones(3, 3, 4)))


def test_layer_matches_multihead_attention():
    torch.manual_seed(1)
    layer = AbstractorLayer(8, num_heads=2).double()
    queries, visual = torch.randn(2, 3, 8, dtype=torch.float64), torch.randn(2, 5, 8, dtype=torch.float64)
    keep = torch.tensor([[1, 1, 0, 1, 0], [0, 0, 0, 0, 0]], dtype=torch.bool)  # second row: no visual token
    with torch.no_grad():
        torch.testing.assert_close(layer(queries, visual, keep), oracle_layer(layer, queries, visual, keep))


# ---- expand is a view, outputs are added ------------------------------------------------------

def test_expanded_queries_share_the_parameter_storage():
    model = make_abstractor()
    spatial, temporal = model.expand_queries(5)
    for view, param in ((spatial, model.query_tokens), (temporal, model.temporal_query_tokens)):
        assert param.shape == (1, Q, DIM) and view.shape == (5, Q, DIM)
        assert view.data_ptr() == param.data_ptr()
        assert view.stride(0) == 0  # no copy: every sample reads the same memory
    assert model.query_tokens.shape == model.temporal_query_tokens.shape


def test_expand_queries_rejects_bad_batch():
    with pytest.raises(ValueError, match="batch_size"):
        make_abstractor().expand_queries(0)


def test_both_query_sets_get_gradients_through_the_sum():
    model = make_abstractor()
    model(torch.randn(2, 3, 4, DIM, dtype=torch.float64)).sum().backward()
    assert model.query_tokens.grad.abs().sum() > 0
    assert model.temporal_query_tokens.grad.abs().sum() > 0
    assert model.temporal_visual_fc.weight.grad.abs().sum() > 0


def test_zeroing_temporal_fc_leaves_only_the_spatial_path():
    model = make_abstractor()
    video = torch.randn(2, 3, 4, DIM, dtype=torch.float64)
    before = model(video)
    with torch.no_grad():
        model.temporal_visual_fc.weight.zero_()
        model.temporal_visual_fc.bias.zero_()
    after = model(video)
    assert after.shape == before.shape  # added, not concatenated: same token count
    assert not torch.allclose(after[:, :Q], before[:, :Q])
    torch.testing.assert_close(after[:, Q:], before[:, Q:])  # the EOS does not depend on the input


def test_release_behaviour_for_a_single_frame():
    model = make_abstractor(skip_temporal_for_single_frame=True)
    image = torch.randn(2, 1, 4, DIM, dtype=torch.float64)
    model(image).sum().backward()
    assert model.temporal_query_tokens.grad is None and model.temporal_visual_fc.weight.grad is None
    assert model(image).shape == (2, Q + 1, LLM)
    assert model(torch.randn(2, 3, 4, DIM, dtype=torch.float64)).shape == (2, Q + 1, LLM)


# ---- frame order ------------------------------------------------------------------------------

@given(t=st.integers(2, 5), data=st.data())
@FAST
def test_abstractor_alone_is_blind_to_frame_order(t, data):
    model = make_abstractor()
    video = torch.randn(2, t, 3, DIM, dtype=torch.float64)
    perm = data.draw(st.permutations(list(range(t))))
    torch.testing.assert_close(model(video[:, perm]), model(video), rtol=1e-10, atol=1e-10)


def test_local_temporal_is_identity_at_init():
    torch.manual_seed(0)
    temporal = LocalTemporal(DIM)
    x = torch.randn(2, 5, 6, DIM)
    assert torch.equal(temporal(x), x)


def test_local_temporal_restores_frame_order_once_trained():
    model = make_abstractor()
    torch.manual_seed(2)
    temporal = LocalTemporal(DIM).double()
    video = torch.randn(2, 4, 3, DIM, dtype=torch.float64)
    reverse = [3, 2, 1, 0]
    with torch.no_grad():
        # At init: composition still blind to order.
        torch.testing.assert_close(model(temporal(video[:, reverse])), model(temporal(video)))
        nn.init.normal_(temporal.up_proj.weight, std=0.5)
        assert not torch.allclose(model(temporal(video[:, reverse])), model(temporal(video)))


def brute_force_temporal(module: LocalTemporal, x):
    """Loop over frames and kernel taps; same weights."""
    prefix = module.num_prefix_tokens
    patches = module.norm(x[:, :, prefix:])  # (b, t, n, d)
    w_down = module.down_proj.weight[:, :, 0, 0, 0]  # (inner, d)
    down = patches @ w_down.T + module.down_proj.bias  # (b, t, n, inner)
    k = module.conv.weight.shape[2]
    taps = module.conv.weight[:, 0, :, 0, 0]  # (inner, k)
    t = x.shape[1]
    conv = torch.zeros_like(down)
    for f in range(t):
        acc = module.conv.bias.expand_as(down[:, f]).clone()
        for j in range(k):
            src = f + j - k // 2
            if 0 <= src < t:
                acc = acc + down[:, src] * taps[:, j]
        conv[:, f] = acc
    up = module.act(conv) @ module.up_proj.weight[:, :, 0, 0, 0].T + module.up_proj.bias
    update = torch.cat([torch.zeros_like(x[:, :, :prefix]), up], dim=2)
    return x + update


@given(t=st.integers(1, 5), n=st.integers(1, 4), prefix=st.integers(0, 1), k=st.sampled_from([1, 3, 5]))
@FAST
def test_local_temporal_matches_brute_force(t, n, prefix, k):
    torch.manual_seed(t * 10 + n)
    module = LocalTemporal(8, kernel_frames=k, num_prefix_tokens=prefix).double()
    nn.init.normal_(module.up_proj.weight)
    nn.init.normal_(module.up_proj.bias)
    x = torch.randn(2, t, n + prefix, 8, dtype=torch.float64)
    with torch.no_grad():
        torch.testing.assert_close(module(x), brute_force_temporal(module, x))
        assert torch.equal(module(x)[:, :, :prefix], x[:, :, :prefix])


def test_local_temporal_matches_the_2d_grid_layout():
    # The release rearranges to (b, c, t, h, w); with a (3, 1, 1) kernel the grid shape is irrelevant.
    torch.manual_seed(3)
    module = LocalTemporal(8).double()
    nn.init.normal_(module.up_proj.weight)
    x = torch.randn(2, 4, 6, 8, dtype=torch.float64)
    grid = rearrange(module.norm(x), "b t (h w) c -> b c t h w", h=2)
    update = module.up_proj(module.act(module.conv(module.down_proj(grid))))
    expected = x + rearrange(update, "b c t h w -> b t (h w) c")
    with torch.no_grad():
        torch.testing.assert_close(module(x), expected)


# ---- bad input ---------------------------------------------------------------------------------

def test_abstractor_rejects_bad_input():
    model = make_abstractor()
    good = torch.randn(2, 3, 4, DIM, dtype=torch.float64)
    with pytest.raises(ValueError, match="video_embeds"):
        model(torch.randn(2, 12, DIM, dtype=torch.float64))
    with pytest.raises(ValueError, match="vision_dim"):
        model(torch.randn(2, 3, 4, DIM + 1, dtype=torch.float64))
    with pytest.raises(TypeError, match="video_embeds"):
        model(torch.ones(2, 3, 4, DIM, dtype=torch.long))
    with pytest.raises(TypeError, match="video_embeds"):
        model(good.tolist())
    with pytest.raises(ValueError, match="video_embeds"):
        model(torch.randn(2, 0, 4, DIM, dtype=torch.float64))
    with pytest.raises(ValueError, match="attention_mask"):
        model(good, torch.ones(2, 12))
    with pytest.raises(ValueError, match="attention_mask"):
        model(good, torch.full((2, 3, 4), 0.5))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"vision_dim": 0}, "vision_dim"), ({"llm_dim": -1}, "llm_dim"), ({"num_queries": 0}, "num_queries"),
     ({"num_heads": 3}, "num_heads"), ({"num_layers": 0}, "num_layers"), ({"hidden_dim": 0}, "hidden_dim")],
)
def test_abstractor_rejects_bad_config(kwargs, name):
    config = {"vision_dim": DIM, "llm_dim": LLM, "num_queries": Q} | kwargs
    with pytest.raises(ValueError, match=name):
        VideoAbstractor(**config)


def test_local_temporal_rejects_bad_input():
    with pytest.raises(ValueError, match="kernel_frames"):
        LocalTemporal(8, kernel_frames=2)
    with pytest.raises(ValueError, match="dim"):
        LocalTemporal(1)
    with pytest.raises(ValueError, match="num_prefix_tokens"):
        LocalTemporal(8, num_prefix_tokens=-1)
    with pytest.raises(ValueError, match="bottleneck_dim"):
        LocalTemporal(8, bottleneck_dim=0)
    with pytest.raises(ValueError, match="x"):
        LocalTemporal(8)(torch.randn(2, 3, 8))
    with pytest.raises(ValueError, match="num_prefix_tokens"):
        LocalTemporal(8, num_prefix_tokens=2)(torch.randn(1, 2, 2, 8))
