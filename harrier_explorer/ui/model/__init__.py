"""Model tab: the active model(s), the load-time self-check, cache statistics, and a two-text playground."""
