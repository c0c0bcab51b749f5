"""Build-time code for the frozen appliance executable (not part of the doorman package)."""
