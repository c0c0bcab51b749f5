"""doorman: the single door for every AI inference call on an appliance."""

__version__ = "0.1.0"
