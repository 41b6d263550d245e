"""Generated prose: one module per topic, each with ``SECTIONS`` (the parts it can write) and
``read(result, section=None) -> str`` (Markdown).  Narrative modules read results; they never
compute statistics and never import the compute modules (no import cycles)."""

__all__: list[str] = []
