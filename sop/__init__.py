"""SOPs as executable definitions: the definition format, the importer of SOP documents,
the registry of versions and the pure engine that decides what a case may do next."""
