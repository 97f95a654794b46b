#!/bin/sh
# /init of the test initramfs: a stand-in for an installed OS reporting back to the station.
# It proves the whole boot chain worked by fetching from the station's /files over HTTP:
#   1. /files/lab/check/booted?mac=M        (the station logs it: this machine's kernel runs)
#   2. /files/lab/payload.bin?mac=M         (a 4 MiB payload), then its sha256
#   3. /files/lab/check/<sha256>?mac=M      exists only for the right hash: 200 = verified
# then reboots, so the firmware asks the station again and must now be sent to its disk.
# Kernel parameters: lab.server=http://IP:PORT  lab.kind=pcbios|efi
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

log() { echo "lab-init: $*"; }
SERVER=; KIND=unknown
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    lab.server=*) SERVER=${arg#lab.server=} ;;
    lab.kind=*) KIND=${arg#lab.kind=} ;;
  esac
done
fail() { log "FAIL: $*"; sleep 1; poweroff -f; }

# Debian builds the NIC drivers as modules; load them in dependency order.
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
MAC=$(cat /sys/class/net/$IF/address)
ip link set lo up; ip link set "$IF" up
log "nic $IF mac $MAC kind $KIND server $SERVER"
udhcpc -i "$IF" -s /etc/udhcpc.script -n -q -t 10 -T 2 || fail "no DHCP lease"

# What the firmware and kernel say about Secure Boot (the signed-chain test checks these):
# the EFI stub's "secureboot: Secure boot enabled|disabled", and the lockdown the kernel
# took because of it ([integrity] under Secure Boot on Debian).
mkdir -p /sys/kernel/security
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
SB=$(dmesg | sed -n 's/.*Secure boot \(enabled\|disabled\).*/\1/p' | head -n 1)
LOCKDOWN=$(sed -n 's/.*\[\([a-z]*\)\].*/\1/p' /sys/kernel/security/lockdown 2>/dev/null)
log "secureboot ${SB:-none} lockdown ${LOCKDOWN:-none}"
Q="mac=$MAC&kind=$KIND&sb=${SB:-none}&lockdown=${LOCKDOWN:-none}"
wget -q -O /dev/null "$SERVER/files/lab/check/booted?$Q" || fail "booted report"
wget -q -O /tmp/payload.bin "$SERVER/files/lab/payload.bin?$Q" || fail "payload download"
GOT=$(sha256sum /tmp/payload.bin | cut -d' ' -f1)
log "payload sha256 $GOT"
wget -q -O /dev/null "$SERVER/files/lab/check/$GOT?$Q&step=done" || log "payload hash not accepted"
log "reported, rebooting"
sync
reboot -f
