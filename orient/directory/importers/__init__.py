"""Importers of open data into directory YAML: FINESS (etalab extraction) and OpenStreetMap GeoJSON."""
