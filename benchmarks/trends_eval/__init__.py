"""SYNTHETIC evaluation set: fictional, hand-written stories (stories.py) turned into items by generate.py.

A unit-test fixture and demo content only (apps/trends/demo.py seeds it): its scores (B-cubed F1 ~0.99) say
nothing about real news. The real-data evaluation is benchmarks/eval_trends_real.py (GoogleNews, ECB+, read
from ../shared/data/trends_heldout/, dev/test halves); its figures are in benchmarks/RESULTS.md."""
