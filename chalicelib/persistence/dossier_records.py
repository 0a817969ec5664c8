"""Record classes of the dossiers table.

    PK=DOSSIER#<code>      SK=EVENT#<0001>     one history entry per step (audit, control slip)
    PK=DOSSIER#<code>      SK=META             the dossier: its state, applicant, form answers and
                                               attachments (these packed in `details`); the
                                               procedure only by reference
    PK=DOSSIER#<code>      SK=OUTBOX#<id>      an event, written with its change; the table's
                                               stream relays it to SQS (see outbox_store), TTL
                                               removes it a week later
    PK=DOSSIER#<code>      SK=PAYSLOT#<amount> the dossier's current payment for that amount
    PK=DOSSIER#<code>      SK=RATING           the applicant's rating, written once
    PK=PROCEDURE#<code>    SK=SNAPSHOT#<version>#<digest>
                                               what a dossier keeps of its procedure (name, time
                                               limit, fees, components), stored once per version
                                               (see snapshot_store)
    PK=PAYMENT#<txn_ref>   SK=META             one payment (see payment_store)
    PK=UPLOAD#<id>         SK=META             a presigned upload, until a dossier uses it or TTL
    PK=ATTEMPT#<id>        SK=COPIES           an attempt whose file copies are in use; and
    PK=SWEEP#COPIES        SK=CURSOR           where the sweep of unused copies goes on (see
                                               copy_records.py)
    PK=DOSSIER#<code>      SK=SHARED#<agency>  the dossier as an agency whose opinion it waits on
                                               lists it (its inbox and the consult watch), while
                                               the request is open (a DossierRecord's summary)
    PK=DOSSIER#<code>      SK=NSYNC            where the dossier stands with the national portal
                                               (see national_sync_store)
    PK=NATIONAL#DOSSIER#<national code>        SK=META  what arrived from the national portal,
    PK=NATIONAL#FEEDBACK#<national reference>  SK=META  once (see national_intake_store)

History entries sort before META, so `PK=DOSSIER#<code> AND SK <= "META"` is the whole status
view (dossier + history) in one Query.

Indexes (sparse: an item carries an index's keys only while it belongs in it; projections hold
only what the list shows):
    inbox             INBOX#<agency> / <due>#<code>: open dossiers, soonest due first (summary);
                      a consulted agency's rows are SHARED# items (due: the reply's)
    by_status         AGENCY#<agency>#<status>#<yyyy-mm> / <closed at>#<code>: closed dossiers
                      by month of closing (summary)
    by_owner          OWNER#<subject> / <submitted>#<code>: a citizen's dossiers (summary)
    open_due          OPEN#<shard> / <due>#<code>: dossiers whose clock runs, for the deadline
                      watch (status, due times and the flag already raised); and
                      SHARED#<shard> / <due>#<code>#<agency>: open consult requests
    pending_payments  PENDING#<shard> / <expires>#<ref>: payments awaiting the gateway (keys)
    national_sync     UNSYNCED#<shard> | FAILED#<agency> / …: dossiers not yet synced with the
                      national portal, or refused by it (the code; see national_sync_store)
The shard counts are sized in bench/keys.py for a national peak.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import (
    GlobalSecondaryIndex,
    IncludeProjection,
    KeysOnlyProjection,
)

from chalicelib.domain.national_sync import PENDING
from chalicelib.persistence.base import CompactJSON, Keyed, PackedJSON, index

# The dictionaries of a dossier's `details` (base.PackedJSON), oldest first. Never edit one:
# items stored with it must stay readable; a better one goes after it. Version 1 holds what
# most submissions share, least common first: the keys of the form fields that three or more of
# the procedures' forms use (schemas/forms/), common words of names and addresses in the
# province, then the keys and usual values of the details themselves.
DETAILS_DICTIONARIES = (
    "".join(
        (
            '"so_to_ban_do":"',
            '"so_thua":"',
            '"so_giay_kham_suc_khoe":"',
            '"ten_nganh":"',
            '"nganh_nghe":"',
            '"ma_nganh":"',
            '"nguoi_dai_dien":{',
            '"ma_so_doanh_nghiep":"',
            '"nguoi_de_nghi":{',
            '"ly_do":"',
            '"gioi_tinh":"',
            '"dia_chi":"',
            '"ten":"',
            '"so_ban":1',
            '"quoc_tich":"Việt Nam"',
            '"muc_dich_su_dung":"',
            '"noi_cu_tru":"',
            '"nguoi_yeu_cau":{',
            '"ho_ten":"',
            '"ngay_sinh":"',
            '"so_dinh_danh":"',
            '"so_dien_thoai":"0',
            " Trần ",
            " Lê ",
            " Phạm ",
            " Hoàng ",
            " Thị ",
            " Văn ",
            " Đức ",
            "Nguyễn ",
            "Thôn ",
            "thôn ",
            "Tổ dân phố ",
            ", phường ",
            ", xã ",
            ", tỉnh Bắc Ninh",
            "Ủy ban nhân dân phường ",
            "Ủy ban nhân dân xã ",
            '"outcome":"',
            '"fee_paid":',
            '"extended":true',
            '"history_len":',
            '"extra":{',
            '"content_type":"image/jpeg"',
            '"attachments":[{"component_code":"',
            '","upload_id":"',
            '","filename":"',
            '","content_type":"application/pdf",',
            '"size_bytes":',
            '"key":"attachments/',
            '"reused":false},{"component_code":"',
            '"form":{',
            '"result_delivery":"online","notify":["sms","email"],"channel":"online",',
            '"applicant":{"full_name":"',
            '","id_number":"0',
            '","phone":"0',
            '","email":"',
            '{"agency":{"agency_name":"Ủy ban nhân dân ',
            '","agency_id_code":"000.',
        )  # fmt: skip
    ).encode(),
)
SUMMARY = [
    "code",
    "status",
    "version",
    "agency_id",
    "procedure_ref",
    "applicant_name",
    "submitted_at",
    "acknowledge_by",
    "due_at",
    "assignee",
    "requested",
]
DEADLINE = ["status", "due_at", "acknowledge_by", "deadline_flag"]


class DossierRecord(Keyed):
    class Meta:
        table_name = "dossiers"

    code = UnicodeAttribute()
    status = UnicodeAttribute()
    version = NumberAttribute()
    agency_id = UnicodeAttribute()
    procedure_ref = UnicodeAttribute()
    applicant_name = UnicodeAttribute(null=True)
    # domain.dossier.phone_digest of the applicant's phone, top-level so that a lookup's
    # transaction can check a phone guess against it (store.stage_wrong_phone); the item
    # holds the phone itself too, so it tells nothing more. Absent on older items.
    phone_digest = UnicodeAttribute(null=True)
    owner = UnicodeAttribute(null=True)
    # What no index projects and no condition or filter reads (the applicant, form answers,
    # attachments, ... see dossier_store.DETAILS), compressed in one attribute: every
    # transaction of the dossier rewrites this item, and DynamoDB bills a write per 1 KB (twice
    # in a transaction). Items written before it keep those as the attributes below, still read.
    details = PackedJSON(DETAILS_DICTIONARIES, null=True)
    agency = CompactJSON(null=True)
    applicant = CompactJSON(null=True)
    form = CompactJSON(null=True)
    attachments = CompactJSON(null=True)
    result_delivery = UnicodeAttribute(null=True)
    notify = CompactJSON(null=True)
    channel = UnicodeAttribute(null=True)
    extra = CompactJSON(null=True)
    outcome = UnicodeAttribute(null=True)
    fee_due = NumberAttribute(null=True)
    fee_paid = NumberAttribute(null=True)
    extended = BooleanAttribute(null=True)
    history_len = NumberAttribute(null=True)
    submitted_at = UnicodeAttribute()
    acknowledge_by = UnicodeAttribute()
    accepted_at = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)
    requested = CompactJSON(null=True)
    assignee = UnicodeAttribute(null=True)
    deadline_flag = UnicodeAttribute(null=True)
    owner_pk = UnicodeAttribute(null=True)
    owner_sk = UnicodeAttribute(null=True)
    inbox_pk = UnicodeAttribute(null=True)
    inbox_sk = UnicodeAttribute(null=True)
    status_pk = UnicodeAttribute(null=True)
    status_sk = UnicodeAttribute(null=True)
    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)

    by_owner = index("by_owner", "owner_pk", "owner_sk", IncludeProjection(SUMMARY))
    inbox = index("inbox", "inbox_pk", "inbox_sk", IncludeProjection(SUMMARY))
    by_status = index("by_status", "status_pk", "status_sk", IncludeProjection(SUMMARY))
    open_due = index("open_due", "due_pk", "due_sk", IncludeProjection(DEADLINE))


class HistoryRecord(Keyed):
    class Meta:
        table_name = "dossiers"

    entry = CompactJSON()


class SnapshotRecord(Keyed):
    class Meta:
        table_name = "dossiers"

    snapshot = CompactJSON()


class OutboxRecord(Keyed):
    class Meta:
        table_name = "dossiers"

    event = CompactJSON()
    ttl = NumberAttribute(null=True)


class UploadRecord(Keyed):
    class Meta:
        table_name = "dossiers"

    upload_id = UnicodeAttribute()
    purpose = UnicodeAttribute()  # "dossier" or "feedback"
    procedure_code = UnicodeAttribute(null=True)  # a dossier component's procedure
    component_code = UnicodeAttribute()
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size_bytes = NumberAttribute()
    key = UnicodeAttribute()
    owner = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    used_by = UnicodeAttribute(null=True)
    ttl = NumberAttribute(null=True)


class PaymentRecord(Keyed):
    class Meta:
        table_name = "dossiers"

    txn_ref = UnicodeAttribute()
    dossier_code = UnicodeAttribute()
    amount = NumberAttribute()
    state = UnicodeAttribute()
    provider = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    payment_url = UnicodeAttribute()
    gateway_txn_id = UnicodeAttribute(null=True)
    result_code = UnicodeAttribute(null=True)
    paid_at = UnicodeAttribute(null=True)
    settled_at = UnicodeAttribute(null=True)
    settled_by = UnicodeAttribute(null=True)
    pay_pk = UnicodeAttribute(null=True)
    pay_sk = UnicodeAttribute(null=True)

    pending = index("pending_payments", "pay_pk", "pay_sk", KeysOnlyProjection())


class PaymentSlotRecord(Keyed):
    class Meta:
        table_name = "dossiers"

    txn_ref = UnicodeAttribute()


class RatingRecord(Keyed):
    class Meta:
        table_name = "dossiers"

    code = UnicodeAttribute()
    rating = CompactJSON()
    rated_at = UnicodeAttribute()
    rated_by = UnicodeAttribute()


class NationalSyncByState(GlobalSecondaryIndex):
    """Sparse: only dossiers still unsynced (`UNSYNCED#<shard>`) or refused (`FAILED#<agency>`).
    Its readers need only the code, so the worker's lease and progress updates write no index
    entry."""

    class Meta:
        index_name = "national_sync"
        projection = IncludeProjection(["code"])

    nsync_pk = UnicodeAttribute(hash_key=True)
    nsync_sk = UnicodeAttribute(range_key=True)


class NationalSyncRecord(Keyed):
    class Meta:
        table_name = "dossiers"

    code = UnicodeAttribute()
    agency_id = UnicodeAttribute(null=True)
    state = UnicodeAttribute(default=PENDING)
    want_step = NumberAttribute(default=0)
    changed_at = UnicodeAttribute(null=True)
    synced_step = NumberAttribute(default=0)
    synced_version = NumberAttribute(null=True)
    status_code = NumberAttribute(null=True)
    synced_at = UnicodeAttribute(null=True)
    failed_at = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    attempts = NumberAttribute(default=0)
    lease_token = UnicodeAttribute(null=True)
    lease_until = NumberAttribute(null=True)
    nsync_pk = UnicodeAttribute(null=True)
    nsync_sk = UnicodeAttribute(null=True)

    by_state = NationalSyncByState()


class NationalIntakeRecord(Keyed):
    class Meta:
        table_name = "dossiers"

    created_id = UnicodeAttribute()
    received_at = UnicodeAttribute()
