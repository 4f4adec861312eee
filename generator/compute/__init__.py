"""The compute layer: the publication gate, budget arithmetic, progress rules, timeline geometry, history."""
