"""The engine layer: the pipeline any engine calls, safe publishing, and the engine adapters."""
