"""Record classes of the feedback table (PAKN).

feedback table (one item collection per feedback):
    PK=FEEDBACK#<id> SK=META          the feedback, with the index keys below
    PK=FEEDBACK#<id> SK=EVENT#<0001>  one history entry per step
Indexes (each a Query, never a scan):
    by_agency   AGENCY#<agency>#open (or #<closed status>)  <due>#<id>  officers' lists
    by_owner    OWNER#<subject>                             <received>#<id>  a citizen's own
    published   PUBLISHED                                   <published>#<id>  public answers
    by_service  SERVICE#<category>                          <received>#<id>  Open311 queries
Events go to the dossiers table's outbox (see feedback_store), so one relay serves both.
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection

from chalicelib.persistence.base import CompactJSON, Keyed, index


class FeedbackRecord(Keyed):
    class Meta:
        table_name = "feedback"

    id = UnicodeAttribute()
    title = UnicodeAttribute()
    content = UnicodeAttribute()
    category = UnicodeAttribute()
    agency_id = UnicodeAttribute()
    sender = CompactJSON()
    phone_digest = UnicodeAttribute(null=True)  # the sender's, for a lookup's check (store.py)
    public = BooleanAttribute()
    channel = UnicodeAttribute()
    status = UnicodeAttribute()
    open311_status = UnicodeAttribute()
    version = NumberAttribute()
    received_at = UnicodeAttribute()
    agency_received_at = UnicodeAttribute()
    forward_by = UnicodeAttribute()
    due_at = UnicodeAttribute()
    owner = UnicodeAttribute(null=True)
    procedure_code = UnicodeAttribute(null=True)
    dossier_code = UnicodeAttribute(null=True)
    attachments = CompactJSON(null=True)
    location = CompactJSON(null=True)
    classification = UnicodeAttribute(null=True)
    assignee = UnicodeAttribute(null=True)
    forwarded_to = CompactJSON(null=True)
    answer = CompactJSON(null=True)
    published_at = UnicodeAttribute(null=True)
    closed_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    rating = CompactJSON(null=True)
    history_len = NumberAttribute(default=0)
    agency_pk = UnicodeAttribute(null=True)
    agency_sk = UnicodeAttribute(null=True)
    owner_pk = UnicodeAttribute(null=True)
    owner_sk = UnicodeAttribute(null=True)
    pub_pk = UnicodeAttribute(null=True)
    pub_sk = UnicodeAttribute(null=True)
    service_pk = UnicodeAttribute(null=True)
    service_sk = UnicodeAttribute(null=True)

    by_agency = index("by_agency", "agency_pk", "agency_sk", AllProjection())
    by_owner = index("by_owner", "owner_pk", "owner_sk", AllProjection())
    published = index("published", "pub_pk", "pub_sk", AllProjection())
    by_service = index("by_service", "service_pk", "service_sk", AllProjection())


class FeedbackHistoryRecord(Keyed):
    class Meta:
        table_name = "feedback"

    entry = CompactJSON()
