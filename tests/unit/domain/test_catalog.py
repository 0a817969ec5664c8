from chalicelib.domain.catalog import Agency, Catalog, Procedure, SearchQuery
from chalicelib.domain.text import fold


def make_procedure(code, name, level=3, agency_id="ubnd-a", field="ho-tich", keywords=()):
    return Procedure.from_dict(
        {
            "code": code,
            "version": 1,
            "name": name,
            "performed_by": [{"agency_id": agency_id}],
            "field": field,
            "level": level,
            "online_mode": {2: None, 3: "mot_phan", 4: "toan_trinh"}[level],
            "processing_time": {"value": 1, "unit": "working_days", "same_day": False},
            "fees": [{"channel": "online", "name": "Lệ phí", "amount": 5000, "exemptions": None}],
            "components": [],
            "keywords": list(keywords),
        }
    )


def make_catalog():
    agencies = [
        Agency.from_dict(
            {
                "id": "ubnd-a",
                "id_code": "000.00.01.H06",
                "name": "UBND phường A",
                "level": "commune",
            }
        )
    ]
    return Catalog(
        agencies,
        [
            make_procedure("1.001193", "Đăng ký khai sinh", level=4),
            make_procedure("1.000656", "Đăng ký khai tử"),
            make_procedure("2.000635", "Cấp bản sao trích lục hộ tịch", keywords=["khai sinh"]),
            make_procedure(
                "1.001612", "Đăng ký thành lập hộ kinh doanh", level=2, field="kinh-doanh"
            ),
        ],
        "v1",
    )


def test_folding_ignores_case_and_diacritics():
    assert fold("Đăng KÝ khai sinh") == "dang ky khai sinh"


def test_search_without_diacritics_ranks_the_name_match_first():
    found = make_catalog().search(SearchQuery(q="dang ky khai sinh"))

    assert [p.code for p in found][:1] == ["1.001193"]


def test_search_requires_every_word_somewhere():
    found = make_catalog().search(SearchQuery(q="khai sinh"))

    assert [p.code for p in found] == ["1.001193", "2.000635"]


def test_search_by_code_finds_that_procedure():
    assert [p.code for p in make_catalog().search(SearchQuery(q="1.000656"))] == ["1.000656"]


def test_filters_by_level_online_and_field():
    catalog = make_catalog()

    assert {p.code for p in catalog.search(SearchQuery(level=4))} == {"1.001193"}
    assert {p.code for p in catalog.search(SearchQuery(online="false"))} == {"1.001612"}
    assert {p.code for p in catalog.search(SearchQuery(online="toan_trinh"))} == {"1.001193"}
    assert "1.001612" not in {p.code for p in catalog.search(SearchQuery(online="mot_phan"))}
    assert "1.001612" not in {p.code for p in catalog.search(SearchQuery(online="true"))}
    assert {p.code for p in catalog.search(SearchQuery(field="kinh-doanh"))} == {"1.001612"}


def test_fee_for_a_channel_without_a_published_fee_is_zero():
    procedure = make_procedure("1.001193", "Đăng ký khai sinh")

    assert procedure.fee_for("online") == 5000
    assert procedure.fee_for("counter") == 0


def commune(agency_id, name, code):
    return Agency.from_dict(
        {"id": agency_id, "id_code": code, "name": name, "level": "commune", "parent_id": "tinh"}
    )


def province_catalog(performed_by):
    agencies = [
        Agency.from_dict(
            {"id": "tinh", "id_code": "000.00.00.H06", "name": "UBND tỉnh", "level": "province",
             "parent_id": None}
        ),
        Agency.from_dict(
            {"id": "so-a", "id_code": "000.00.01.H06", "name": "Sở A", "level": "province",
             "parent_id": "tinh"}
        ),
        Agency.from_dict(
            {"id": "cong-an-xa-b", "id_code": "000.01.20.H06", "name": "Công an xã B",
             "level": "commune", "parent_id": "so-a"}
        ),
        commune("ubnd-xa-b", "UBND xã Bình", "000.02.50.H06"),
        commune("ubnd-phuong-a", "UBND phường An", "000.01.50.H06"),
    ]  # fmt: skip
    procedure = Procedure.from_dict(
        {**make_procedure("1.001193", "Đăng ký khai sinh").to_dict(), "performed_by": performed_by}
    )
    return Catalog(agencies, [procedure])


def test_all_communes_means_every_commune_committee_in_name_order_not_commune_police():
    catalog = province_catalog([{"all_communes": True}])

    assert [o.agency.id for o in catalog.offerings("1.001193")] == ["ubnd-phuong-a", "ubnd-xa-b"]
    assert catalog.performs("ubnd-xa-b", "1.001193")
    assert not catalog.performs("cong-an-xa-b", "1.001193")


def test_a_later_entry_overrides_the_time_limit_and_fees_of_one_agency():
    late = {"value": 3, "unit": "working_days", "same_day": False}
    fee = [{"channel": "online", "name": "Lệ phí", "amount": 8000, "exemptions": None}]
    catalog = province_catalog(
        [{"all_communes": True}, {"agency_id": "ubnd-xa-b", "processing_time": late, "fees": fee}]
    )

    own = catalog.offering("1.001193", "ubnd-xa-b")
    other = catalog.offering("1.001193", "ubnd-phuong-a")
    assert dict(own.processing_time) == late and own.fee_for("online") == 8000
    assert own.ref()["processing_time"] == late and "fees" in own.ref()
    assert other.processing_time["value"] == 1 and other.fee_for("online") == 5000
    assert set(other.ref()) == {"id", "id_code", "name"}


def test_an_agency_is_found_by_its_id_or_its_identifier_code():
    catalog = province_catalog([{"agency_id": "so-a"}])

    assert catalog.agency("so-a") is catalog.agency("000.00.01.H06")
    assert catalog.agency("000.00.99.H06") is None and catalog.agency(None) is None
    assert catalog.offering("1.001193", "000.00.01.H06").agency.id == "so-a"
    assert catalog.offering("1.001193", "ubnd-xa-b") is None


def test_search_by_agency_lists_what_that_agency_performs():
    catalog = province_catalog([{"all_communes": True}])

    assert [p.code for p in catalog.search(SearchQuery(agency="000.02.50.H06"))] == ["1.001193"]
    assert catalog.search(SearchQuery(agency="so-a")) == []
    assert [p.code for p in catalog.performed_by("ubnd-phuong-a")] == ["1.001193"]
