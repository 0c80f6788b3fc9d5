"""Stage 8, evaluation: ``assistant eval`` — reading question files, judging and scoring answers.

Imports the foundation and the stages below it.
"""
