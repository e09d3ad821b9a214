"""Bitext matching tab: pair the sentences of two lists, and align two parallel documents in order."""
