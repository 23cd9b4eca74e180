"""hubgen: a static site generator for brand conversation hubs."""

__version__ = "0.1.0"
