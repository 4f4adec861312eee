"""The pages layer: views of the computed deals, rendered into a bundle of pages, files and search entries."""
