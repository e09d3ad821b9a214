"""Gradio-free compositions of the backend and the analysis functions: the steps a tab runs, shared with the
benchmarks and scripts, so a benchmark measures exactly what the app shows."""
