"""The language helpers shared by extraction, cleaning and dedupe.

Pure functions over text, no I/O:

* :mod:`scraper.text.normalize`: invisible characters, Unicode forms (NFC/NFKC), whitespace,
  case/ё/digit folding, word tokenisation, language tags; the one place these are written.
* :mod:`scraper.text.dates`: parsing one human-visible date (en/ru/kk and more).
* :mod:`scraper.text.datelines`: the place (and date) opening a release ("Astana, 2 November
  2022 – …").
* :mod:`scraper.text.language`: which language a text is written in, among a site's languages.
"""
