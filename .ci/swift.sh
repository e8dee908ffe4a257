#!/usr/bin/env bash
# Starts a one-device OpenStack Swift (Debian's packages) with its S3 API on 127.0.0.1, for the
# S3 tests: account, container and object servers, a proxy with s3api and tempauth, memcached.
# Usage: .ci/swift.sh start DIR   (prints "endpoint bucket access-key secret-key")
#        .ci/swift.sh stop DIR
set -euo pipefail
cmd=$1
dir=$2
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if [ "$cmd" = stop ]; then
  [ -f "$dir/pids" ] && xargs -r kill <"$dir/pids" 2>/dev/null || true
  exit 0
fi

mkdir -p "$dir/etc" "$dir/node/sdb1" "$dir/log"
proxy_port=$(free_port)
account_port=$(free_port)
container_port=$(free_port)
object_port=$(free_port)
cache_port=$(free_port)
user=$(id -un)

# workers = auto is Swift's own default, one worker per core: with one, the proxy serves every
# concurrent range of a download on one core.
common() { # port
  cat <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $1
workers = auto
user = $user
swift_dir = $dir/etc
devices = $dir/node
mount_check = false
log_facility = LOG_LOCAL2
log_level = WARNING
CONF
}
{ common "$proxy_port"; cat <<CONF
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:s3api]
use = egg:swift#s3api
location = us-east-1
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$cache_port
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
CONF
} >"$dir/etc/proxy-server.conf"

# The account, container and object servers differ only in name and port: a config and a ring each.
for ring in account:$account_port container:$container_port object:$object_port; do
  name=${ring%%:*}
  port=${ring##*:}
  { common "$port"; cat <<CONF
[pipeline:main]
pipeline = $name-server
[app:$name-server]
use = egg:swift#$name
CONF
  } >"$dir/etc/$name-server.conf"
  swift-ring-builder "$dir/etc/$name.builder" create 8 1 1 >/dev/null
  swift-ring-builder "$dir/etc/$name.builder" add "r1z1-127.0.0.1:$port/sdb1" 1 >/dev/null
  swift-ring-builder "$dir/etc/$name.builder" rebalance >/dev/null
done

: >"$dir/pids"
memcached -l 127.0.0.1 -p "$cache_port" -U 0 -u "$user" >"$dir/log/memcached.log" 2>&1 &
echo $! >>"$dir/pids"
for server in account container object proxy; do
  "swift-$server-server" "$dir/etc/$server-server.conf" >"$dir/log/$server.log" 2>&1 &
  echo $! >>"$dir/pids"
done

endpoint="http://127.0.0.1:$proxy_port"
fail() {
  echo "swift.sh: $1; logs in $dir/log:" >&2
  tail -n 20 "$dir"/log/*.log >&2
  exit 1
}
# The proxy takes 10 to 30 s to start on a busy 2-core machine.
for _ in $(seq 1 600); do
  curl -sf "$endpoint/healthcheck" >/dev/null 2>&1 && break
  sleep 0.2
done
# The bucket is a Swift container of the tempauth account; the servers behind the proxy may
# still be starting, so this is retried too.
for _ in $(seq 1 60); do
  if headers=$(curl -sf -D - -o /dev/null -H "X-Auth-User: test:tester" \
    -H "X-Auth-Key: testing" "$endpoint/auth/v1.0"); then
    token=$(sed -n 's/^X-Auth-Token: \(.*\)\r$/\1/ip' <<<"$headers")
    storage=$(sed -n 's/^X-Storage-Url: \(.*\)\r$/\1/ip' <<<"$headers")
    if curl -sf -X PUT -H "X-Auth-Token: $token" "$storage/optuna-artifacts" >/dev/null; then
      echo "$endpoint optuna-artifacts test:tester testing"
      exit 0
    fi
  fi
  sleep 1
done
fail "Swift did not accept the test account and bucket at $endpoint"
