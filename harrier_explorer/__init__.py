"""Harrier Explorer: a local app for exploring Microsoft's Harrier-OSS-v1 multilingual embedding models."""

__version__ = "0.1.0"
