"""smallcaps: test the market's claims about US small caps versus large caps on real data."""

__version__ = "0.1.0"
__all__ = ["__version__"]
