#!/usr/bin/env bash
# A citizen uploads a file, submits a birth registration and looks it up; officers then take the
# dossier from submitted to returned. Run against `make run`: bash infra/local/demo.sh [BASE_URL]
set -euo pipefail
BASE=${1:-http://127.0.0.1:8000}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {'json': json}, {'d': d}))" "$1"; }
post() { curl -sS -X POST "$BASE$1" -H 'Content-Type: application/json' ${3:+-H "Authorization: Bearer $3"} -d "$2"; }
AGENCY=ubnd-phuong-kinh-bac
PHONE=0912345678

echo "== 1. Upload the birth certificate (giấy chứng sinh) through a presigned S3 POST"
printf '%%PDF-1.4 giay chung sinh' > /tmp/giay-chung-sinh.pdf
UPLOAD=$(post /v1/uploads '{"procedure_code":"1.001193","component_code":"TP2","filename":"giay-chung-sinh.pdf","content_type":"application/pdf","size_bytes":24}')
URL=$(echo "$UPLOAD" | json 'd["url"]')
FIELDS=$(echo "$UPLOAD" | json '" ".join("-F " + repr(k + "=" + v) for k, v in d["fields"].items())')
eval curl -sS -o /dev/null -w '"   S3 answered %{http_code}\n"' "$FIELDS" -F "file=@/tmp/giay-chung-sinh.pdf" "$URL"
UPLOAD_ID=$(echo "$UPLOAD" | json 'd["upload_id"]')

echo "== 2. Submit the dossier"
FORM=$(curl -sS "$BASE/v1/procedures/1.001193/form" | json 'json.dumps(d["examples"][0], ensure_ascii=False)')
CREATED=$(post /v1/dossiers "{\"procedure_code\":\"1.001193\",\"agency\":\"ubnd-phuong-kinh-bac\",\"applicant\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"001099012345\",\"phone\":\"$PHONE\"},\"form\":$FORM,\"attachments\":[{\"component_code\":\"TP2\",\"upload_id\":\"$UPLOAD_ID\"}],\"result_delivery\":\"online\",\"notify\":[\"sms\"]}")
CODE=$(echo "$CREATED" | json 'd["code"]')
echo "   dossier $CODE, receipt: $(echo "$CREATED" | json 'd["receipt_url"]')"

echo "== 3. Look it up with code and phone"
curl -sS "$BASE/v1/dossiers/$CODE?phone=$PHONE" | json '"   status: " + d["status"] + " (" + d["status_label"] + ")"'

echo "== 4. Officers: accept, assign, approve, return"
DESK=$(post /dev/token "{\"role\":\"receptionist\",\"agency\":\"$AGENCY\"}" | json 'd["access_token"]')
LEADER=$(post /dev/token "{\"role\":\"leader\",\"agency\":\"$AGENCY\"}" | json 'd["access_token"]')
VERSION=$(curl -sS "$BASE/v1/officer/dossiers/$CODE" -H "Authorization: Bearer $DESK" | json 'd["version"]')
step() {  # action token extra-json
  local out; out=$(post "/v1/officer/dossiers/$CODE/actions" "{\"action\":\"$1\",\"version\":$VERSION${3:+,$3}}" "$2")
  VERSION=$(echo "$out" | json 'd["version"]'); echo "   $1 -> $(echo "$out" | json 'd["status"]')"
}
step accept "$DESK"
step assign "$DESK" '"assignee":"can-bo-tu-phap-1"'
step approve "$LEADER"
step return_result "$DESK" '"via":"online"'

echo "== 5. What the citizen now sees"
curl -sS "$BASE/v1/dossiers/$CODE?phone=$PHONE" | json '"   " + " -> ".join(s["action"] for s in d["history"]) + "  [" + d["status_label"] + "]"'
