"""KV-cache sizes, decode arithmetic intensity and the cache buffer."""

from __future__ import annotations

import pytest
import torch

from examples.attention import KVCache, kv_cache_bytes_per_token
from examples.attention.kv_cache import bytes_per_value, decode_flops_per_byte, mla_cache_bytes_per_token


def test_sizes_worked_examples() -> None:
    # A Llama-3-8B-shaped model: 32 layers, 8 key/value heads of 128 channels, bf16 -> 128 KiB per token.
    assert kv_cache_bytes_per_token(32, 8, 128) == 2 * 32 * 8 * 128 * 2 == 128 * 1024
    assert kv_cache_bytes_per_token(32, 32, 128) == 4 * kv_cache_bytes_per_token(32, 8, 128)  # MHA: 4x
    assert kv_cache_bytes_per_token(32, 8, 128, torch.float32) == 2 * kv_cache_bytes_per_token(32, 8, 128)
    # DeepSeek-V2 MLA: d_c = 512, d_h^R = 64 is the cache of GQA with 2.25 groups of d_h = 128 (arXiv 2405.04434).
    assert mla_cache_bytes_per_token(60, 512, 64) * 4 == kv_cache_bytes_per_token(60, 9, 128)
    assert bytes_per_value(torch.float16) == 2 and bytes_per_value(torch.float64) == 8


def test_sizes_match_a_filled_cache() -> None:
    layers, heads, dim, tokens = 3, 2, 16, 5
    caches = [KVCache(1, heads, tokens, dim, dtype=torch.bfloat16) for _ in range(layers)]
    total = sum(c.keys.numel() * c.keys.element_size() + c.values.numel() * c.values.element_size() for c in caches)
    assert total == tokens * kv_cache_bytes_per_token(layers, heads, dim)


def test_decode_intensity() -> None:
    assert decode_flops_per_byte(32, 32) == 1.0  # MHA in bf16: one FLOP per byte read
    assert decode_flops_per_byte(32, 8) == 4.0
    assert decode_flops_per_byte(32, 1, torch.float32) == 16.0


def test_cache_appends_and_returns_everything_so_far() -> None:
    cache = KVCache(2, 3, 10, 4)
    k1, v1 = torch.randn(2, 3, 4, 4), torch.randn(2, 3, 4, 4)
    keys, values = cache.append(k1, v1)
    assert len(cache) == 4 and torch.equal(keys, k1) and torch.equal(values, v1)
    k2, v2 = torch.randn(2, 3, 1, 4), torch.randn(2, 3, 1, 4)
    keys, values = cache.append(k2, v2)
    assert len(cache) == 5
    assert torch.equal(keys, torch.cat([k1, k2], dim=2)) and torch.equal(values, torch.cat([v1, v2], dim=2))


def test_bad_input() -> None:
    cache = KVCache(1, 2, 3, 4)
    with pytest.raises(ValueError, match="k must have shape"):
        cache.append(torch.randn(1, 3, 1, 4), torch.randn(1, 3, 1, 4))
    with pytest.raises(ValueError, match="v must have shape"):
        cache.append(torch.randn(1, 2, 1, 4), torch.randn(1, 2, 2, 4))
    with pytest.raises(ValueError, match="would not fit"):
        cache.append(torch.randn(1, 2, 4, 4), torch.randn(1, 2, 4, 4))
    with pytest.raises(ValueError, match="max_len must be >= 1"):
        KVCache(1, 2, 0, 4)
    with pytest.raises(TypeError, match="num_layers must be an int"):
        kv_cache_bytes_per_token(32.0, 8, 128)
    with pytest.raises(TypeError, match="dtype must be a floating"):
        kv_cache_bytes_per_token(32, 8, 128, torch.int8)
    with pytest.raises(ValueError, match="latent_dim must be >= 1"):
        mla_cache_bytes_per_token(60, 0, 64)
