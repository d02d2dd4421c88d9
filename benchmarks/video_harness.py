"""Measure sparse video attention on this machine (R2-2): the harness behind ``benchmarks/video_attention.py``.

:func:`run_sweep` times every pattern of :mod:`examples.video.sparse` (plus full
attention, a dense-masked sliding window, chunked attention and the layout copies of
temporal attention alone) over a range of frame counts at a fixed patch grid and
width. Each point is timed in rounds: a round calls every pattern once, one after the
other, so the patterns of one round share the machine's load and their ratios are
measured side by side. It also records the peak memory allocated by PyTorch's CPU
allocator during one **forward** call (from ``torch.profiler`` memory events: bytes
allocated above what was live before the call, the output included, the inputs and
any prebuilt mask excluded; no backward pass, so no saved activations).

``benchmarks/video_attention.py`` is the command line that writes the results file;
:mod:`benchmarks.video_results` reads it back for the pages.
"""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from einops import rearrange

from examples.attention.chunked import chunked_attention
from examples.attention.scaled_dot_product import scaled_dot_product_attention
from examples.video.costs import (
    attention_flops,
    divided_pairs,
    sliding_window_pairs,
    spatial_pairs,
    temporal_pairs,
    tile_pairs,
    window_pairs,
)
from examples.video.masks import Grid, sliding_tile_keep, sliding_window_mask
from examples.video.sparse import (
    divided_space_time_attention,
    sliding_window_attention,
    spatial_attention,
    temporal_attention,
    tile_sparse_attention,
    window_attention,
)

MEMORY_METHOD = (
    "peak bytes allocated by PyTorch's CPU allocator during one forward call (no backward pass), above what was "
    "allocated before it (inputs and prebuilt masks excluded, output included), from torch.profiler memory events "
    "inside a record_function range around the call"
)
TIME_METHOD = (
    "wall-clock time (time.perf_counter) of one call per pattern per round; every round calls all patterns one "
    "after the other, after {warmup} untimed warm-up round(s); time_s is the median over rounds and times_s "
    "lists the rounds in order, so that ratios can be taken round by round"
)
DEFAULT_REPEATS = 21


@dataclass(frozen=True)
class SweepConfig:
    """Fixed sizes of a sweep; only the frame count varies.

    Attributes:
        height: patch rows per frame.
        width: patch columns per frame.
        heads: attention heads.
        head_dim: channels per head (model width = heads · head_dim).
        window: Video Swin window (t, h, w) in tokens; shifted by half of it.
        tile: tile (t, h, w) in tokens for tile-sparse attention.
        tile_window: sliding window over tiles (Sliding Tile Attention), in tiles.
        token_window: token-level sliding window (t, h, w), in tokens.
        chunk_size: block size of chunked attention.
        dtype: "float32" or "float64".
    """

    height: int = 16
    width: int = 16
    heads: int = 4
    head_dim: int = 64
    window: Grid = (4, 8, 8)
    tile: Grid = (4, 4, 4)
    tile_window: Grid = (1, 3, 3)
    token_window: Grid = (3, 5, 5)
    chunk_size: int = 512
    dtype: str = "float32"


# --8<-- [start:patterns]
Build = Callable[[torch.Tensor, torch.Tensor, torch.Tensor, Grid, SweepConfig], Callable[[], torch.Tensor]]


def half(window: Grid) -> Grid:
    """Video Swin's shift: half the window on every axis."""
    return (window[0] // 2, window[1] // 2, window[2] // 2)


def build_dense_masked_window(q, k, v, grid: Grid, cfg: SweepConfig) -> Callable[[], torch.Tensor]:
    """Sliding window as an (L, L) mask handed to the fused dense kernel; the mask is built once, outside."""
    mask = sliding_window_mask(grid, cfg.token_window)
    return lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


def build_temporal_copies(q, k, v, grid: Grid, cfg: SweepConfig) -> Callable[[], torch.Tensor]:
    """Only the layout change of temporal attention, forced to copy: q, k, v into time lines, one back.

    Measures what the rearranges of :func:`examples.video.sparse.temporal_attention`
    would cost if each produced a contiguous copy (einops returns a strided view
    when it can; the kernel then reads the strided layout itself).
    """
    t = grid[0]

    def copies() -> torch.Tensor:
        lines = [rearrange(x, "b m (t s) e -> (b s) m t e", t=t).contiguous() for x in (q, k, v)]
        return rearrange(lines[2], "(b s) m t e -> b m (t s) e", b=q.shape[0]).contiguous()

    return copies


def build_tile_sparse(q, k, v, grid: Grid, cfg: SweepConfig) -> Callable[[], torch.Tensor]:
    """Sliding Tile Attention's pattern run by the gather-based tile-sparse kernel; keep built once."""
    keep = sliding_tile_keep(grid, cfg.tile, cfg.tile_window)
    return lambda: tile_sparse_attention(q, k, v, grid, cfg.tile, keep)


PATTERNS: dict[str, tuple[Build, Callable[[Grid, SweepConfig], int]]] = {
    "full": (
        lambda q, k, v, g, c: lambda: F.scaled_dot_product_attention(q, k, v),
        lambda g, c: (g[0] * g[1] * g[2]) ** 2,
    ),
    "full_explicit": (
        lambda q, k, v, g, c: lambda: scaled_dot_product_attention(q, k, v),
        lambda g, c: (g[0] * g[1] * g[2]) ** 2,
    ),
    "chunked": (
        lambda q, k, v, g, c: lambda: chunked_attention(q, k, v, chunk_size=c.chunk_size),
        lambda g, c: (g[0] * g[1] * g[2]) ** 2,
    ),
    "spatial": (lambda q, k, v, g, c: lambda: spatial_attention(q, k, v, g), lambda g, c: spatial_pairs(g)),
    "temporal": (lambda q, k, v, g, c: lambda: temporal_attention(q, k, v, g), lambda g, c: temporal_pairs(g)),
    "divided": (
        lambda q, k, v, g, c: lambda: divided_space_time_attention(q, k, v, g),
        lambda g, c: divided_pairs(g),
    ),
    "window": (
        lambda q, k, v, g, c: lambda: window_attention(q, k, v, g, c.window),
        lambda g, c: window_pairs(g, c.window),
    ),
    "shifted_window": (
        lambda q, k, v, g, c: lambda: window_attention(q, k, v, g, c.window, half(c.window)),
        lambda g, c: window_pairs(g, c.window, half(c.window)),
    ),
    "tile_sparse": (build_tile_sparse, lambda g, c: tile_pairs(c.tile, sliding_tile_keep(g, c.tile, c.tile_window))),
    "sliding_gather": (
        lambda q, k, v, g, c: lambda: sliding_window_attention(q, k, v, g, c.token_window),
        lambda g, c: sliding_window_pairs(g, c.token_window),
    ),
    "sliding_dense_mask": (build_dense_masked_window, lambda g, c: sliding_window_pairs(g, c.token_window)),
    "temporal_copies": (build_temporal_copies, lambda g, c: 0),
}
# --8<-- [end:patterns]


# --8<-- [start:measure]
def interleaved_times(
    calls: Mapping[str, Callable[[], object]], repeats: int, warmup: int = 1
) -> dict[str, list[float]]:
    """Wall-clock seconds of ``repeats`` calls of each function, taken round-robin.

    Every function is called ``warmup`` times untimed, then each round times one
    call of every function in turn, so a burst of load from other processes on a
    shared machine hits all patterns of that round alike instead of one pattern's
    whole series. ``times[name][i]`` is round ``i`` for every name.
    """
    for _ in range(warmup):
        for fn in calls.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, fn in calls.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Silence file descriptor 2 (the profiler's C++ start/stop log lines)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def peak_memory_bytes_each(calls: Mapping[str, Callable[[], object]]) -> dict[str, int]:
    """Peak bytes PyTorch's CPU allocator holds during one call of each function, above the level before it.

    All calls run in one ``torch.profiler`` session (starting the profiler is the slow
    part), each inside its own ``record_function`` range. For each range, the
    allocation and free events inside it are replayed in time order and the highest
    running total is kept. Tensors freed inside the call (scores, temporaries) count
    while they live; the returned output counts too.
    """
    labels = {name: f"peak_memory:{index}" for index, name in enumerate(calls)}
    with quiet_stderr(), torch.profiler.profile(
        activities=[torch.profiler.ProfilerActivity.CPU], profile_memory=True
    ) as prof:
        for name, fn in calls.items():
            with torch.profiler.record_function(labels[name]):
                fn()
    events = list(prof.profiler.kineto_results.events())
    ranges = {event.name(): (event.start_ns(), event.end_ns()) for event in events if event.name() in labels.values()}
    memory = sorted(
        (event.start_ns(), event.nbytes())
        for event in events
        if event.name() == "[memory]" and event.device_type() == torch.autograd.DeviceType.CPU
    )
    peaks = {}
    for name, label in labels.items():
        start, end = ranges[label]
        live = peak = 0
        for stamp, nbytes in memory:
            if start <= stamp <= end:
                live += nbytes
                peak = max(peak, live)
        peaks[name] = peak
    return peaks


def peak_memory_bytes(fn: Callable[[], object]) -> int:
    """Peak bytes allocated during one call of ``fn`` (see :func:`peak_memory_bytes_each`)."""
    return peak_memory_bytes_each({"call": fn})["call"]
# --8<-- [end:measure]


def machine_metadata(note: str, warmup: int = 1) -> dict[str, object]:
    """Where and how the sweep ran: CPU, threads, versions, and a free-text note."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "device": "cpu",
        "cpu": cpu,
        "logical_cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d"),
        "memory_method": MEMORY_METHOD,
        "time_method": TIME_METHOD.format(warmup=warmup),
        "note": note,
    }


# --8<-- [start:sweep]
def run_sweep(
    frames: Sequence[int],
    config: SweepConfig = SweepConfig(),
    patterns: Sequence[str] | None = None,
    repeats: int = DEFAULT_REPEATS,
    warmup: int = 1,
    measure_memory: bool = True,
    note: str = "",
    seed: int = 0,
) -> dict:
    """Time (and measure the memory of) every pattern at every frame count.

    Args:
        frames: frame counts to sweep; each must be divisible by the window's and
            tile's frame sizes.
        config: fixed patch grid, width and pattern sizes.
        patterns: names from :data:`PATTERNS`; all of them by default.
        repeats: timed rounds per point (the median and quartiles are reported).
        warmup: untimed rounds before them.
        measure_memory: also run each point's forward call once under the profiler.
        note: free text stored in the metadata (e.g. "shared machine").
        seed: seed of the random q, k, v.

    Returns:
        ``{"metadata", "config", "patterns", "rows"}``; one row per (pattern, frames)
        with tokens, attended pairs, FLOPs, median and all times, and peak bytes.
    """
    names = list(PATTERNS) if patterns is None else list(patterns)
    unknown = [name for name in names if name not in PATTERNS]
    if unknown:
        raise ValueError(f"patterns has unknown names {unknown}; choose from {list(PATTERNS)}")
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be a positive int, got {repeats!r}")
    if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"warmup must be a non-negative int, got {warmup!r}")
    if not frames or any(isinstance(t, bool) or not isinstance(t, int) or t < 1 for t in frames):
        raise ValueError(f"frames must be a non-empty list of positive ints, got {frames!r}")
    dtype = {"float32": torch.float32, "float64": torch.float64}.get(config.dtype)
    if dtype is None:
        raise ValueError(f"config.dtype must be 'float32' or 'float64', got {config.dtype!r}")
    generator = torch.Generator().manual_seed(seed)
    load_before = os.getloadavg()
    rows = []
    for t in frames:
        grid = (t, config.height, config.width)
        tokens = t * config.height * config.width
        shape = (1, config.heads, tokens, config.head_dim)  # (b, heads, L, e)
        q, k, v = (torch.randn(shape, generator=generator, dtype=dtype) for _ in range(3))
        calls = {name: PATTERNS[name][0](q, k, v, grid, config) for name in names}
        times = interleaved_times(calls, repeats, warmup)
        peaks = peak_memory_bytes_each(calls) if measure_memory else {}
        for name in names:
            pairs = PATTERNS[name][1](grid, config)
            rows.append({
                "pattern": name,
                "frames": t,
                "tokens": tokens,
                "pairs": pairs,
                "flops": attention_flops(pairs, config.heads * config.head_dim),
                "time_s": statistics.median(times[name]),
                "times_s": times[name],
                "peak_bytes": peaks.get(name),
            })
    config_dict = asdict(config)
    metadata = machine_metadata(note, warmup)
    metadata["load_average_1_5_15_min"] = {"start": list(load_before), "end": list(os.getloadavg())}
    return {
        "metadata": metadata,
        "config": {**config_dict, "frames": list(frames), "repeats": repeats, "warmup": warmup, "batch": 1},
        "patterns": names,
        "rows": rows,
    }
# --8<-- [end:sweep]
