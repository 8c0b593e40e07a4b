"""The dtikg ontology, SHACL shapes and SKOS code lists, and the namespace module."""
