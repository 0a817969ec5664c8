"""The citizen's wallet on the portal: the "Kho giấy tờ" page lists the signed-in citizen's
documents (download, verify, the whole wallet, remove a file they filed), the filing page offers
each component the wallet documents it can reuse, and the retention policy's one deletion: a
citizen takes a file they filed out of their wallet, while results stay and the dossier keeps
its copy."""

from __future__ import annotations

import re

from tests.factories import call, token
from tests.functional import sign_in_flow as flow
from tests.functional.test_signed_documents import issued, officer, submit_status

ANOTHER = "001192000002"  # a second account of the local provider


def signed_in(client, provider, username=flow.CITIZEN):
    """A signed-in browser and a bearer token for the same citizen (to set up documents)."""
    browser, _ = flow.sign_in(client, provider, username=username, next_path="/kho-giay-to")
    subject = call(client, "GET", "/v1/me", headers=browser.header())[1]["subject"]
    return browser, token(client, subject=subject)


def html(client, path, browser):
    answer = client.http.get(path, headers=browser.header())
    return answer, answer.body.decode()


def wallet(client, citizen) -> list[dict]:
    return call(client, "GET", "/v1/me/documents?page_size=100", token=citizen)[1]["items"]


def filed(client, citizen, code) -> dict:
    """The file the citizen filed with dossier `code`, as their wallet lists it."""
    items = wallet(client, citizen)
    return next(d for d in items if d["dossier_code"] == code and d["kind"] == "attachment")


def remove(client, document_id, who=None, headers=None):
    return call(client, "DELETE", f"/v1/me/documents/{document_id}", token=who, headers=headers)


class TestTheWalletPage:
    def test_signed_out_the_page_asks_to_sign_in(self, client):
        answer = client.http.get("/kho-giay-to")

        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
        assert 'href="/dang-nhap?next=/kho-giay-to"' in answer.body.decode()
        assert "wallet-list" not in answer.body.decode()

    def test_it_lists_the_citizens_documents_with_their_actions(self, client, citizen_idp):
        browser, citizen = signed_in(client, citizen_idp)
        code, _, view = issued(client, citizen)
        result_id = view["result_document"]["document_id"]
        attachment = filed(client, citizen, code)
        other_browser, other = signed_in(client, citizen_idp, ANOTHER)

        answer, page = html(client, "/kho-giay-to", browser)
        _, mine = html(client, "/ho-so-cua-toi", browser)
        _, theirs = html(client, "/kho-giay-to", other_browser)

        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
        assert '<html lang="vi">' in page and "Kho giấy tờ của tôi" in page
        result_row = _row(page, result_id)
        assert "Kết quả giải quyết (đã ký số)" in result_row
        assert f'href="/xac-thuc/{result_id}"' in result_row and "Gỡ khỏi kho" not in result_row
        attachment_row = _row(page, attachment["document_id"])
        assert "Tệp đã nộp" in attachment_row and 'data-action="remove"' in attachment_row
        assert 'id="wallet-export"' in page and "Lưu giữ và xóa giấy tờ" in page
        assert 'href="/kho-giay-to"' in mine
        assert result_id not in theirs and code not in theirs

    def test_a_stale_page_link_shows_the_first_page(self, client, citizen_idp):
        browser, _ = signed_in(client, citizen_idp)

        answer, page = html(client, "/kho-giay-to?tiep=not-a-token", browser)

        assert answer.status_code == 200 and "Kho giấy tờ của tôi" in page


class TestReuseOnTheFilingPage:
    def test_each_component_offers_the_wallet_documents_it_accepts(self, client, citizen_idp):
        browser, citizen = signed_in(client, citizen_idp)
        code, _, _ = issued(client, citizen)
        attachment = filed(client, citizen, code)
        other_browser, _ = signed_in(client, citizen_idp, ANOTHER)

        _, page = html(client, "/thu-tuc/1.001193/nop-ho-so", browser)
        _, anonymous = html(client, "/thu-tuc/1.001193/nop-ho-so", flow.Browser({}))
        _, theirs = html(client, "/thu-tuc/1.001193/nop-ho-so", other_browser)

        picker = re.search(r'<select id="reuse-TP2".*?</select>', page, re.S)
        assert picker, "the component TP2 offers no wallet document"
        assert f'value="{attachment["document_id"]}"' in picker.group(0)
        assert '<label for="reuse-TP2">' in page
        assert "data-reuse-for" not in anonymous
        assert attachment["document_id"] not in theirs

    def test_a_signed_result_is_offered_and_an_agency_form_is_not(self, client, citizen_idp):
        browser, citizen = signed_in(client, citizen_idp)
        code, _, view = issued(client, citizen)
        status, form = call(
            client, "POST", f"/v1/officer/dossiers/{code}/forms/01/issue", {}, officer(client)
        )
        assert status == 201, form

        _, page = html(client, "/thu-tuc/1.001193/nop-ho-so", browser)

        assert f'value="{view["result_document"]["document_id"]}"' in page
        assert form["document_id"] not in page


class TestRemovingFromTheWallet:
    def test_a_filed_file_leaves_the_wallet_and_stays_in_its_dossier(self, client):
        citizen = token(client)
        code, _, _ = issued(client, citizen)
        attachment = next(d for d in wallet(client, citizen) if d["kind"] == "attachment")

        status, removed = remove(client, attachment["document_id"], citizen)
        again = remove(client, attachment["document_id"], citizen)
        reuse = submit_status(
            client, citizen, [{"component_code": "TP2", "document_id": attachment["document_id"]}]
        )
        view = call(client, "GET", f"/v1/officer/dossiers/{code}", token=officer(client))[1]

        assert status == 200
        assert removed == {"document_id": attachment["document_id"], "removed": True}
        assert attachment["document_id"] not in {d["document_id"] for d in wallet(client, citizen)}
        assert again[0] == 404
        assert reuse[0] == 400
        assert reuse[1]["error"]["details"][0]["field"] == "attachments[0].document_id"
        assert [a["component_code"] for a in view["attachments"]] == ["TP2"]

    def test_an_issued_result_cannot_be_removed(self, client):
        citizen = token(client)
        _, _, view = issued(client, citizen)
        result_id = view["result_document"]["document_id"]

        status, error = remove(client, result_id, citizen)

        assert status == 409 and error["error"]["code"] == "INVALID_TRANSITION"
        assert result_id in {d["document_id"] for d in wallet(client, citizen)}
        assert call(client, "GET", f"/v1/documents/{result_id}/verification")[1]["valid"] is True

    def test_nobody_else_removes_a_citizens_document(self, client):
        citizen, other = token(client), token(client)
        issued(client, citizen)
        attachment = next(d for d in wallet(client, citizen) if d["kind"] == "attachment")

        by_other = remove(client, attachment["document_id"], other)
        by_officer = remove(client, attachment["document_id"], officer(client))
        anonymous = remove(client, attachment["document_id"])

        assert (by_other[0], by_officer[0], anonymous[0]) == (404, 403, 401)
        assert attachment in wallet(client, citizen)

    def test_a_cross_site_removal_with_the_cookie_is_refused(self, client, citizen_idp):
        browser, citizen = signed_in(client, citizen_idp)
        issued(client, citizen)
        attachment = next(d for d in wallet(client, citizen) if d["kind"] == "attachment")

        status, error = remove(client, attachment["document_id"], headers=browser.header())

        assert status == 403 and error["error"]["code"] == "FORBIDDEN"
        assert attachment["document_id"] in {d["document_id"] for d in wallet(client, citizen)}


def _row(page: str, document_id: str) -> str:
    found = re.search(rf'<tr data-document="{document_id}".*?</tr>', page, re.S)
    assert found, f"no row for {document_id}"
    return found.group(0)
