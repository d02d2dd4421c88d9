"""Small, readable reference modules for multimodal LLM connectors (R1-1 to R1-7)."""
