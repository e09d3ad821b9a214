"""Cross-lingual search tab: one corpus ranked for up to four queries, the rankings compared side by side."""
