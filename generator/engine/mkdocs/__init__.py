"""The MkDocs adapter: the only place that imports mkdocs or material."""
