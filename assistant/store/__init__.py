"""Stage 4, store: building and opening an index folder.

Owns the manifest, the chunk store (SQLite), both BM25 indexes, the vector indexes (FAISS,
Milvus) and the resume cache of an interrupted build. Imports the foundation and the
stages below it (ingest, text, embedding).
"""
