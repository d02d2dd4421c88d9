"""Small, readable reference modules for multimodal LLM connectors (R1-1 to R1-7)."""

from examples.mllm.video_abstractor import LocalTemporal, VideoAbstractor, video_llm_tokens  # R1-5
from examples.mllm.tiny_mllm import TinyMLLM, TinyMLLMConfig  # R1-3, notebook
from examples.mllm.training_stages import STAGES, apply_stage, stage_table  # R1-3
from examples.mllm.projectors import LinearProjector, MLPProjector, PixelShuffleProjector, PoolingProjector, infer_grid, pixel_shuffle  # R1-4, R1-6
from examples.mllm.cross_attention_adapter import CrossAttentionAdapter, interpolate_pos_2d  # R1-1
from examples.mllm.perceiver_resampler import PerceiverAttention, PerceiverResampler  # R1-1, R1-4
from examples.mllm.gated_cross_attention import GatedCrossAttentionBlock  # R1-1, R1-4
from examples.mllm.positions import apply_mrope, apply_rope, apply_rope_2d, grid_positions, mrope_position_ids, sincos_1d, sincos_2d  # R1-7
from examples.mllm.vision_tokens import MODELS, llava_next_tokens, patch_grid_tokens, qwen2_vl_resize, qwen2_vl_tokens, vision_token_table, vision_tokens  # R1-2
from examples.mllm.prefill_cost import DecoderShape, connector_cost_table, connector_tokens, prefill_flops  # R1-6
