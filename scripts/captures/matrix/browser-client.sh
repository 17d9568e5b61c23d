#!/usr/bin/env bash
# A browser of the capture matrix loading https://HOST/ once, headless, the way its users load a page: its own
# defaults, a fresh profile (no session tickets, HSTS, cached certificates or intermediates from an earlier run), the
# matrix root imported into the profile's NSS database as a user imports a root (certutil -t "C,,"), 4 s at most.
#
# Usage: browser-client.sh chromium|firefox HOST MODE ROOT [KEYLOG]
#   MODE default | max12 (TLS 1.2 at most) | groups (neither browser has a setting for it: the defaults are kept)
#   KEYLOG  where to write the browser's TLS key log: both browsers honour SSLKEYLOGFILE; it is pointed into the
#           profile and only its key log lines (NSS key log format: LABEL CLIENT_RANDOM SECRET) are kept in KEYLOG
#
# A browser shows a failed load as an error page and exits 0, so its verdict is read from what it reports:
#   chromium  --dump-dom prints the page; a failed load is logged as "Page load failed: net::ERR_…"
#   firefox   --screenshot; the document channel's final status is read from its own log (MOZ_LOG=nsHttp:4):
#             0 is a page, an NSS error (0x805aXXXX) is named as NSS names it (SEC_ERROR_…, SSL_ERROR_…)
# Prints one verdict line and exits 0 when the page came, 1 when the browser reported a failed load, 124 when it
# had reported nothing after 4 s (killed by timeout). The browser's own output stays in the profile directory, which
# is removed: nothing of a run outlives it.
set -uo pipefail
browser=$1 host=$2 mode=$3 root=$4 keylog=${5:-}
url=https://$host/
profile=$(mktemp -d /tmp/tlsdiag-browser.XXXXXX)
keep_keylog() {
  [[ -n $keylog && -f $profile/sslkeys.log ]] || return 0
  grep -aE '^(CLIENT_RANDOM|CLIENT_EARLY_TRAFFIC_SECRET|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EARLY_EXPORTER_SECRET|EXPORTER_SECRET) [0-9a-f]{64} [0-9a-f]+$' \
    "$profile/sslkeys.log" >"$keylog" || true
}
trap 'keep_keylog; rm -rf "$profile"' EXIT
[[ -n $keylog ]] && export SSLKEYLOGFILE=$profile/sslkeys.log
export HOME=$profile/home
mkdir -p "$HOME"

trust_root() { # NSS database DIR
  mkdir -p "$1"
  certutil -N --empty-password -d "sql:$1"
  certutil -A -n 'tlsdiag matrix root' -t 'C,,' -i "$root" -d "sql:$1"
}

nss_error_name() { # negative NSS/NSPR error number -> its name (libnspr/libnss3/libssl3, or mozilla::pkix's own)
  python3 - "$1" <<'PY'
import ctypes, sys
code = int(sys.argv[1])
# mozilla::pkix errors are Firefox's own (security/nss/lib/mozpkix/include/pkix/pkixnss.h), from -16384 up
pkix = ["KEY_PINNING_FAILURE", "CA_CERT_USED_AS_END_ENTITY", "INADEQUATE_KEY_SIZE", "V1_CERT_USED_AS_CA",
        "NO_RFC822NAME_MATCH", "NOT_YET_VALID_CERTIFICATE", "NOT_YET_VALID_ISSUER_CERTIFICATE",
        "SIGNATURE_ALGORITHM_MISMATCH", "OCSP_RESPONSE_FOR_CERT_MISSING", "VALIDITY_TOO_LONG",
        "REQUIRED_TLS_FEATURE_MISSING", "INVALID_INTEGER_ENCODING", "EMPTY_ISSUER_NAME",
        "ADDITIONAL_POLICY_CONSTRAINT_FAILED", "SELF_SIGNED_CERT", "MITM_DETECTED"]
if -16384 <= code < -16384 + len(pkix):
    print("MOZILLA_PKIX_ERROR_" + pkix[code + 16384])
    sys.exit()
try:
    nspr, nss, ssl = (ctypes.CDLL(lib) for lib in ("libnspr4.so", "libnss3.so", "libssl3.so"))
    nss.NSS_NoDB_Init(None)
    ssl.NSS_SetDomesticPolicy()  # installs libssl's error table
    nspr.PR_ErrorToName.restype = ctypes.c_char_p
    name = nspr.PR_ErrorToName(code)
    print(name.decode() if name else f"NSS error {code}")
except OSError:
    print(f"NSS error {code}")
PY
}

firefox_status() { # the final status of the channel that loaded $url, from the nsHttp log; empty when none ended
  local logs=("$profile"/moz.log*) pointers
  pointers=$(grep -haoE "this=[0-9a-f]+ [^]]*\] for ${url//./\\.}\$" "${logs[@]}" 2>/dev/null | awk '{print $1}' | sort -u)
  [[ -n $pointers ]] || return 0
  grep -haE 'nsHttpChannel::OnStopRequest \[this=[0-9a-f]+ request=[0-9a-f]+ status=[0-9a-f]+\]' "${logs[@]}" |
    grep -F -f <(sed 's/$/ /' <<<"$pointers") | tail -n 1 | sed -E 's/.*status=([0-9a-f]+)\].*/\1/'
}

firefox_verdict() { # channel status (hex) -> "exit-status verdict"
  local status=$1
  case $status in
    '') echo "124 no page and no error after 4 s (killed)" ;;
    0) echo "0 page loaded" ;;
    805a*) echo "1 page load failed: $(nss_error_name $((-0x${status:4})))" ;;
    804b000d) echo "1 page load failed: NS_ERROR_CONNECTION_REFUSED" ;;
    804b000e) echo "1 page load failed: NS_ERROR_NET_TIMEOUT" ;;
    804b0014) echo "1 page load failed: NS_ERROR_NET_RESET" ;;
    804b0047) echo "1 page load failed: NS_ERROR_NET_INTERRUPT" ;;
    804b001e) echo "1 page load failed: NS_ERROR_UNKNOWN_HOST" ;;
    *) echo "1 page load failed: status 0x$status" ;;
  esac
}

case $browser in
  chromium)
    trust_root "$HOME/.pki/nssdb" # Chromium on Linux takes its trust anchors from ~/.pki/nssdb
    args=()
    [[ $mode == max12 ]] && args=(--ssl-version-max=tls1.2)
    timeout 4 chromium --no-sandbox --headless --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync --disable-extensions \
      --user-data-dir="$profile/chromium" "${args[@]}" --dump-dom "$url" >"$profile/dom.html" 2>"$profile/stderr.log"
    status=$?
    failed=$(grep -aoE 'Page load failed: [^ ]+' "$profile/stderr.log" | tail -n 1)
    if [[ -n $failed ]]; then
      echo "page load failed: ${failed#Page load failed: }"
      exit 1
    elif [[ -s $profile/dom.html ]] && ((status == 0)); then
      echo "page loaded ($(wc -c <"$profile/dom.html") bytes of DOM)"
      exit 0
    elif ((status == 124)); then
      echo "no page and no error after 4 s (killed)"
      exit 124
    else
      echo "chromium exited $status without a page: $(grep -aE 'ERROR' "$profile/stderr.log" | grep -v dbus | tail -n 1 | sed 's/^\[[^]]*\] //')"
      exit 1
    fi
    ;;
  firefox)
    trust_root "$profile/firefox" # the profile's own cert9.db
    # nothing but the page: no telemetry, updates, captive-portal or connectivity probes, Safe Browsing, remote
    # settings, add-on or search-engine updates, no speculative connections, no default-browser check
    cat >"$profile/firefox/user.js" <<'PREFS'
user_pref("app.normandy.enabled", false);
user_pref("app.shield.optoutstudies.enabled", false);
user_pref("app.update.auto", false);
user_pref("app.update.enabled", false);
user_pref("browser.aboutwelcome.enabled", false);
user_pref("browser.newtabpage.activity-stream.feeds.section.topstories", false);
user_pref("browser.newtabpage.activity-stream.feeds.telemetry", false);
user_pref("browser.newtabpage.enabled", false);
user_pref("browser.ping-centre.telemetry", false);
user_pref("browser.safebrowsing.blockedURIs.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.provider.google4.updateURL", "");
user_pref("browser.safebrowsing.provider.mozilla.updateURL", "");
user_pref("browser.search.update", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("extensions.getAddons.cache.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("network.dns.disableIPv6", true);
user_pref("network.http.speculative-parallel-limit", 0);
user_pref("network.predictor.enabled", false);
user_pref("network.prefetch-next", false);
user_pref("security.remote_settings.crlite_filters.enabled", false);
user_pref("services.settings.server", "");
user_pref("toolkit.telemetry.enabled", false);
user_pref("toolkit.telemetry.unified", false);
PREFS
    [[ $mode == max12 ]] && echo 'user_pref("security.tls.version.max", 3);' >>"$profile/firefox/user.js"
    MOZ_LOG=nsHttp:4 MOZ_LOG_FILE=$profile/moz.log timeout 4 firefox-esr --headless --no-remote \
      --profile "$profile/firefox" --screenshot "$profile/page.png" "$url" >"$profile/stdout.log" 2>&1
    read -r code verdict < <(firefox_verdict "$(firefox_status)")
    echo "$verdict"
    exit "$code"
    ;;
  *)
    echo "browser-client: unknown browser $browser" >&2
    exit 2
    ;;
esac
