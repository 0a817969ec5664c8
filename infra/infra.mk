# Packaging, deployment and infrastructure checks. Included by the Makefile (it needs its
# `install` and `schemas` targets and BIN); see infra/DEPLOY.md for the operator's guide.
#
#   make package STAGE=dev        build/dev/sam.json + build/dev/deployment.zip (no AWS needed)
#   make infra-check STAGE=dev    package, then cfn-lint and checkov on the packaged template
#   make deploy STAGE=dev ARTIFACT_BUCKET=my-bucket [PARAMS="AlarmEmail=ops@example.vn ..."]
#   make deploy STAGE=prod ARTIFACT_BUCKET=my-bucket EDGE=1 [PORTAL_DOMAIN=dichvucong.example.gov.vn]
#                                 the edge stack (us-east-1) first, its outputs into the main stack
#   make waf-check                does each blocking managed rule answer the JSON? (needs AWS)
#   make destroy STAGE=dev CONFIRM=dvc-dev

STAGE ?= dev
REGION ?= ap-southeast-1
STACK_NAME ?= dvc-$(STAGE)
PKG_DIR := build/$(STAGE)
ARTIFACT_BUCKET ?=
PARAMS ?=
BIN ?= .venv/bin
PYTHON ?= python3
CFN_LINT_VERSION := 1.58.0
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV := .venv-checkov
AWS ?= aws
# The edge stack (infra/edge.json): what CloudFront takes from us-east-1 only.
EDGE ?=
EDGE_REGION := us-east-1
EDGE_STACK_NAME ?= $(STACK_NAME)-edge
EDGE_PARAMS ?=
PORTAL_DOMAIN ?=

.PHONY: package infra-check cfn-lint checkov deploy deploy-check deploy-edge waf-check destroy

# chalice package writes sam.json (base.json deep-merged into it) and deployment.zip; then
# infra/artifact.py adds checked-hash .pyc, drops test files and checks what base.json patches.
package: install schemas
	@case "$(STAGE)" in dev|prod) ;; \
	  *) echo "STAGE must be dev or prod (the local stage is 'make run')" >&2; exit 2;; esac
	rm -rf $(PKG_DIR)
	AWS_DEFAULT_REGION=$(REGION) $(BIN)/chalice package --stage $(STAGE) \
	  --merge-template infra/base.json $(PKG_DIR)/
	$(BIN)/python -m infra.artifact $(PKG_DIR)

# Every finding fails (errors, warnings and checks): fix it, or skip it on the resource in
# infra/base.json with a reason (Metadata.checkov.skip / Metadata.cfn-lint.config.ignore_checks).
infra-check: package cfn-lint checkov

cfn-lint:
	@$(BIN)/cfn-lint --version 2>/dev/null | grep -q " $(CFN_LINT_VERSION)$$" || \
	  $(BIN)/pip install --disable-pip-version-check -q cfn-lint==$(CFN_LINT_VERSION)
	$(BIN)/cfn-lint --regions $(REGION) -- $(PKG_DIR)/sam.json
	$(BIN)/cfn-lint --regions $(EDGE_REGION) -- infra/edge.json

# checkov pins an old boto3 and packaging, so it lives in a virtualenv of its own.
$(CHECKOV_VENV)/bin/checkov:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --disable-pip-version-check -q checkov==$(CHECKOV_VERSION) \
	  > $(CHECKOV_VENV)/install.log 2>&1 || { cat $(CHECKOV_VENV)/install.log; exit 1; }

checkov: $(CHECKOV_VENV)/bin/checkov
	$(CHECKOV_VENV)/bin/checkov -f $(PKG_DIR)/sam.json --compact --quiet --skip-download \
	  --framework cloudformation
	$(CHECKOV_VENV)/bin/checkov -f infra/edge.json --compact --quiet --skip-download \
	  --framework cloudformation

# `make test` (and so CI) runs the infrastructure checks too.
test: infra-check

# Upload the artifact, then create or update the stack through a change set. Needs the AWS CLI
# and credentials for the target account; PARAMS are extra Key=Value parameter overrides.
# The template (about 250 KB) is over CloudFormation's 51,200-byte limit for a template sent
# inline, so `deploy` uploads it to the artifact bucket too (--s3-bucket) and passes its URL.
deploy: deploy-check package $(if $(EDGE),deploy-edge)
	@test -n "$(ARTIFACT_BUCKET)" || { echo "ARTIFACT_BUCKET=<an S3 bucket in $(REGION)> is required" >&2; exit 2; }
	$(AWS) cloudformation package --region $(REGION) --template-file $(PKG_DIR)/sam.json \
	  --s3-bucket $(ARTIFACT_BUCKET) --s3-prefix $(STACK_NAME) --use-json \
	  --output-template-file $(PKG_DIR)/packaged.json
	$(AWS) cloudformation deploy --region $(REGION) --template-file $(PKG_DIR)/packaged.json \
	  --s3-bucket $(ARTIFACT_BUCKET) --s3-prefix $(STACK_NAME) \
	  --stack-name $(STACK_NAME) --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND \
	  --no-fail-on-empty-changeset --parameter-overrides Stage=$(STAGE) $(PARAMS) \
	  $(if $(PORTAL_DOMAIN),PortalDomain=$(PORTAL_DOMAIN)) $(if $(EDGE),$(edge-outputs))
	$(AWS) cloudformation describe-stacks --region $(REGION) --stack-name $(STACK_NAME) \
	  --query "Stacks[0].Outputs" --output table

# Refuses, before anything is built, a custom domain that no certificate comes with: neither
# the edge stack (EDGE=1, which requests it) nor PARAMS. The stack's Rules refuse it too, and
# a certificate without its domain (DEPLOY.md section 5).
deploy-check:
	@test -z "$(PORTAL_DOMAIN)" -o -n "$(EDGE)" -o -n "$(findstring PortalCertificateArn=,$(PARAMS))" || { \
	  echo "PORTAL_DOMAIN=$(PORTAL_DOMAIN) needs its certificate: add EDGE=1 (the edge stack requests it in us-east-1)" >&2; \
	  echo "or PARAMS=\"PortalCertificateArn=arn:aws:acm:us-east-1:...\" (infra/DEPLOY.md section 5)" >&2; exit 2; }

# The CLOUDFRONT web ACL and the custom domain's certificate (DEPLOY.md section 5b), in
# us-east-1; small enough to send inline. Its outputs are named as the main stack's parameters.
deploy-edge:
	$(AWS) cloudformation deploy --region $(EDGE_REGION) --template-file infra/edge.json \
	  --stack-name $(EDGE_STACK_NAME) --no-fail-on-empty-changeset \
	  --parameter-overrides Stage=$(STAGE) $(if $(PORTAL_DOMAIN),PortalDomain=$(PORTAL_DOMAIN)) \
	  $(EDGE_PARAMS)

# Lists what differs between the web ACLs' managed-rule overrides and the rules AWS serves in
# those groups now (a new blocking rule would answer WAF's default page): DEPLOY.md section 5a.
waf-check:
	$(BIN)/python -m infra.waf --region $(REGION)

# Key=Value for each output of the edge stack (expanded when `deploy` runs, after deploy-edge).
edge-outputs = $(shell $(AWS) cloudformation describe-stacks --region $(EDGE_REGION) \
  --stack-name $(EDGE_STACK_NAME) --output text \
  --query "Stacks[0].Outputs[].join('=', [OutputKey, OutputValue])")

# Deletes the stack (EDGE=1: then the edge stack). Tables (prod: deletion protection) and non-empty buckets stop it: see DEPLOY.md.
destroy:
	@test "$(CONFIRM)" = "$(STACK_NAME)" || { echo "run: make destroy STAGE=$(STAGE) CONFIRM=$(STACK_NAME)" >&2; exit 2; }
	$(AWS) cloudformation delete-stack --region $(REGION) --stack-name $(STACK_NAME)
	$(AWS) cloudformation wait stack-delete-complete --region $(REGION) --stack-name $(STACK_NAME)
	$(if $(EDGE),$(AWS) cloudformation delete-stack --region $(EDGE_REGION) --stack-name $(EDGE_STACK_NAME))
