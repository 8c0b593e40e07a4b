"""From document bytes to frozen records: encodings, layouts, agencies, legal references."""
