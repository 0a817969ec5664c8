"""Record class of the catalog table.

PK=CATALOG            SK=CURRENT           -> {version, imported_at, counts}
PK=CATALOG#<version>  SK=AGENCY#<id>       -> agency JSON
PK=CATALOG#<version>  SK=PROC#<code>       -> procedure JSON
PK=CATALOG#<version>  SK=FORM#<code>       -> application-form JSON Schema
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from chalicelib.persistence.base import CompactJSON, Keyed


class CatalogRecord(Keyed):
    class Meta:
        table_name = "catalog"

    data = CompactJSON(null=True)
    version = UnicodeAttribute(null=True)
