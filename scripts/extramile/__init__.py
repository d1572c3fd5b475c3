"""Extra Mile: stories of exceptional service, kept in git and built into a static site."""

__version__ = "0.1.0"
