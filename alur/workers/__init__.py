"""One module per worker process: wiring only (`alur serve NAME`)."""
