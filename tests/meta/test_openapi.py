from openapi_spec_validator import validate


def test_openapi_document_is_valid_openapi_3_1(app):
    from chalicelib.entrypoints.openapi import document

    validate(document())
