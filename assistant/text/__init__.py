"""Stage 2, text: Korean analysis (Kiwi sentences and morphemes), chunking, question words.

Imports the foundation and :mod:`assistant.ingest` (documents to chunk).
"""
