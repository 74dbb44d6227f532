"""iom-archive's collector: config -> discover -> fetch -> extract -> clean -> (archive) store."""
