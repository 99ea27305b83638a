"""symboot's bootstrap: integer spectral data -> every consistent representation theory (SPEC §3-5)."""
