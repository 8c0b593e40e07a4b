"""One converter per format: bytes → `ingest.document.Document`."""
