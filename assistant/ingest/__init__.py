"""Stage 1, ingest: finding the corpus files, decoding them and recovering their structure.

Owns the :class:`~assistant.ingest.documents.Document` type (text, title, headings, tables)
and one reader per format family. Imports only the foundation (``assistant.errors``).
"""
