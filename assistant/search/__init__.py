"""Stage 5, search: hybrid retrieval over an opened index, score fusion, abstention.

Imports the foundation and the stages below it (text, embedding, store).
"""
