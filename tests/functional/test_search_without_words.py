"""A catalog search whose `q` has no word to search for (only punctuation or emoji) finds
nothing, and the page says why; an empty or absent `q` still lists the whole catalog."""

import html
import json

import pytest

NO_WORDS = ["%F0%9F%98%80", "!!!", "%E2%80%94%20%3F%20%2E", "%F0%9F%93%84%F0%9F%91%B6"]


def items(client, query: str) -> list[dict]:
    response = client.http.get(f"/v1/procedures?page_size=100{query}")
    assert response.status_code == 200, response.body
    return json.loads(response.body)["items"]


@pytest.mark.parametrize("q", NO_WORDS)
def test_the_api_finds_nothing_for_a_query_without_words(client, q):
    assert items(client, f"&q={q}") == []


def test_an_empty_or_absent_query_still_lists_the_catalog(client):
    everything = items(client, "")

    assert len(everything) > 1
    assert items(client, "&q=") == everything
    assert items(client, "&q=%20%20") == everything


def test_a_query_with_a_word_among_punctuation_still_finds_it(client):
    assert items(client, "&q=!!%20khai%20sinh%20%F0%9F%98%80")[0]["code"] == "1.001193"


@pytest.mark.parametrize("q", NO_WORDS)
def test_the_page_lists_nothing_and_says_why(client, q):
    response = client.http.get(f"/thu-tuc?q={q}")
    text = html.unescape(response.body.decode("utf-8"))

    assert response.status_code == 200
    assert "Tìm thấy 0 thủ tục" in text
    assert "Không tìm thấy thủ tục phù hợp" in text and "không có chữ hay số" in text
    assert 'href="/thu-tuc/1.' not in text


def test_the_page_without_a_query_lists_procedures(client):
    text = client.http.get("/thu-tuc?q=").body.decode("utf-8")

    assert 'href="/thu-tuc/1.' in text and "không có chữ hay số" not in text
