from chalicelib.domain.catalog import Agency, Catalog, Procedure, SearchQuery
from chalicelib.domain.text import fold


def make_procedure(code, name, level=3, agency_id="ubnd-a", field="ho-tich", keywords=()):
    return Procedure.from_dict(
        {
            "code": code,
            "version": 1,
            "name": name,
            "agency_id": agency_id,
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
    assert {p.code for p in catalog.search(SearchQuery(online=False))} == {"1.001612"}
    assert {p.code for p in catalog.search(SearchQuery(field="kinh-doanh"))} == {"1.001612"}


def test_fee_for_a_channel_without_a_published_fee_is_zero():
    procedure = make_procedure("1.001193", "Đăng ký khai sinh")

    assert procedure.fee_for("online") == 5000
    assert procedure.fee_for("counter") == 0
