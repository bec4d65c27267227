"""The query layer files: headers checked at load, parameters checked on every call."""

from __future__ import annotations

import pytest

from graphsvc.store.cypher import QueryBook, QueryError, parse_query


def test_all_shipped_queries_load():
    book = QueryBook()
    assert {"upsert_contacts", "read_links", "schema", "link_stages"} <= set(book.names())


def test_missing_header_fails():
    with pytest.raises(QueryError, match="missing '// params"):
        parse_query("q", "MATCH (n) RETURN n")


def test_undeclared_parameter_fails():
    with pytest.raises(QueryError, match=r"declares \['a'\] but the body uses \['a', 'b'\]"):
        parse_query("q", "// params: a\nMATCH (n {x: $a, y: $b}) RETURN n")


def test_unused_declared_parameter_fails():
    with pytest.raises(QueryError, match="declares"):
        parse_query("q", "// params: a, b\nRETURN $a")


def test_dollar_in_strings_and_comments_is_not_a_parameter():
    query = parse_query("q", "// params: a\n// costs $5\nRETURN $a + '$not' AS x")
    assert query.params == {"a"}


def test_unknown_query_and_wrong_call_fail(tmp_path):
    (tmp_path / "one.cypher").write_text("// params: rows\nUNWIND $rows AS r RETURN r\n")
    book = QueryBook(tmp_path)
    with pytest.raises(QueryError, match="unknown query 'two'"):
        book.bind("two")
    with pytest.raises(QueryError, match=r"takes \['rows'\], called with \['row'\]"):
        book.bind("one", row=[])
    assert book.bind("one", rows=[1])[1] == {"rows": [1]}


def test_a_broken_file_fails_the_whole_book(tmp_path):
    (tmp_path / "good.cypher").write_text("// params: none\nRETURN 1\n")
    (tmp_path / "bad.cypher").write_text("RETURN $x\n")
    with pytest.raises(QueryError, match="'bad'"):
        QueryBook(tmp_path)
