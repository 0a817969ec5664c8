"""Page tokens are opaque and tamper-evident, and only good for the list that issued them."""

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.services.shared import paging


def test_a_token_carries_its_state_back_to_the_same_list():
    token = paging.scoped({"pk": "AGENCY#a", "sk": "2026-03-02"}, "inbox")

    assert paging.decode(token, "inbox") == {"pk": "AGENCY#a", "sk": "2026-03-02"}


def test_no_state_is_no_token_and_no_token_is_the_first_page():
    assert paging.scoped(None, "inbox") is None
    assert paging.decode(None, "inbox") is None


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # another signature
        lambda t: "e30" + t[t.index(".") :],  # another state, same signature
        lambda t: "not a token",
    ],
)
def test_a_forged_token_is_a_400_on_page_token(forge):
    token = paging.scoped({"o": 20}, "feedback")

    with pytest.raises(ValidationFailed) as refused:
        paging.decode(forge(token), "feedback")

    assert refused.value.details[0].field == "page_token"


def test_a_token_of_another_list_is_refused():
    with pytest.raises(ValidationFailed):
        paging.decode(paging.scoped({"o": 20}, "my-dossiers"), "officer-inbox")


def test_an_in_memory_list_pages_to_its_end():
    items = list(range(45))

    first, token = paging.slice_page(items, 20, None, "s")
    second, token2 = paging.slice_page(items, 20, token, "s")
    last, end = paging.slice_page(items, 20, token2, "s")

    assert (first[0], second[0], last) == (0, 20, list(range(40, 45)))
    assert end is None
