"""Procedures performed by many agencies: who performs what, where a citizen may submit, and the
dossier code of the receiving agency."""

import pytest

from tests.factories import call, submission

BIRTH = "1.001193"  # performed by every commune and ward
PERMIT = "1.009122"  # every commune; Kinh Bắc ward with its own time limit
RESIDENCE = "1.004222"  # two ward police stations
JUDICIAL = "3.000333"  # the provincial police only


def get(client, path):
    return call(client, "GET", path)


class TestWhoPerformsAProcedure:
    def test_a_commune_level_procedure_lists_all_99_communes_and_wards(self, client):
        status, body = get(client, f"/v1/procedures/{BIRTH}")

        assert status == 200 and body["agency"] is None
        assert len(body["agencies"]) == 99
        assert all(set(a) >= {"id", "id_code", "name"} for a in body["agencies"])
        names = {a["name"] for a in body["agencies"]}
        assert {"Ủy ban nhân dân phường Kinh Bắc", "Ủy ban nhân dân xã Tuấn Đạo"} <= names
        assert not any(a["id"].startswith("cong-an") for a in body["agencies"])

    def test_a_single_performer_is_also_the_agency(self, client):
        _, body = get(client, f"/v1/procedures/{JUDICIAL}")

        assert body["agency"]["id"] == "cong-an-tinh" and body["agency"]["id_code"]
        assert [a["id"] for a in body["agencies"]] == ["cong-an-tinh"]

    def test_an_agency_s_own_time_limit_is_listed_and_shown_when_it_is_chosen(self, client):
        _, everywhere = get(client, f"/v1/procedures/{PERMIT}")
        _, at_kinh_bac = get(client, f"/v1/procedures/{PERMIT}?agency=000.14.50.H06")
        _, elsewhere = get(client, f"/v1/procedures/{PERMIT}?agency=ubnd-xa-hop-thinh")

        own = next(a for a in everywhere["agencies"] if a["id"] == "ubnd-phuong-kinh-bac")
        assert own["processing_time"]["value"] == 10
        assert at_kinh_bac["agency"]["id"] == "ubnd-phuong-kinh-bac"
        assert at_kinh_bac["processing_time"]["value"] == 10
        assert elsewhere["processing_time"] == everywhere["processing_time"]
        assert own["processing_time"] != everywhere["processing_time"]

    @pytest.mark.parametrize(
        ("agency", "field_message"),
        [("khong-co", "Không có cơ quan"), ("cong-an-tinh", "không thực hiện")],
    )
    def test_asking_for_an_agency_that_does_not_perform_it_is_refused(
        self, client, agency, field_message
    ):
        status, body = get(client, f"/v1/procedures/{BIRTH}?agency={agency}")

        assert status == 400 and body["error"]["code"] == "VALIDATION_FAILED"
        assert body["error"]["details"][0]["field"] == "agency"
        assert field_message in body["error"]["details"][0]["message"] + body["error"]["message"]


class TestSearchByAgency:
    def test_an_agency_lists_what_it_performs_by_id_or_identifier_code(self, client):
        _, by_id = get(client, "/v1/procedures?agency=ubnd-xa-tuan-dao&page_size=100")
        _, by_code = get(client, "/v1/procedures?agency=000.78.50.H06&page_size=100")

        codes = [p["code"] for p in by_id["items"]]
        assert BIRTH in codes and JUDICIAL not in codes
        assert [p["code"] for p in by_code["items"]] == codes
        assert all(p["agency"]["id"] == "ubnd-xa-tuan-dao" for p in by_id["items"])

    def test_a_result_performed_by_many_says_how_many(self, client):
        _, found = get(client, "/v1/procedures?q=dang%20ky%20khai%20sinh")

        first = found["items"][0]
        assert first["code"] == BIRTH and first["agency"] is None
        assert first["agencies_count"] == 99

    @pytest.mark.parametrize(
        ("online", "expected"),
        [
            ("true", lambda p: p["level"] >= 3),
            ("false", lambda p: p["level"] == 2),
            ("mot_phan", lambda p: p["online_mode"] == "mot_phan"),
            ("toan_trinh", lambda p: p["online_mode"] == "toan_trinh"),
        ],
    )
    def test_online_takes_true_false_or_an_online_mode(self, client, online, expected):
        status, found = get(client, f"/v1/procedures?online={online}&page_size=100")

        assert status == 200 and found["items"]
        assert all(expected(p) for p in found["items"])

    def test_an_unknown_agency_is_a_clear_error(self, client):
        status, body = get(client, "/v1/procedures?agency=000.99.99.H06")

        assert status == 400 and body["error"]["details"][0]["field"] == "agency"


class TestWhereADossierIsSubmitted:
    def test_the_dossier_code_carries_the_receiving_agency_s_identifier_code(self, client):
        body = submission(client, BIRTH, agency="000.78.50.H06")

        status, created = call(client, "POST", "/v1/dossiers", body)

        assert status == 201, created
        assert created["code"].startswith("000.78.50.H06-")
        assert created["receipt"]["agency"] == "Ủy ban nhân dân xã Tuấn Đạo"

    def test_the_agency_is_required_when_several_perform_the_procedure(self, client):
        body = submission(client, BIRTH)
        body.pop("agency")

        status, data = call(client, "POST", "/v1/dossiers", body)

        assert status == 400 and data["error"]["details"][0]["field"] == "agency"

    @pytest.mark.parametrize("agency", ["cong-an-tinh", "ubnd-xa-khong-co", "000.00.12.H06"])
    def test_an_agency_that_does_not_perform_it_is_refused(self, client, agency):
        body = submission(client, BIRTH, agency=agency)

        status, data = call(client, "POST", "/v1/dossiers", body)

        assert status == 400 and data["error"]["details"][0]["field"] == "agency"

    def test_a_procedure_with_one_performer_needs_no_agency(self, client):
        body = submission(client, JUDICIAL)

        status, created = call(client, "POST", "/v1/dossiers", body)

        assert status == 201 and "agency" not in body
        assert created["code"].startswith("000.00.20.H06-")

    def test_the_receiving_agency_s_own_time_limit_applies(self, client):
        body = submission(client, PERMIT, agency="ubnd-phuong-kinh-bac")
        plain = submission(client, PERMIT, agency="ubnd-xa-hop-thinh")

        _, here = call(client, "POST", "/v1/dossiers", body)
        _, there = call(client, "POST", "/v1/dossiers", plain)

        assert here["code"].startswith("000.14.50.H06-")
        assert here["due_at"] < there["due_at"]


class TestPages:
    def test_the_procedure_page_lets_the_citizen_choose_where_to_submit(self, client):
        page = client.http.get(f"/thu-tuc/{BIRTH}?agency=ubnd-xa-tuan-dao").body.decode()
        apply = client.http.get(f"/thu-tuc/{BIRTH}/nop-ho-so?agency=ubnd-xa-tuan-dao").body.decode()

        assert "Nơi nộp hồ sơ" in page and page.count('<option value="ubnd-') == 99
        assert f"/thu-tuc/{BIRTH}/nop-ho-so?agency=ubnd-xa-tuan-dao" in page
        assert '<option value="ubnd-xa-tuan-dao" selected>' in apply
        assert 'name="agency"' in apply
