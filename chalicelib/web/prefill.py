"""Forms prefilled from the signed-in citizen's identity claims: the applicant block, and in the
procedure's own form the person who applies (never other people: a child, a parent, a spouse).
Name and ID number come verified from the identity provider and are shown read-only."""

from __future__ import annotations

from chalicelib.web.schema_form import FormField

# Groups of the form schemas that describe the applicant themself.
APPLICANT_GROUPS = (
    "nguoi_yeu_cau",
    "nguoi_de_nghi",
    "nguoi_dang_ky",
    "nguoi_su_dung_dat",
    "chu_dau_tu",
    "nguoi_nhan_con_nuoi",
)
FORM_FIELDS = {
    "ho_ten": "full_name",
    "so_dinh_danh": "id_number",
    "so_dien_thoai": "phone",
    "ngay_sinh": "birth_date",
    "noi_cu_tru": "address",
    "noi_thuong_tru": "address",
    "dia_chi": "address",
    "dia_chi_lien_he": "address",
}
APPLICANT_FIELDS = ("full_name", "id_number", "phone", "address")
VERIFIED = ("applicant.full_name", "applicant.id_number")


def applicant(profile: dict) -> dict[str, str]:
    """Values of the applicant block by field path."""
    return {f"applicant.{name}": profile[name] for name in APPLICANT_FIELDS if profile.get(name)}


def fill_form(fields: list[FormField], profile: dict) -> None:
    """Set the defaults of the applicant's own fields in a built form."""
    for f in fields:
        if f.kind == "group":
            fill_form(f.children, profile)
            continue
        parts = f.path.split(".")
        if len(parts) == 3 and parts[1] in APPLICANT_GROUPS and parts[2] in FORM_FIELDS:
            value = profile.get(FORM_FIELDS[parts[2]])
            if value and f.kind not in ("select", "radio", "checkbox", "checkboxes"):
                f.default = value
