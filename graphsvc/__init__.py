"""graphsvc: graph-based relationship mapping for multi-organisation projects."""

__version__ = "0.1.0"
