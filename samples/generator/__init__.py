"""A seeded generator of realistic French (and foreign) care documents with ground truth.

Entry points: `corpus.build_corpus` (a balanced corpus), `corpus.generate` (one document),
`requests.build_requests` (the bundled sample requests), `malformed` (bad files for upload tests),
and the CLI `python -m samples.generator {corpus,requests}`. See samples/README.md.
"""

from samples.generator.corpus import FORMATS, VARIANTS, build_corpus, generate
from samples.generator.documents import REGISTRY

__all__ = ["FORMATS", "REGISTRY", "VARIANTS", "build_corpus", "generate"]
