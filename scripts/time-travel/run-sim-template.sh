#!/usr/bin/env bash
# Generate a model on a Sim service (this toolkit's `flowtime serve` or a FlowTime-Sim-compatible
# service) with curl, and write model.yaml and provenance.json for the engine side to run.
# Needs curl, and jq or python3 to read the JSON answer.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: run-sim-template.sh --template <id> [--sim-url <url>] [--params <file.json>]
                           [--mode simulation|telemetry] [--out-dir <dir>] [--timeout <seconds>]

  --template <id>     template id (letters, digits, '.', '_', '-')
  --sim-url <url>     Sim service root (default $FLOWTIME_SIM_URL, else http://127.0.0.1:8080)
  --params <file>     JSON object of parameter values (default: {} = all defaults)
  --mode <mode>       simulation or telemetry (default: the template's mode)
  --out-dir <dir>     where model.yaml and provenance.json are written (default: .)
  --timeout <s>       seconds to wait for the service (default 30)

Then run the model with: flowtime run --model <dir>/model.yaml
Exit codes: 0 ok, 1 the service refused or could not be reached, 2 usage.
USAGE
}

die_usage() { echo "error: $1" >&2; usage >&2; exit 2; }

sim_url="${FLOWTIME_SIM_URL:-http://127.0.0.1:8080}"
template=""
params=""
mode=""
out_dir="."
timeout="30"
while [ $# -gt 0 ]; do
  case "$1" in
    --template) [ $# -ge 2 ] || die_usage "--template needs a value"; template="$2"; shift 2 ;;
    --sim-url) [ $# -ge 2 ] || die_usage "--sim-url needs a value"; sim_url="$2"; shift 2 ;;
    --params) [ $# -ge 2 ] || die_usage "--params needs a value"; params="$2"; shift 2 ;;
    --mode) [ $# -ge 2 ] || die_usage "--mode needs a value"; mode="$2"; shift 2 ;;
    --out-dir) [ $# -ge 2 ] || die_usage "--out-dir needs a value"; out_dir="$2"; shift 2 ;;
    --timeout) [ $# -ge 2 ] || die_usage "--timeout needs a value"; timeout="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die_usage "unknown argument '$1'" ;;
  esac
done

[ -n "$template" ] || die_usage "missing --template"
[[ "$template" =~ ^[A-Za-z0-9._-]+$ ]] && [ "$template" != "." ] && [ "$template" != ".." ] ||
  die_usage "template id '$template' may only use letters, digits, '.', '_' and '-'"
case "$mode" in ""|simulation|telemetry) ;; *) die_usage "--mode must be simulation or telemetry" ;; esac
[[ "$timeout" =~ ^[0-9]+$ ]] && [ "$timeout" -gt 0 ] || die_usage "--timeout must be a whole number of seconds"
[[ "$sim_url" =~ ^https?:// ]] || die_usage "--sim-url must start with http:// or https://"
if [ -n "$params" ] && [ ! -f "$params" ]; then die_usage "parameter file '$params' does not exist"; fi
command -v curl >/dev/null || { echo "error: curl is not installed" >&2; exit 1; }
if command -v jq >/dev/null; then json_tool=jq
elif command -v python3 >/dev/null; then json_tool=python3
else echo "error: jq or python3 is needed to read the Sim service's answer" >&2; exit 1; fi

# Read one field of the JSON answer: `model` as raw text, `provenance` as 2-space JSON.
json_field() {
  local field="$1" file="$2"
  if [ "$json_tool" = jq ]; then
    case "$field" in
      model) jq -j '.model' "$file" ;;
      provenance) jq --indent 2 '.provenance' "$file" ;;
      error) jq -r '(.error // .detail // .title // "no message") + (if .details then " " + (.details | tostring) else "" end)' "$file" 2>/dev/null || cat "$file" ;;
    esac
  else
    python3 - "$field" "$file" <<'PY'
import json, sys
field, path = sys.argv[1], sys.argv[2]
try:
    data = json.load(open(path, encoding="utf-8"))
except Exception:
    sys.stdout.write(open(path, encoding="utf-8", errors="replace").read())
    sys.exit(0)
if field == "model":
    sys.stdout.write(data["model"])
elif field == "provenance":
    sys.stdout.write(json.dumps(data["provenance"], indent=2, ensure_ascii=False) + "\n")
else:
    msg = data.get("error") or data.get("detail") or data.get("title") or "no message"
    if data.get("details"):
        msg += " " + json.dumps(data["details"])
    sys.stdout.write(msg + "\n")
PY
  fi
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
url="${sim_url%/}/api/v1/templates/${template}/generate"
[ -n "$mode" ] && url="${url}?mode=${mode}"
body="${params:-$work/empty.json}"
[ -n "$params" ] || printf '{}' >"$body"

if ! status="$(curl --silent --show-error --max-time "$timeout" -o "$work/answer.json" \
  -w '%{http_code}' -X POST -H 'content-type: application/json' --data-binary "@$body" "$url")"; then
  echo "error: cannot reach the Sim service at $sim_url (is it running? start one with 'flowtime serve')" >&2
  exit 1
fi
if [ "$status" != "200" ]; then
  echo "error: the Sim service answered $status: $(json_field error "$work/answer.json")" >&2
  exit 1
fi

json_field model "$work/answer.json" >"$work/model.yaml"
json_field provenance "$work/answer.json" >"$work/provenance.json"
mkdir -p "$out_dir"
mv "$work/model.yaml" "$out_dir/model.yaml"
mv "$work/provenance.json" "$out_dir/provenance.json"
echo "model of template $template written to $out_dir/model.yaml (provenance: $out_dir/provenance.json)"
