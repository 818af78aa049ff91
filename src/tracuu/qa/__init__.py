"""Answers and quotes: evidence scoring over retrieved passages, `ask` and `quotes`."""
