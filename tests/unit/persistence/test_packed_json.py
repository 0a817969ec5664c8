"""base.PackedJSON: JSON deflated against a preset dictionary, the dictionary named in the
value's first byte, so a value stays readable when a newer dictionary is added."""

import json
import zlib

from chalicelib.persistence.base import PackedJSON
from chalicelib.persistence.dossier_records import DETAILS_DICTIONARIES

VALUE = {
    "applicant": {"full_name": "Nguyễn Văn An", "phone": "0912345678", "email": "an@example.vn"},
    "form": {"nguoi_yeu_cau": {"ho_ten": "Trần Thị Bình", "so_dinh_danh": "001099012345"}},
    "notify": ["sms", "email"],
    "fee_due": 5000,
}


def test_a_value_reads_back_as_written():
    packed = PackedJSON(DETAILS_DICTIONARIES)

    stored = packed.serialize(VALUE)

    assert stored[0] == len(DETAILS_DICTIONARIES)
    assert packed.deserialize(stored) == VALUE


def test_the_dictionary_makes_a_small_value_smaller_than_plain_zlib():
    text = json.dumps(VALUE, ensure_ascii=False, separators=(",", ":")).encode()

    stored = PackedJSON(DETAILS_DICTIONARIES).serialize(VALUE)

    assert len(stored) < 0.8 * len(zlib.compress(text, 9))


def test_a_value_packed_with_an_older_dictionary_still_reads_once_a_newer_one_is_added():
    older = PackedJSON([b'"applicant":{"full_name":"'])
    stored = older.serialize(VALUE)

    newer = PackedJSON([b'"applicant":{"full_name":"', b'"form":{"nguoi_yeu_cau":{'])

    assert newer.serialize(VALUE)[0] == 2
    assert newer.deserialize(stored) == VALUE


def test_none_is_not_stored():
    assert PackedJSON(DETAILS_DICTIONARIES).serialize(None) is None
