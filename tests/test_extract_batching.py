"""Parsing several articles in one batch, and the entity recogniser skipped on sentences that cannot name
anyone, give the evidence that parsing one article at a time with every component gives (short texts of
our own)."""

from __future__ import annotations

import pytest

import zopa.extract._nlp as nlp_layer
from evidence_fixtures import article, mini_codebook
from zopa.extract import extract, extract_many
from zopa.extract._nlp import load_nlp, may_name_entity

TEXTS = [
    "Putin said Russia would keep fighting. The talks ended without a deal. But he said the offer stood.",
    '"We will never give up our land," Zelenskyy told reporters. It was late. He added that the army held.',
    "The mediator, Jane Roe of the Halden Institute, said both sides wanted a ceasefire.\n\n"
    "However, it was unclear when the talks would resume. She said they might start in May.",
    "Moscow rejects Kyiv's demand for a full withdrawal, the Kremlin said on Monday.",
]


def _same(a: object, b: object) -> bool:
    return a.as_dict() == b.as_dict()  # type: ignore[attr-defined]


def test_a_batch_of_articles_gives_each_article_its_own_evidence() -> None:
    book = mini_codebook()
    one_by_one = [extract(article(t), book) for t in TEXTS]
    together = extract_many([article(t) for t in TEXTS], book)
    assert all(_same(a, b) for a, b in zip(one_by_one, together, strict=True))
    assert sum(len(e.quotes) + len(e.statements) for e in one_by_one) >= 5  # there is evidence to compare


def test_skipping_the_recogniser_loses_no_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    book = mini_codebook()
    selective = [extract(article(t), book) for t in TEXTS]
    monkeypatch.setattr(nlp_layer, "may_name_entity", lambda doc: True)  # the recogniser on every sentence
    everywhere = [extract(article(t), book) for t in TEXTS]
    assert all(_same(a, b) for a, b in zip(selective, everywhere, strict=True))


@pytest.mark.parametrize(
    ("sentence", "named"),
    [
        ("The talks ended without a deal.", False),
        ("But he said the offer stood.", False),
        ("However, it was unclear when the talks would resume.", False),
        ("Roe said the talks would resume.", True),  # a name opening the sentence
        ("May said she would stay on.", True),  # a name that is also a word
        ("US officials said the talks ended.", True),
        ("the envoy met Jane Roe.", True),
        ("Russian officials said nothing.", True),  # a nationality opens it
    ],
)
def test_sentences_that_can_name_someone(sentence: str, named: bool) -> None:
    doc = load_nlp()(sentence)
    assert may_name_entity(doc) is named
    if not named:  # nothing the extractors keep is lost: no entity with a capital
        kept = {"PERSON", "ORG", "GPE", "NORP"}
        assert not [e for e in doc.ents if e.label_ in kept and e.text[:1].isupper()]


def test_the_excluded_components_change_no_parse() -> None:
    """The attribute ruler, the lemmatizer and the sentence recogniser (shipped disabled) are excluded (never
    loaded), not only disabled: the tags, dependencies, sentence starts and entities are those of the whole
    pipeline with the three switched off."""
    import spacy

    disabled = spacy.load(nlp_layer.MODEL_NAME, disable=["attribute_ruler", "lemmatizer", "senter"])
    excluded = load_nlp()
    assert not {"attribute_ruler", "lemmatizer", "senter"} & set(excluded.component_names)
    for text in TEXTS:
        a, b = disabled(text), excluded(text)
        assert [(t.text, t.tag_, t.dep_, t.head.i, t.is_sent_start, t.ent_iob_, t.ent_type_) for t in a] == [
            (t.text, t.tag_, t.dep_, t.head.i, t.is_sent_start, t.ent_iob_, t.ent_type_) for t in b
        ]
        assert [(t.lemma_, t.pos_) for t in b] == [("", "")] * len(b)  # nothing reads either


def test_the_encoders_multiply_with_numpy_and_parse_as_with_blis() -> None:
    """The token encoders of every component multiply matrices with NumPy's BLAS, not thinc's BLIS (slow
    where it falls back to generic kernels), and every tag, dependency and entity is the one a pipeline
    loaded with thinc's default BLIS ops gives."""
    import spacy

    nlp = load_nlp()
    with_blis = spacy.load(nlp_layer.MODEL_NAME, exclude=["attribute_ruler", "lemmatizer", "senter"])
    for pipeline, blis in ((nlp, False), (with_blis, True)):
        encoders = [
            node for _, pipe in pipeline.pipeline for node in pipe.model.walk() if node.name == "maxout"
        ]
        assert encoders and all(node.ops.use_blis is blis for node in encoders)
    sentences = [s for text in TEXTS for s in text.split(". ")]
    for a, b in zip(with_blis.pipe(sentences), nlp.pipe(sentences), strict=True):
        assert [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in a] == [
            (t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in b
        ]


def test_a_cue_set_matches_a_text_once_and_gives_the_same_matches_again() -> None:
    """Selection, mentions and positions all match the issue cues in the same sentence: the cue set runs
    its patterns on a text once and gives the same (key, match) pairs each time it is asked again."""
    from zopa.extract._cues import CueSet

    cues = CueSet([("fees", [r"\bfees?\b", r"\bport (?:fees|charges)\b"]), ("wages", [r"\bwages?\b"])])
    text = "The union wants higher wages and lower port fees."
    first = [(key, m.span()) for key, m in cues.finditer(text)]
    assert first == [("fees", (44, 48)), ("fees", (39, 48)), ("wages", (23, 28))]
    cues._patterns = {}  # the patterns are not run again for this text
    assert [(key, m.span()) for key, m in cues.finditer(text)] == first
