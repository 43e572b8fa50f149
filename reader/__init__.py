"""Article Reader: an offline reader, search engine and notebook for a library of articles."""

__version__ = "0.1.0"
