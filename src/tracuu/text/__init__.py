"""Vietnamese text itself: the analyzer, diacritics, abbreviations, numerals, sentences, legacy encodings."""
