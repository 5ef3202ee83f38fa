"""Thin bridges between rnnlab and other frameworks (PyTorch, Keras).

Each bridge imports its framework itself; nothing here is imported by ``rnnlab``, so those
imports never leak into the core package.
"""
