#!/bin/sh
# /init of the agent test's initramfs (laid over the lab's, which brings busybox, the NIC
# modules and the udhcpc hook): a stand-in for a freshly installed Linux. It does what an
# installer and its first boot do with the station: reads the NoCloud seed the boot script
# gave it (ds=nocloud;s=<machine URL>/), fetches user-data, then fetches this machine's
# agent.sh from the same URL and runs it, as the answer file's systemd unit would.
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
# The kernel's console is the (absent) screen: say everything on the serial port.
[ -c /dev/ttyS0 ] && exec >/dev/ttyS0 2>&1

log() { echo "agent-init: $*"; }
fail() { log "FAIL: $*"; sleep 2; poweroff -f; }

SEED=
for arg in $(cat /proc/cmdline); do
  case "$arg" in ds=nocloud*) SEED=${arg#*;s=} ;; esac
done
[ -n "$SEED" ] || fail "no ds=nocloud;s=URL on the kernel command line"

for m in failover net_failover virtio_ring virtio virtio_pci_legacy_dev \
         virtio_pci_modern_dev virtio_pci virtio_net e1000 e1000e; do
  [ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko 2>/dev/null
done
IF=
for i in 1 2 3 4 5 6 7 8 9 10; do
  for d in /sys/class/net/*; do n=${d##*/}; [ "$n" = lo ] || { IF=$n; break; }; done
  [ -n "$IF" ] && break; sleep 0.5
done
[ -n "$IF" ] || fail "no network card"
ip link set lo up; ip link set "$IF" up
udhcpc -i "$IF" -s /etc/udhcpc.script -n -q -t 10 -T 2 || fail "no DHCP lease"
hostname agent-lab

log "seed $SEED"
wget -q -O /tmp/user-data "${SEED}user-data" || fail "user-data"
log "user-data: $(wc -c </tmp/user-data) bytes"
wget -q -O /tmp/agent.sh "${SEED}agent.sh" || fail "agent.sh"
# The installer would have created the profile's admin (tech) with the answer file's
# one-time password; the agent's local-admin-password step sets the real one with chpasswd.
grep -q '^root:' /etc/passwd 2>/dev/null || echo 'root:x:0:0:root:/root:/bin/sh' >>/etc/passwd
echo 'tech:x:1000:1000:tech:/tmp:/bin/sh' >>/etc/passwd
[ -f /etc/shadow ] && echo 'tech:!:1::::::' >>/etc/shadow
# Debian's busybox has no chpasswd applet (an installed Debian or Ubuntu has the real one,
# from the passwd package): a stand-in with chpasswd's input (user:password on stdin) that
# sets it through busybox passwd.
cat >/bin/chpasswd <<'CHPASSWD'
#!/bin/sh
IFS= read -r line || exit 1
user=${line%%:*}
pw=${line#*:}
grep -q "^$user:" /etc/passwd || { echo "chpasswd: user '$user' does not exist" >&2; exit 1; }
before=$(grep -h "^$user:" /etc/shadow /etc/passwd 2>/dev/null)
printf '%s\n%s\n' "$pw" "$pw" | passwd "$user" 2>&1 >/dev/null | grep -v -e '^New password' -e '^Retype' >&2
[ "$(grep -h "^$user:" /etc/shadow /etc/passwd 2>/dev/null)" != "$before" ]
CHPASSWD
chmod +x /bin/chpasswd
log "agent fetched; running it"
PREPSTATION_STATE=/tmp/agent PREPSTATION_POLL=0.5 PREPSTATION_RETRY_DELAY=1 \
  PREPSTATION_REBOOT_CMD=true sh /tmp/agent.sh
log "agent exited $?; finished: $([ -f /tmp/agent/finished ] && echo yes || echo no)"
grep -q '^tech:[!*]*:' /etc/shadow /etc/passwd 2>/dev/null || log "tech has a password"
tail -n 20 /tmp/agent/agent.log
sync
poweroff -f
