"""The embedded backend: SQLite store, BM25 arrays and faiss under one folder of generations."""
