"""The Milvus backend: milvus-lite files and Milvus servers."""
