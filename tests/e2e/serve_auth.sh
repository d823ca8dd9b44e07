#!/bin/bash
# vigil serve with basic auth and TLS from vigilrc: a certificate this test
# makes with openssl, a sha512-crypt hash from openssl passwd -6. curl
# without credentials, or with a wrong password, gets 401 and a
# WWW-Authenticate challenge; with them, over https checked against the
# certificate, 200. A real Prometheus scrapes vigil over https with
# basic_auth (tls_config ca_file) and the target is up. A bad hash line is
# named by file and line.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/serve_lib.sh"
need python3 curl openssl prometheus

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$TMP/key.pem" \
    -out "$TMP/cert.pem" 2> "$TMP/openssl.err"
check "openssl made a certificate" test -s "$TMP/cert.pem"
hash=$(openssl passwd -6 's3cret pass')
mkdir -p "$XDG_CONFIG_HOME/vigil"
cat > "$XDG_CONFIG_HOME/vigil/vigilrc" <<RC
group shells: comm ~ /sh\$/
serve-user scraper
serve-password-hash nothash
serve-password-hash $hash
serve-tls-cert $TMP/cert.pem
serve-tls-key $TMP/key.pem
RC

PORT=$(free_port)
URL="https://127.0.0.1:$PORT/metrics"
code()
{
	curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
	    --cacert "$TMP/cert.pem" "$@"
}
# 503 until the first refresh: wait for the metrics themselves.
up_200()
{
	[ "$(code -u 'scraper:s3cret pass' "$URL")" = 200 ]
}
start_fixture vpid "$VIGIL" serve --listen "127.0.0.1:$PORT" \
    2> "$TMP/serve.err"
check "vigil serve answers over https, to the right credentials: 200" \
    wait_for 20 up_200
[ -s "$TMP/serve.err" ] && diag "$(cat "$TMP/serve.err")"
check "the bad hash line is named by file and line, the good one applies" \
    grep -q "vigilrc:3: serve-password-hash" "$TMP/serve.err"
curl -s -D "$TMP/h401" -o /dev/null --max-time 5 --cacert "$TMP/cert.pem" \
    "$URL"
check "without credentials: 401 with a Basic challenge" \
    grep -qi '^WWW-Authenticate: Basic realm="vigil"' "$TMP/h401"
check "a wrong password: 401" \
    [ "$(code -u 'scraper:wrong' "$URL")" = 401 ]
check "a wrong user: 401" \
    [ "$(code -u 'other:s3cret pass' "$URL")" = 401 ]
check "and again (the remembered header): 200" \
    [ "$(code -u 'scraper:s3cret pass' "$URL")" = 200 ]
check "a wrong password after a right one: 401" \
    [ "$(code -u 'scraper:s3cret pasS' "$URL")" = 401 ]
check "the metrics come over https" sh -c "
    curl -s --max-time 5 --cacert '$TMP/cert.pem' -u 'scraper:s3cret pass' \
    '$URL' | grep -q '^namedprocess_namegroup_num_procs{groupname=\"shells\"}'"
check "plain http is refused" \
    sh -c "! curl -s -f --max-time 5 -u 'scraper:s3cret pass' 'http://127.0.0.1:$PORT/metrics' > /dev/null"
check "a certificate curl does not trust is refused" \
    sh -c "! curl -s -f --max-time 5 -u 'scraper:s3cret pass' '$URL' > /dev/null"

# A real Prometheus scraping vigil over https with basic auth.
PPORT=$(free_port)
cat > "$TMP/prometheus.yml" <<YML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: vigil
    scheme: https
    tls_config:
      ca_file: $TMP/cert.pem
    basic_auth:
      username: scraper
      password: 's3cret pass'
    static_configs:
      - targets: ['127.0.0.1:$PORT']
YML
start_fixture prom prometheus --config.file="$TMP/prometheus.yml" \
    --storage.tsdb.path="$TMP/prom" \
    --web.listen-address="127.0.0.1:$PPORT" 2> "$TMP/prom.err"
scraped()
{
	[ "$(promql 'up{job="vigil"}')" = 1 ] &&
	    [ -n "$(promql 'namedprocess_namegroup_num_procs{groupname="shells"}')" ]
}
check "Prometheus scrapes vigil over https with basic auth: up is 1" \
    wait_for 60 scraped
if ! scraped; then
	diag "$(curl -s "http://127.0.0.1:$PPORT/api/v1/targets" | head -c 600)"
	diag "$(tail -n 3 "$TMP/prom.err")"
fi

# Half a pair is refused at start, not served open.
head -n 3 "$XDG_CONFIG_HOME/vigil/vigilrc" | grep -v password > "$TMP/rc"
cp "$TMP/rc" "$XDG_CONFIG_HOME/vigil/vigilrc"
"$VIGIL" serve --listen "127.0.0.1:$(free_port)" 2> "$TMP/half.err"
check "serve-user without a hash: vigil serve refuses to start" \
    [ $? = 2 ]
check "and says why" grep -q "serve-password-hash" "$TMP/half.err"
done_testing
