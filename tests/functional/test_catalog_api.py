import json

import pytest


def get(client, path):
    response = client.http.get(path)
    return response.status_code, json.loads(response.body)


class TestProcedureSearch:
    def test_search_without_diacritics_returns_birth_registration_first(self, client):
        status, body = get(client, "/v1/procedures?q=dang%20ky%20khai%20sinh")

        assert status == 200
        assert body["items"][0]["code"] == "1.001193"
        assert body["items"][0]["name"] == "Đăng ký khai sinh"

    def test_search_with_diacritics_and_capitals_gives_the_same_first_result(self, client):
        _, body = get(client, "/v1/procedures?q=%C4%90%C4%82NG%20K%C3%9D%20KHAI%20SINH")

        assert body["items"][0]["code"] == "1.001193"

    def test_filters_by_level_and_online(self, client):
        _, level4 = get(client, "/v1/procedures?level=4&page_size=100")
        _, offline = get(client, "/v1/procedures?online=false&page_size=100")

        assert level4["items"] and all(p["level"] == 4 for p in level4["items"])
        assert offline["items"] and all(p["level"] == 2 for p in offline["items"])

    def test_pages_follow_each_other_without_repeats(self, client):
        _, first = get(client, "/v1/procedures?page_size=10")
        _, second = get(
            client, f"/v1/procedures?page_size=10&page_token={first['next_page_token']}"
        )

        codes = [p["code"] for p in first["items"] + second["items"]]
        assert len(codes) == 20 and len(set(codes)) == 20

    @pytest.mark.parametrize(
        "query",
        [
            "level=7",
            "page_size=0",
            "page_size=101",
            "online=maybe",
            "page_token=forged.123",
            "unknown=1",
        ],
    )
    def test_bad_queries_get_the_contract_error(self, client, query):
        status, body = get(client, f"/v1/procedures?{query}")

        assert status == 400
        assert body["error"]["code"] == "VALIDATION_FAILED"
        assert body["error"]["details"]

    def test_a_page_token_from_another_search_is_refused(self, client):
        _, first = get(client, "/v1/procedures?page_size=5")

        status, _ = get(client, f"/v1/procedures?q=khai&page_token={first['next_page_token']}")

        assert status == 400


class TestProcedureDetail:
    def test_birth_registration_publishes_what_circular_32_asks(self, client):
        status, body = get(client, "/v1/procedures/1.001193")

        assert status == 200
        for key in (
            "name",
            "agency",
            "field",
            "level",
            "online_mode",
            "processing_time",
            "fees",
            "components",
            "delivery_options",
            "legal_basis",
            "steps",
        ):
            assert key in body
        assert body["form_url"] == "/v1/procedures/1.001193/form"

    def test_form_is_a_json_schema_with_vietnamese_titles(self, client):
        status, form = get(client, "/v1/procedures/1.001193/form")

        assert status == 200
        assert form["type"] == "object"
        assert all("title" in prop for prop in form["properties"].values())

    def test_unknown_procedure_is_not_found(self, client):
        status, body = get(client, "/v1/procedures/9.999999")

        assert status == 404
        assert body["error"]["code"] == "NOT_FOUND"

    def test_a_level_2_procedure_has_no_form(self, client):
        _, offline = get(client, "/v1/procedures?level=2&page_size=1")
        code = offline["items"][0]["code"]

        status, body = get(client, f"/v1/procedures/{code}/form")

        assert status == 404


class TestAgencies:
    def test_lists_agencies_with_their_identifier_codes(self, client):
        status, body = get(client, "/v1/agencies?page_size=100")

        assert status == 200
        assert body["items"] and all(a["id_code"] for a in body["items"])
        assert {"province", "commune", "centre"} <= {a["level"] for a in body["items"]}


class TestErrorsAndDescription:
    def test_health_is_ok(self, client):
        status, body = get(client, "/health")

        assert status == 200 and body["status"] == "ok"

    def test_openapi_describes_every_route(self, client, app):
        status, doc = get(client, "/openapi.json")

        assert status == 200 and doc["openapi"].startswith("3.1")
        for path, methods in app.routes.items():
            for method in methods.keys() - {"HEAD"}:  # implied by each GET
                assert method.lower() in doc["paths"][path], (method, path)

    def test_malformed_json_gets_the_contract_error(self, client):
        response = client.http.post(
            "/dev/token", body=b"{not json", headers={"Content-Type": "application/json"}
        )

        assert response.status_code == 400
        assert json.loads(response.body)["error"]["code"] == "VALIDATION_FAILED"

    def test_wrong_content_type_gets_the_contract_error(self, client):
        response = client.http.post(
            "/dev/token",
            body=b"role=citizen",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

        body = json.loads(response.body)
        assert response.status_code == 415
        assert body["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"

    def test_wrong_method_gets_the_contract_error(self, client):
        response = client.http.delete("/v1/procedures")

        assert response.status_code == 405
        assert json.loads(response.body)["error"]["code"] == "METHOD_NOT_ALLOWED"


class TestCatalogCache:
    def test_a_warm_container_serves_searches_without_any_dynamodb_call(self, client):
        from tests.functional.test_dossier_lookup import counted_aws_calls

        get(client, "/v1/procedures?q=khai%20sinh")
        with counted_aws_calls() as calls:
            for query in ("khai%20sinh", "ket%20hon", "xay%20dung"):
                assert get(client, f"/v1/procedures?q={query}")[0] == 200

        assert calls == []

    def test_a_new_import_is_seen_after_the_cache_interval(self, client, monkeypatch):
        from chalicelib.services.catalog import reads as catalog_service

        monkeypatch.setattr(
            catalog_service, "_state", {"catalog": catalog_service.get_catalog(), "checked_at": 0.0}
        )
        from tests.functional.test_dossier_lookup import counted_aws_calls

        with counted_aws_calls() as calls:
            get(client, "/v1/procedures?q=khai")

        assert calls == ["GetItem"]
