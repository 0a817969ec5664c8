"""Documents in the dossiers table (no table or index of their own):

    PK=DOCUMENT#<id>  SK=META   a signed result or form, or a file accepted in a dossier

A document with an owner also sets the `by_owner` index keys (`WALLET#<subject>`, newest first),
so the citizen's wallet is a Query of the index the citizen's dossiers already use (under
another partition key) and a BatchGet of the documents it names.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import IncludeProjection

from chalicelib.persistence.base import Keyed, index
from chalicelib.persistence.dossier_records import SUMMARY


class DocumentRecord(Keyed):
    class Meta:
        table_name = "dossiers"

    document_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    name = UnicodeAttribute()
    dossier_code = UnicodeAttribute()
    agency_id = UnicodeAttribute()
    owner = UnicodeAttribute(null=True)
    bucket = UnicodeAttribute()
    key = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size_bytes = NumberAttribute()
    issued_at = UnicodeAttribute()
    component_code = UnicodeAttribute(null=True)
    sha256 = UnicodeAttribute(null=True)
    signed_by = UnicodeAttribute(null=True)
    signed_at = UnicodeAttribute(null=True)
    extra = JSONAttribute(null=True)
    owner_pk = UnicodeAttribute(null=True)
    owner_sk = UnicodeAttribute(null=True)

    # The dossiers' index under another partition key, declared as the table has it (one index,
    # one projection: the template and the table checks compare it); documents read its keys.
    wallet = index("by_owner", "owner_pk", "owner_sk", IncludeProjection(SUMMARY))
