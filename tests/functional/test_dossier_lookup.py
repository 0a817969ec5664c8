from contextlib import contextmanager
from unittest import mock

import botocore.client

from tests.factories import call, random_phone, submit, token


@contextmanager
def counted_aws_calls():
    """Every AWS API call made by any boto3/PynamoDB client, by operation name."""
    calls = []
    real = botocore.client.BaseClient._make_api_call

    def counting(self, operation, params):
        calls.append(operation)
        return real(self, operation, params)

    with mock.patch.object(botocore.client.BaseClient, "_make_api_call", counting):
        yield calls


class TestLookup:
    def test_code_and_phone_show_status_history_and_what_is_asked(self, client):
        body, created = submit(client)

        status, view = call(
            client, "GET", f"/v1/dossiers/{created['code']}?phone={body['applicant']['phone']}"
        )

        assert status == 200
        assert view["status"] == "submitted" and view["national_status_code"] == 1
        assert view["history"][0]["action"] == "submit"
        assert view["can_withdraw"] is True
        assert "requested" in view and "fee_due" in view

    def test_phone_may_be_written_with_the_country_code(self, client):
        body, created = submit(client)
        international = "%2B84" + body["applicant"]["phone"][1:]

        status, _ = call(client, "GET", f"/v1/dossiers/{created['code']}?phone={international}")

        assert status == 200

    def test_wrong_phone_and_unknown_code_answer_the_same_404(self, client):
        _, created = submit(client)

        wrong = call(client, "GET", f"/v1/dossiers/{created['code']}?phone={random_phone()}")
        unknown = call(
            client, "GET", f"/v1/dossiers/000.00.00.H06-991231-9999?phone={random_phone()}"
        )

        assert wrong[0] == unknown[0] == 404
        assert wrong[1] == unknown[1]

    def test_repeated_failures_on_one_code_are_throttled(self, client):
        _, created = submit(client)
        statuses = [
            call(client, "GET", f"/v1/dossiers/{created['code']}?phone={random_phone()}")[0]
            for _ in range(7)
        ]

        assert statuses[:5] == [404] * 5
        assert statuses[-1] == 429

    def test_lookup_makes_a_bounded_number_of_aws_calls_and_no_scan(self, client):
        body, created = submit(client)
        path = f"/v1/dossiers/{created['code']}?phone={body['applicant']['phone']}"

        with counted_aws_calls() as calls:
            assert call(client, "GET", path)[0] == 200

        assert "Scan" not in calls
        assert len(calls) <= 3, calls

    def test_submission_makes_a_bounded_number_of_aws_calls_and_no_scan(self, client):
        """Per submission: the idempotency claim, the submitter's budget, the day's number, the
        one transaction, the relay (send, mark sent); per attachment: its upload record, one
        ranged GET (size, type and first bytes), the malware verdict and the copy out of
        quarantine. What a container caches (queue URL, calendar, procedure snapshot) is read
        by a first submission, before counting, so the figure does not depend on test order."""
        from tests.factories import submission

        submit(client)
        body = submission(client)
        with counted_aws_calls() as calls:
            assert (
                call(
                    client,
                    "POST",
                    "/v1/dossiers",
                    body,
                    headers={"Idempotency-Key": random_phone()},
                )[0]
                == 201
            )

        n = len(body["attachments"])
        assert "Scan" not in calls
        assert len(calls) <= 6 + 4 * n, calls


class TestMyDossiers:
    def test_a_signed_in_citizen_sees_only_their_own_newest_first(self, client):
        mine = token(client, subject="citizen-me-" + random_phone())
        other = token(client)
        _, first = submit(client, token_=mine)
        _, second = submit(client, token_=mine)
        submit(client, token_=other)

        status, page = call(client, "GET", "/v1/me/dossiers?page_size=1", token=mine)
        _, rest = call(
            client, "GET", f"/v1/me/dossiers?page_token={page['next_page_token']}", token=mine
        )

        assert status == 200
        assert [d["code"] for d in page["items"] + rest["items"]] == [second["code"], first["code"]]

    def test_without_a_token_it_is_401(self, client):
        status, body = call(client, "GET", "/v1/me/dossiers")

        assert status == 401 and body["error"]["code"] == "UNAUTHENTICATED"

    def test_officers_cannot_use_the_citizen_list(self, client):
        status, _ = call(
            client,
            "GET",
            "/v1/me/dossiers",
            token=token(client, role="receptionist", agency=_any_agency(client)),
        )

        assert status == 403

    def test_a_page_token_of_another_citizen_is_refused(self, client):
        mine, other = token(client), token(client)
        submit(client, token_=mine)
        submit(client, token_=mine)
        _, page = call(client, "GET", "/v1/me/dossiers?page_size=1", token=mine)

        status, _ = call(
            client, "GET", f"/v1/me/dossiers?page_token={page['next_page_token']}", token=other
        )

        assert status == 400


def _any_agency(client):
    return call(client, "GET", "/v1/agencies")[1]["items"][0]["id"]


class TestOwnership:
    def test_the_owner_can_look_up_without_the_phone(self, client):
        mine = token(client)
        _, created = submit(client, token_=mine)

        assert call(client, "GET", f"/v1/dossiers/{created['code']}", token=mine)[0] == 200

    def test_another_citizen_cannot_look_up_without_the_phone(self, client):
        _, created = submit(client, token_=token(client))

        status, _ = call(client, "GET", f"/v1/dossiers/{created['code']}", token=token(client))

        assert status == 404

    def test_another_citizen_cannot_withdraw_it(self, client):
        _, created = submit(client, token_=token(client))

        status, _ = call(
            client, "POST", f"/v1/dossiers/{created['code']}/withdraw", {}, token=token(client)
        )

        assert status == 404

    def test_withdrawing_with_a_wrong_phone_is_refused(self, client):
        _, created = submit(client)

        status, _ = call(
            client, "POST", f"/v1/dossiers/{created['code']}/withdraw", {"phone": random_phone()}
        )

        assert status == 404

    def test_a_forged_token_is_refused(self, client):
        forged = token(client)[:-4] + "AAAA"

        status, body = call(client, "GET", "/v1/me/dossiers", token=forged)

        assert status == 401


class TestWithdraw:
    def test_the_applicant_withdraws_and_cannot_withdraw_twice(self, client):
        body, created = submit(client)
        path = f"/v1/dossiers/{created['code']}/withdraw"
        phone = body["applicant"]["phone"]

        status, view = call(client, "POST", path, {"phone": phone, "reason": "Nộp nhầm"})
        again, error = call(client, "POST", path, {"phone": phone})

        assert status == 200 and view["status"] == "withdrawn" and view["national_status_code"] == 7
        assert again == 409 and error["error"]["code"] == "INVALID_TRANSITION"

    def test_withdrawal_without_phone_or_token_is_a_validation_error(self, client):
        _, created = submit(client)

        status, _ = call(client, "POST", f"/v1/dossiers/{created['code']}/withdraw", {})

        assert status == 400


def test_repeated_failures_from_one_address_are_throttled(client, monkeypatch):
    import random

    from chalicelib.config import get_settings, reset_settings
    from chalicelib.domain.errors import NotFound, RateLimited
    from chalicelib.services.dossiers import citizen as dossiers

    address = f"198.51.100.{random.randint(1, 254)}"
    codes = [submit(client)[1]["code"] for _ in range(2)]
    monkeypatch.setenv("LOOKUP_FAILURES_PER_IP", "3")
    reset_settings()
    outcomes = []
    try:
        for code in codes:
            for _ in range(2):
                try:
                    dossiers.lookup(code, None, random_phone(), address)
                except (NotFound, RateLimited) as error:
                    outcomes.append(error.status)
    finally:
        monkeypatch.undo()
        reset_settings()
        get_settings()

    assert outcomes == [404, 404, 404, 429]
