"""Ranking passages: BM25, dense vectors, the encoders, query plans, fusion, references, titles, copies."""
