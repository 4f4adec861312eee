"""dealsite: YAML deal definitions to a public static website.

The flow runs one way (see ARCHITECTURE in the README):
load (strict_yaml, load) -> embargo -> compute (budget, progress) -> render (render, site)
-> engine adapter (plugin) -> commands (build, cli).
"""
