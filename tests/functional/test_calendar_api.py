"""Public calendar (contract "Calendar") and its upkeep by administrators without a deploy."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.factories import call, token

PROVINCE_ADMIN = ("admin", "so-noi-vu")
COMMUNE = "ubnd-phuong-tan-tien"  # no other test depends on its office hours


def due(client, start, amount=None, unit="working_days", agency=None):
    query = f"/v1/calendar/due?from={quote(start)}&unit={unit}"
    if amount is not None:
        query += f"&amount={amount}"
    if agency:
        query += f"&agency={agency}"
    return call(client, "GET", query)


class TestYear:
    def test_2026_lists_the_new_year_swap_and_not_culture_day(self, client):
        status, body = call(client, "GET", "/v1/calendar/2026")

        assert status == 200
        off = {d["date"]: d["name"] for d in body["days_off"]}
        worked = {d["date"] for d in body["working_days"]}
        assert "2026-01-02" in off and "2026-02-17" in off
        assert {"2026-01-10", "2026-08-22"} <= worked
        assert "2026-11-24" not in off
        assert body["office_hours"]["weekdays"][0] == {"start": "07:00", "end": "11:30"}

    def test_an_unknown_year_is_404_and_a_bad_one_400(self, client):
        assert call(client, "GET", "/v1/calendar/1990")[0] == 404
        assert call(client, "GET", "/v1/calendar/20x6")[0] == 400


class TestDue:
    @pytest.mark.parametrize(
        ("start", "amount", "unit", "expected"),
        [
            ("2025-12-31T10:00:00+07:00", 3, "working_days", "2026-01-07T10:00:00+07:00"),
            ("2026-01-09T16:00:00+07:00", 1, "working_days", "2026-01-10T16:00:00+07:00"),
            ("2026-02-13T15:30:00+07:00", None, "same_day", "2026-02-23T17:00:00+07:00"),
            ("2026-02-10T09:00:00+07:00", 10, "days", "2026-02-23T17:00:00+07:00"),
            ("2026-02-13T01:30:00Z", 4, "hours", "2026-02-13T14:30:00+07:00"),
        ],
    )
    def test_answers_what_the_portal_sets(self, client, start, amount, unit, expected):
        status, body = due(client, start, amount, unit)

        assert status == 200, body
        assert body == {"due_at": expected}

    def test_an_unencoded_plus_in_the_offset_is_understood(self, client):
        status, body = call(
            client,
            "GET",
            "/v1/calendar/due?from=2025-12-31T10:00:00+07:00&amount=3&unit=working_days",
        )

        assert status == 200 and body["due_at"] == "2026-01-07T10:00:00+07:00"

    @pytest.mark.parametrize(
        "query",
        [
            "from=2026-01-09&amount=1&unit=working_days",
            "from=2026-01-09T16:00:00%2B07:00&amount=-1&unit=working_days",
            "from=2026-01-09T16:00:00%2B07:00&amount=1&unit=weeks",
            "from=2026-01-09T16:00:00%2B07:00&unit=days",
            "from=2026-01-09T16:00:00%2B07:00&amount=1.5&unit=days",
            "from=0000-00-00T00:00Z&unit=days&amount=1",
            "from=9999-12-31T23:00:00Z&unit=days&amount=3650",
        ],
    )
    def test_bad_queries_are_400(self, client, query):
        status, body = call(client, "GET", f"/v1/calendar/due?{query}")

        assert status == 400 and body["error"]["code"] == "VALIDATION_FAILED"

    def test_an_unknown_agency_is_404(self, client):
        assert due(client, "2026-01-09T16:00:00+07:00", 1, agency="khong-co")[0] == 404


class TestUpkeep:
    def publish(self, client, year, body, who=PROVINCE_ADMIN):
        return call(client, "PUT", f"/v1/admin/calendar/{year}", body, token(client, *who))

    def current(self, client, year):
        return call(
            client, "GET", f"/v1/admin/calendar/{year}", None, token(client, *PROVINCE_ADMIN)
        )[1]

    def test_a_published_day_off_applies_to_new_deadlines_at_once_and_is_audited(self, client):
        """Make-up working days and extra days off are announced yearly by the Government;
        the portal takes them without a deploy."""
        before = due(client, "2028-03-06T08:00:00+07:00", 1)[1]["due_at"]
        version = self.current(client, 2028)["version"]
        status, body = self.publish(
            client,
            2028,
            {
                "days_off": [{"date": "2028-03-07", "reason": "Nghỉ thêm (thử)"}],
                "working_days": [{"date": "2028-03-11", "reason": "Làm bù (thử)"}],
                "version": version,
            },
        )

        assert status == 200, body
        assert body["published"] and body["version"] == version + 1
        assert before == "2028-03-07T08:00:00+07:00"
        assert (
            due(client, "2028-03-06T08:00:00+07:00", 1)[1]["due_at"] == "2028-03-08T08:00:00+07:00"
        )
        year = call(client, "GET", "/v1/calendar/2028")[1]
        assert {"date": "2028-03-11", "name": "Làm bù (thử)"} in year["working_days"]
        _, audit = call(
            client, "GET", "/v1/admin/calendar-audit", None, token(client, *PROVINCE_ADMIN)
        )
        assert audit["items"][0]["key"] == "YEAR#2028"
        assert audit["items"][0]["after"]["days_off"][0]["date"] == "2028-03-07"

    @pytest.mark.parametrize(
        ("field", "entry"),
        [
            ("working_days", {"date": "2028-03-08", "reason": "thứ Tư không thể là ngày làm bù"}),
            ("days_off", {"date": "2028-03-12", "reason": "Chủ nhật đã là ngày nghỉ"}),
            ("days_off", {"date": "2029-01-02", "reason": "khác năm"}),
            ("days_off", {"date": "2028-02-30", "reason": "ngày không tồn tại"}),
        ],
    )
    def test_make_up_days_must_be_weekends_and_days_off_weekdays(self, client, field, entry):
        """Make-up working days replace a weekend and days off a weekday (Labour Code 2019
        art. 112; the yearly swap notices, e.g. 12729/VPCP-KGVX for 2026)."""
        version = self.current(client, 2028)["version"]
        body = {"days_off": [], "working_days": [], "version": version} | {field: [entry]}

        status, answer = self.publish(client, 2028, body)

        assert status == 400
        assert answer["error"]["details"][0]["field"] == f"{field}[0].date"

    def test_a_stale_version_is_409(self, client):
        status, body = self.publish(
            client, 2027, {"days_off": [], "working_days": [], "version": 99}
        )

        assert status == 409 and body["error"]["code"] == "CONFLICT"

    @pytest.mark.parametrize("who", [("admin", COMMUNE), ("leader", "so-noi-vu")])
    def test_only_a_province_administrator_publishes(self, client, who):
        status, _ = self.publish(
            client, 2028, {"days_off": [], "working_days": [], "version": 0}, who
        )

        assert status == 403

    def test_an_agency_with_saturday_service_keeps_working_day_deadlines(self, client):
        admin = token(client, "admin", COMMUNE)
        _, hours = call(client, "GET", f"/v1/admin/office-hours/{COMMUNE}", None, admin)
        status, body = call(
            client,
            "PUT",
            f"/v1/admin/office-hours/{COMMUNE}",
            {
                "weekdays": "07:30-11:30,13:30-17:30",
                "saturday": "07:30-11:30",
                "version": hours["version"],
            },
            admin,
        )

        assert status == 200, body
        year = call(client, "GET", f"/v1/calendar/2026?agency={COMMUNE}")[1]
        assert year["office_hours"]["saturday"] == [{"start": "07:30", "end": "11:30"}]
        # Friday 17:00 + 1 working hour: half an hour on Friday (closing 17:30), the rest on
        # Monday; Saturday is reception only, not a working day (Decree 61/2018 art. 2).
        answer = due(client, "2026-03-06T17:00:00+07:00", 1, "hours", COMMUNE)[1]
        assert answer["due_at"] == "2026-03-09T08:00:00+07:00"
        answer = due(client, "2026-03-06T17:30:00+07:00", 1, "hours", COMMUNE)[1]
        assert answer["due_at"] == "2026-03-09T08:30:00+07:00"

    def test_another_agencys_administrator_cannot_change_its_hours(self, client):
        status, _ = call(
            client,
            "PUT",
            f"/v1/admin/office-hours/{COMMUNE}",
            {"weekdays": "07:00-11:30,13:30-17:00", "version": 0},
            token(client, "admin", "so-noi-vu"),
        )

        assert status == 403


def test_the_console_calendar_page_needs_a_signed_in_officer(client):
    response = client.http.get("/can-bo/lich")

    assert response.status_code in (302, 303)
    assert "/can-bo/dang-nhap?next=/can-bo/lich" in response.headers["Location"]
