#!/bin/sh
# Grant the packaged app the two capabilities the boot services need, instead of root:
# binding ports below 1024 (DHCP 67, TFTP 69) and binding a socket to the bench interface.
set -e
BIN=/opt/PrepStation/prepstation
if command -v setcap >/dev/null 2>&1 && [ -f "$BIN" ]; then
  setcap 'cap_net_bind_service,cap_net_raw=+ep' "$BIN" || true
fi
