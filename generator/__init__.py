"""dealsite: YAML deal definitions to a public static website.

The flow runs one way, each layer importing only from those below it (ARCHITECTURE.md):
model (read and check files) -> compute (publication gate, budgets, progress, history)
-> pages (views rendered into a bundle) -> engine (pipeline, safe publishing, the MkDocs
adapter) -> cli (the dealsite command).
"""
