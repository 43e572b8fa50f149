"""Language and words, which every layer reads text with: an article's language and
what each language does to its words (``languages``: the detector, Snowball stemmers,
stop words, elisions, the letters it writes with accents), and how text becomes index
terms, the same at index and query time (``analysis``: tokens, folding, stemming, CJK
bigrams, identifiers and versions by their parts). It imports nothing of the product
but the shared data-folder modules; everything else may import it.
"""
