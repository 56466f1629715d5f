"""Bilingual file formats, one module each, reader and writer side by side: po, tsv, tmx, moses."""
