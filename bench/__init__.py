"""Benchmarks: retrieval quality on KorQuAD 1.0 dev, speed and memory."""
