"""takst: takstberegner for kommunal hjemmepleje."""

__version__ = "0.1.0"
