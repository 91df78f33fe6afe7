#!/bin/sh
# Records ansible-core 2.14's wait_for results. Run from this directory:
# sh record_wait_for.sh  (writes ansible_wait_for.txt). Port 18766 serves a
# banner ("SSH-2.0-Test port=22 user=bob"), 18767 is closed.
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
out=$(pwd)/ansible_wait_for.txt; : >$out
python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 18766)); s.listen(16)
while True:
    c, _ = s.accept()
    try:
        c.sendall(b"SSH-2.0-Test port=22 user=bob\r\n")
    except OSError:
        pass
    c.close()
' & SRV=$!
sleep 1
D=/tmp/gp_wait_record; rm -rf $D; mkdir -p $D
printf 'hello\nport=8080 name=web\n' >$D/conf
rec() {
	echo "\$ ansible localhost -c local $1 -m wait_for -a '$2'" >>$out
	ansible localhost -c local $1 -m wait_for -a "$2" >>$out 2>&1
	echo >>$out
}
rec "" "path=$D/conf"
rec "" "path=$D/conf search_regex=port=(\\d+)\\sname=(?P<name>\\w+)"
rec "" "path=$D/conf search_regex=nomatch timeout=2"
rec "" "path=$D/missing timeout=1"
rec "" "path=$D/missing timeout=1 msg=custom"
rec "" "path=$D/missing state=absent"
rec "" "path=$D/conf state=absent timeout=1"
rec "" "port=18766"
rec "" "port=18766 search_regex=user=(\\w+)"
rec "" "port=18766 search_regex=nomatch timeout=2"
rec "" "port=18767 timeout=2"
rec "" "port=18767 state=stopped"
rec "" "port=18766 state=stopped timeout=2"
rec "" "port=18767 state=drained"
rec "" "port=18766 path=$D/conf"
rec "" "path=$D/conf state=stopped"
rec "" "path=$D/conf state=drained"
rec "" "path=$D/conf exclude_hosts=a"
rec "" "port=1 active_connection_states=BOGUS"
rec "" "timeout=1"
rec "" "path=$D/conf search_regex=("
rec "-C" "path=$D/conf"
kill $SRV
