"""Instruction A/B tab: the same queries under two instructions (or many, the sweep), ranked and compared."""
