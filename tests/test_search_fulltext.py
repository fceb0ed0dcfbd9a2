"""Full-text search finds the same rows on SQLite and PostgreSQL, safely."""
import pytest
from peewee import CharField, TextField

from models.base import BaseModel, db
from models.search import FullText, highlight, terms


class Memo(BaseModel):
    title = CharField()
    body = TextField(null=True)


MEMO_TEXT = FullText("memo", ["title", "body"])


@pytest.fixture
def memos(app):
    db.create_tables([Memo])
    for sql in MEMO_TEXT.create_sql(db.obj):
        db.execute_sql(sql)
    rows = [("Housing referral", "Supported accommodation in Hackney"),
            ("Court report", "Seen at Highbury Corner; remanded"),
            ("Débt advice", "Referred to the money advice service"),
            ("Quotes", "O'Brien said \"drop table\"; -- nothing")]
    ids = [Memo.create(title=t, body=b).id for t, b in rows]
    yield ids
    for sql in MEMO_TEXT.drop_sql(db.obj):
        db.execute_sql(sql)
    db.drop_tables([Memo])


def search(q):
    return [m.title for m in Memo.select().where(MEMO_TEXT.matches(Memo.id, q))
            .order_by(MEMO_TEXT.rank(Memo.id, q), Memo.id)]


def test_every_word_must_match_as_a_prefix(memos):
    assert search("hack") == ["Housing referral"]
    assert search("advice money") == ["Débt advice"]
    assert search("advice court") == []
    assert sorted(search("refer")) == ["Débt advice", "Housing referral"]


def test_search_sees_inserts_and_updates(memos):
    memo = Memo.create(title="Late note", body="bail granted")
    assert search("bail") == ["Late note"]
    Memo.update(body="remand").where(Memo.id == memo.id).execute()
    assert search("bail") == []
    assert "Late note" in search("remand")


@pytest.mark.parametrize("hostile", ['"', "drop table", "' OR 1=1 --", "*", "NEAR(a b)",
                                     "body:x", "a & b | !c", "(", "\\", "%_", ""])
def test_query_syntax_cannot_get_through(memos, hostile):
    result = search(hostile)  # never an error
    if not terms(hostile):
        assert result == []


def test_quotes_in_text_are_found(memos):
    assert search("o'brien") == ["Quotes"]
    assert search("brien drop") == ["Quotes"]


def test_highlight_escapes_then_marks():
    assert highlight("<b>Maria</b> & Mark", "mar") == (
        "&lt;b&gt;<mark>Maria</mark>&lt;/b&gt; &amp; <mark>Mark</mark>")
    assert highlight("a &amp; b", "amp") == "a &amp;<mark>amp</mark>; b"
    assert highlight("<mark>x</mark>", "mark") == "&lt;<mark>mark</mark>&gt;x&lt;/<mark>mark</mark>&gt;"
    assert highlight("plain", "") == "plain"


def test_highlight_folds_accents_as_the_index_does():
    """SQLite's index finds "café" for "cafe" (and "cafe" for "café"): the marks follow,
    on the text as written, whatever folding does to its length."""
    assert highlight("Met at the café, <José> said", "cafe jose") == (
        "Met at the <mark>café</mark>, &lt;<mark>José</mark>&gt; said")
    assert highlight("the cafe", "café") == "the <mark>cafe</mark>"
    # "ﬁ" is one character that folds to two; "Ǆ" likewise: places stay right after them.
    assert highlight("ﬁne Zoë ǄX", "zoe") == "ﬁne <mark>Zoë</mark> ǄX"
    assert highlight("ﬁne", "fi") == "<mark>ﬁne</mark>"
    assert highlight("nothing here", "zoe") == "nothing here"
    # An accent written as a separate character stays inside the mark.
    assert highlight("the cafe\u0301 opens", "cafe") == "the <mark>cafe\u0301</mark> opens"


def test_a_snippet_starts_near_an_accented_match():
    from blueprints.cases.note_search import snippet
    text = "x " * 200 + "Hostel place at the café on Mare Street"
    shown = snippet(text, "cafe")
    assert "<mark>café</mark>" in shown and shown.startswith("… ")
