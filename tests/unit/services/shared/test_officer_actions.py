"""An officer's action on an older version of a dossier or feedback is refused, naming it."""

import pytest

from chalicelib.domain.errors import Conflict
from chalicelib.services.shared import officer_actions


def test_an_action_on_the_current_version_passes_unchanged():
    body = {"action": "accept", "version": 3, "note": "ok"}

    assert officer_actions.checked(body, 3, "Hồ sơ") == body


def test_an_action_on_an_older_version_is_a_conflict_naming_the_item():
    with pytest.raises(Conflict) as raised:
        officer_actions.checked({"action": "answer", "version": 2}, 4, "Phản ánh")

    assert raised.value.message.startswith("Phản ánh đã thay đổi từ khi bạn mở (phiên bản 4).")
