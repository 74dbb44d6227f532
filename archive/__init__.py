"""The SQLite archive: schema (tables, FTS5 index, migrations) and the store that writes to it."""
