"""Text handling for English and Khmer: scripts, normalisation, dates, slugs and summaries."""
